"""An in-memory stand-in for the clients requests (CLIENTS_PROTOCOL.md), for widget tests.

Following the pattern of ``tests/admin_desktop/fake_studio.py``, it answers
``client.*``, ``package.*``, ``credits.*``, ``waitlist.*``, ``booking.*`` and
``report.run`` — and the ``session.*`` changes the editor sends — with the reply
shapes and refusals the real server sends: ``invalid`` with a ``field`` (or
import ``rows``), ``conflict``/``full`` with capacity and booked, ``not_found``.
Each change's events go to every desktop attached with :meth:`FakeClients.attach`
(as the hub fans out to PCs). The rules are the protocol's, with the server's
"Changes": the balance is the ledger's sum; credits are spent when a session is
completed (each client of a group once), never at booking; cancelling a
completed session (or a place in one) before the studio's window refunds through
the ledger and a late one does not; ``waitlist.join`` is refused while a place is
free, and a freed place is offered to the first on the waitlist, who stays on it
until booked.

It is the only thing that plays the server; the desktop side (``ClientsClient``,
the stores, the widgets) is the real code. ``calls`` records what was sent;
``now`` is the studio's clock (tests move it instead of sleeping); ``gate``
holds ``client.search`` answers until released, to test superseded searches.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from swan_desktop.core.clients import ClientsClient
from swan_desktop.core.directory import Directory
from swan_desktop.core.directory_feed import DirectoryFeed
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from swan_desktop.protocol.frames import Event
from swan_desktop.protocol.timefmt import format_ts, parse_ts

RECORD_FIELDS = ("name", "email", "phone", "birthday", "emergency_contact", "notes", "tags", "consent")
TRAINER, PT, GROUP = 1, 1, 2


def invalid(message: str, field: str) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID, message, {"field": field})


def not_found(what: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"unknown {what}", {"field": "id"})


def period_of(moment: datetime, by: str) -> str:
    if by == "month":
        return f"{moment.year:04d}-{moment.month:02d}"
    year, week, _ = moment.isocalendar()
    return f"{year:04d}-W{week:02d}"


@dataclass
class Desktop:
    """One PC: its schedule store, clients client and the schedule actions its editor uses."""

    store: ScheduleStore
    clients: ClientsClient
    actions: FakeActions


@dataclass
class FakeActions:
    """``ScheduleActions`` over the fake: sends ``session.*`` and stores the answer, as StudioClient does."""

    studio: FakeClients
    store: ScheduleStore
    calendar: Any = None
    calls: list[str] = field(default_factory=list)

    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        reply = await self.studio.request("session.create", dict(fields))
        session = Session.from_wire(reply["session"])
        self.store.upsert(session)
        return session

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        reply = await self.studio.request("session.update", {"id": session_id, "version": version,
                                                             "changes": dict(changes)})
        session = Session.from_wire(reply["session"])
        self.store.upsert(session)
        return session

    async def delete_session(self, session_id: int, version: int) -> None:
        await self.studio.request("session.delete", {"id": session_id, "version": version})
        self.store.remove(session_id)


class FakeClients:
    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
        self.settings = {"cancellation_window_h": "24", "currency": "EUR", "timezone": "UTC"}
        #: ``reminder.settings``: what is sent, and the studio's mail server (no password on the wire).
        self.reminders: dict[str, Any] = {"hours_before": 24, "confirmations": True, "cancellations": True,
                                          "enabled": True}
        self.smtp: dict[str, Any] = {"host": "", "port": 587, "security": "starttls", "user": "", "from": "",
                                     "password_set": False, "source": "none"}
        self.types: dict[int, dict[str, Any]] = {
            PT: {"id": PT, "name": "Personal training", "duration_min": 60, "color": "#2f6f9f",
                 "credits": 1, "capacity": 1},
            GROUP: {"id": GROUP, "name": "Small group", "duration_min": 60, "color": "#6f4f9f",
                    "credits": 1, "capacity": 3}}
        self.clients: dict[int, dict[str, Any]] = {}
        self.packages: dict[int, dict[str, Any]] = {}
        self.sales: list[dict[str, Any]] = []
        self.ledger: list[dict[str, Any]] = []
        self.sessions: dict[int, dict[str, Any]] = {}
        self.waitlists: dict[int, list[dict[str, Any]]] = {}
        self.offers: list[tuple[int, int]] = []   # (session, client) offered a freed place
        self.charged: set[tuple[int, int]] = set()  # (session, client) whose credits were spent
        self.cancellations: list[tuple[int, bool]] = []  # (client, late)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.gate: asyncio.Event | None = None
        self._ids = itertools.count(100)
        self._seq = itertools.count(1)
        self._listeners: list[Callable[[Event], None]] = []

    # -- desktops ---------------------------------------------------------------------------
    def directory_wire(self) -> dict[str, Any]:
        return {"trainers": [{"id": TRAINER, "name": "Ana Kowalski", "color": "#3b6fb6"}],
                "locations": [{"id": 1, "name": "Studio A", "capacity": 6}],
                "session_types": [dict(t) for t in self.types.values()],
                "clients": [{"id": c["id"], "name": c["name"], "credits": self._balance(c["id"]),
                             "archived": c["archived"]} for c in self.clients.values()],
                "users": [{"id": 1, "name": "Boss", "role": "admin"}], "timezone": "UTC"}

    def attach(self) -> Desktop:
        store = ScheduleStore()
        store.set_directory(Directory.from_wire(self.directory_wire()))
        store.load(Session.from_wire(s) for s in self.sessions.values())
        feed = DirectoryFeed(store)
        clients = ClientsClient(self.request, store, feed)

        def deliver(event: Event) -> None:
            if event.kind.startswith("session:"):
                store.apply_event(event)
            else:
                clients.store.apply_event(event)

        self._listeners.append(deliver)
        return Desktop(store, clients, FakeActions(self, store))

    def _emit(self, kind: str, data: dict[str, Any]) -> None:
        event = Event("e", next(self._seq), kind, "", None, data)
        for fn in list(self._listeners):
            fn(event)

    # -- set-up helpers for tests -----------------------------------------------------------
    def add_client(self, name: str, **fields: Any) -> dict[str, Any]:
        return self._client_create({"name": name, **fields})["client"]

    def add_package(self, name: str, credits: int, price_cents: int,
                    validity_days: int = 90) -> dict[str, Any]:
        return self._package_create({"name": name, "credits": credits, "price_cents": price_cents,
                                     "validity_days": validity_days})["package"]

    def add_session(self, start: datetime, type_id: int = GROUP,
                    client_id: int | None = None) -> dict[str, Any]:
        return self._session_create({"start": format_ts(start), "end": format_ts(start + timedelta(hours=1)),
                                     "trainer_id": TRAINER, "session_type_id": type_id,
                                     "client_id": client_id, "status": "scheduled"})["session"]

    # -- the requests -----------------------------------------------------------------------
    async def request(self, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((rtype, data))
        if rtype == "client.search" and self.gate is not None:
            gate = self.gate
            await gate.wait()
        handler = getattr(self, "_" + rtype.replace(".", "_"))
        result: dict[str, Any] = handler(dict(data))
        return result

    # clients
    def _record(self, row: dict[str, Any]) -> dict[str, Any]:
        return {**row, "tags": list(row["tags"]), "consent": dict(row["consent"]),
                "balance": self._balance(row["id"])}

    def _get_client(self, key: Any) -> dict[str, Any]:
        row = self.clients.get(key) if isinstance(key, int) else None
        if row is None:
            raise not_found("client")
        return row

    def _check_fields(self, fields: dict[str, Any], *, creating: bool) -> None:
        unknown = set(fields) - set(RECORD_FIELDS) - ({"archived"} if not creating else set())
        if unknown:
            raise ProtocolError(ErrorCode.INVALID, "unknown fields", {"fields": sorted(unknown)})
        if (creating or "name" in fields) and not str(fields.get("name") or "").strip():
            raise invalid("a client needs a name", "name")
        email = str(fields.get("email") or "")
        if email and "@" not in email:
            raise invalid("not an email address", "email")
        birthday = fields.get("birthday")
        if birthday:
            try:
                date.fromisoformat(str(birthday))
            except ValueError:
                raise invalid("dates are YYYY-MM-DD", "birthday") from None

    def _client_create(self, data: dict[str, Any]) -> dict[str, Any]:
        self._check_fields(data, creating=True)
        row: dict[str, Any] = {
               "id": next(self._ids), "name": str(data["name"]).strip(), "email": data.get("email") or "",
               "phone": data.get("phone") or "", "birthday": data.get("birthday") or None,
               "emergency_contact": data.get("emergency_contact") or "", "notes": data.get("notes") or "",
               "tags": list(data.get("tags") or []),
               "consent": dict(data.get("consent") or {"reminders": False, "marketing": False}),
               "archived": False, "created_at": format_ts(self.now)}
        self.clients[row["id"]] = row
        self._emit("client:created", {"client": self._record(row)})
        return {"client": self._record(row), "duplicates": self._duplicates(row)}

    def _duplicates(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        email = str(row.get("email") or "").lower()
        return [{"id": c["id"], "name": c["name"]} for c in self.clients.values()
                if email and c["id"] != row["id"] and c["email"].lower() == email]

    def _client_update(self, data: dict[str, Any]) -> dict[str, Any]:
        row = self._get_client(data.get("id"))
        changes = dict(data["changes"])
        self._check_fields(changes, creating=False)
        row.update(changes)
        self._emit("client:updated", {"client": self._record(row)})
        return {"client": self._record(row), "duplicates": self._duplicates(row)}

    def _sessions_of(self, client_id: int) -> list[dict[str, Any]]:
        return [s for s in self.sessions.values() if s.get("client_id") == client_id
                or any(c["client_id"] == client_id for c in s.get("clients") or ())]

    def _client_search(self, data: dict[str, Any]) -> dict[str, Any]:
        q = str(data.get("q") or "").strip().lower()
        limit = int(data.get("limit") or 20)
        hits = []
        for row in sorted(self.clients.values(), key=lambda r: r["name"].lower()):
            if row["archived"] and not data.get("include_archived"):
                continue
            words = [row["name"], row["email"], row["phone"], *row["tags"]]
            if q and not any(q in str(w).lower() for w in words):
                continue
            mine = sorted(self._sessions_of(row["id"]), key=lambda s: s["start"])
            upcoming = [s for s in mine if parse_ts(s["start"]) >= self.now and s["status"] != "cancelled"]
            past = [s for s in mine if parse_ts(s["start"]) < self.now]
            hits.append({**self._record(row), "next_session": dict(upcoming[0]) if upcoming else None,
                         "last_session": dict(past[-1]) if past else None})
        sessions = [dict(s) for s in self.sessions.values() if q and q in str(s.get("notes", "")).lower()]
        return {"clients": hits[:limit], "sessions": sessions[:20]}

    def _client_get(self, data: dict[str, Any]) -> dict[str, Any]:
        row = self._get_client(data.get("id"))
        mine = sorted(self._sessions_of(row["id"]), key=lambda s: s["start"])
        upcoming = [dict(s) for s in mine if parse_ts(s["start"]) >= self.now and s["status"] != "cancelled"]
        past = [dict(s) for s in reversed(mine) if parse_ts(s["start"]) < self.now
                or s["status"] == "cancelled"]
        ledger = [dict(e) for e in reversed(self.ledger) if e["client_id"] == row["id"]]
        stats = {"attended": sum(1 for s in past if s.get("attendance") in ("present", "late")),
                 "no_shows": sum(1 for s in past if s.get("attendance") == "no_show"),
                 "late_cancellations": self.cancellations.count((row["id"], True)),
                 "timely_cancellations": self.cancellations.count((row["id"], False))}
        messages = [{"id": 9000 + s["id"], "session_id": s["id"], "kind": "confirmation", "status": "sent",
                     "to": row["email"], "subject": "Your session is booked", "due_at": format_ts(self.now),
                     "sent_at": format_ts(self.now), "message_id": f"<{s['id']}@swan.example>"}
                    for s in upcoming if row["email"] and row["consent"].get("reminders")]
        return {"client": self._record(row), "upcoming": upcoming, "past": past[:200], "stats": stats,
                "ledger": ledger[:200],
                "packages": [{**s, "package_name": self.packages[s["package_id"]]["name"]}
                             for s in self.sales if s["client_id"] == row["id"]],
                "messages": messages}

    def _client_import(self, data: dict[str, Any]) -> dict[str, Any]:
        rows, problems = list(data.get("clients") or []), []
        on_duplicate = data.get("on_duplicate_email", "refuse")
        known = {c["email"].lower() for c in self.clients.values() if c["email"]}
        seen: set[str] = set()
        skipped = 0
        keep = []
        for i, row in enumerate(rows):
            try:
                self._check_fields(row, creating=True)
            except ProtocolError as exc:
                field_name = (exc.data or {}).get("field", "")
                problems.append({"row": i, "field": field_name, "message": exc.message})
                continue
            email = str(row.get("email") or "").lower()
            if email and (email in known or email in seen):
                if on_duplicate == "skip":
                    skipped += 1
                    continue
                problems.append({"row": i, "field": "email", "message": "a client with this email exists"})
                continue
            seen.add(email)
            keep.append(row)
        if problems:
            raise ProtocolError(ErrorCode.INVALID, f"{len(problems)} rows were refused; nothing was imported",
                                {"rows": problems})
        for row in keep:
            self._client_create(row)
        return {"created": len(keep), "skipped": skipped}

    # packages and credits
    def _balance(self, client_id: int) -> int:
        return sum(e["delta"] for e in self.ledger if e["client_id"] == client_id)

    def _entry(self, client_id: int, delta: int, reason: str, *, session_id: int | None = None,
               sale_id: int | None = None, note: str = "") -> dict[str, Any]:
        entry = {"id": next(self._ids), "client_id": client_id, "delta": delta,
                 "balance_after": self._balance(client_id) + delta, "reason": reason,
                 "session_id": session_id, "sale_id": sale_id, "actor": {"id": 1, "name": "Boss"},
                 "note": note, "at": format_ts(self.now)}
        self.ledger.append(entry)
        self._emit("credits:changed", {"client_id": client_id, "balance": entry["balance_after"],
                                       "entry": dict(entry)})
        return entry

    def _package_list(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"packages": [dict(p) for p in self.packages.values()]}

    def _check_package(self, fields: dict[str, Any]) -> None:
        for key, low in (("credits", 1), ("price_cents", 0), ("validity_days", 1)):
            if key in fields and (not isinstance(fields[key], int) or fields[key] < low):
                raise invalid(f"{key} must be a whole number of at least {low}", key)
        if "name" in fields and not str(fields["name"]).strip():
            raise invalid("a package needs a name", "name")

    def _package_create(self, data: dict[str, Any]) -> dict[str, Any]:
        self._check_package({"name": "", **data})
        row = {"id": next(self._ids), "name": data["name"], "credits": data["credits"],
               "price_cents": data["price_cents"], "validity_days": data.get("validity_days", 90),
               "active": True}
        self.packages[row["id"]] = row
        self._emit("package:created", {"package": dict(row)})
        return {"package": dict(row)}

    def _package_update(self, data: dict[str, Any]) -> dict[str, Any]:
        row = self.packages.get(data.get("id"))  # type: ignore[arg-type]
        if row is None:
            raise not_found("package")
        self._check_package(data["changes"])
        row.update(data["changes"])
        self._emit("package:updated", {"package": dict(row)})
        return {"package": dict(row)}

    def _package_sell(self, data: dict[str, Any]) -> dict[str, Any]:
        client = self._get_client(data.get("client_id"))
        package = self.packages.get(data.get("package_id"))  # type: ignore[arg-type]
        if package is None or not package["active"]:
            raise ProtocolError(ErrorCode.NOT_FOUND, "no such package on sale", {"field": "package_id"})
        price = data.get("price_paid_cents", package["price_cents"])
        if not isinstance(price, int) or price < 0:
            raise invalid("a price in cents, 0 or more", "price_paid_cents")
        sale = {"id": next(self._ids), "client_id": client["id"], "package_id": package["id"],
                "credits": package["credits"], "price_paid_cents": price, "sold_at": format_ts(self.now),
                "expires_at": format_ts(self.now + timedelta(days=package["validity_days"]))}
        self.sales.append(sale)
        entry = self._entry(client["id"], package["credits"], "sale", sale_id=sale["id"])
        return {"sale": dict(sale), "balance": entry["balance_after"]}

    def _credits_adjust(self, data: dict[str, Any]) -> dict[str, Any]:
        client = self._get_client(data.get("client_id"))
        if not isinstance(data.get("delta"), int) or data["delta"] == 0:
            raise invalid("a change of at least one credit, up or down", "delta")
        if not str(data.get("reason") or "").strip():
            raise invalid("say why the credits change", "reason")
        entry = self._entry(client["id"], data["delta"], "adjustment", note=str(data["reason"]))
        return {"entry": dict(entry), "balance": entry["balance_after"]}

    def _credits_ledger(self, data: dict[str, Any]) -> dict[str, Any]:
        client = self._get_client(data.get("client_id"))
        entries = [dict(e) for e in reversed(self.ledger) if e["client_id"] == client["id"]]
        before = data.get("before")
        if isinstance(before, int):
            entries = [e for e in entries if e["id"] < before]
        limit = int(data.get("limit") or 100)
        page = entries[:limit]
        return {"entries": page, "balance": self._balance(client["id"]), "more": len(entries) > limit,
                "before": page[-1]["id"] if page else None}

    # sessions (what the editor sends) and bookings
    def _credits_of(self, session: dict[str, Any]) -> int:
        return int(self.types.get(session.get("session_type_id") or 0, {}).get("credits", 1))

    def _late(self, session: dict[str, Any]) -> bool:
        window = timedelta(hours=float(self.settings["cancellation_window_h"]))
        return parse_ts(session["start"]) - self.now <= window

    def _group_fields(self, session: dict[str, Any]) -> None:
        capacity = int(self.types.get(session.get("session_type_id") or 0, {}).get("capacity", 1))
        if capacity > 1:
            session.setdefault("clients", [])
            session["capacity"] = capacity
            session["booked"] = len(session["clients"])

    def _session_create(self, data: dict[str, Any]) -> dict[str, Any]:
        session = {"id": next(self._ids), "client_name": "", "location": "", "notes": "", "version": 1,
                   "updated_at": format_ts(self.now), "updated_by": 1, "cancel_reason": "", "series_id": None,
                   "attendance": None, "checked_in_at": None, **data}
        client_id = session.get("client_id")
        if client_id is not None:
            session["client_name"] = self._get_client(client_id)["name"]
        self._group_fields(session)
        if "clients" in session and client_id is not None:
            member = {"client_id": client_id, "name": session["client_name"], "attendance": None}
            session["clients"] = [member]
            session["client_id"], session["client_name"] = None, ""
            self._group_fields(session)
        self.sessions[session["id"]] = session
        self._emit("session:created", {"session": dict(session)})
        return {"session": dict(session)}

    def _session_update(self, data: dict[str, Any]) -> dict[str, Any]:
        session = self.sessions.get(data.get("id"))  # type: ignore[arg-type]
        if session is None:
            raise not_found("session")
        changes = dict(data["changes"])
        cancelling = changes.get("status") == "cancelled" and session["status"] != "cancelled"
        completing = changes.get("status") == "completed" and session["status"] != "completed"
        session.update(changes)
        session["version"] += 1
        self._emit("session:updated", {"session": dict(session)})
        for client_id in self._booked(session):
            if completing:
                self.charged.add((session["id"], client_id))
                self._entry(client_id, -self._credits_of(session), "completion", session_id=session["id"])
            elif cancelling:
                self._cancel_credit(session, client_id, bool(data.get("restore_credit")))
        return {"session": dict(session)}

    @staticmethod
    def _booked(session: dict[str, Any]) -> list[int]:
        members = [m["client_id"] for m in session.get("clients") or ()]
        return members or ([session["client_id"]] if session.get("client_id") is not None else [])

    def _session_delete(self, data: dict[str, Any]) -> dict[str, Any]:
        self.sessions.pop(data["id"], None)
        self._emit("session:deleted", {"id": data["id"]})
        return {}

    def _cancel_credit(self, session: dict[str, Any], client_id: int, restore: bool = False) -> None:
        """Spent credits come back before the window (or when an admin restores them)."""
        late = self._late(session)
        self.cancellations.append((client_id, late))
        if (session["id"], client_id) not in self.charged or (late and not restore):
            return
        self.charged.discard((session["id"], client_id))
        self._entry(client_id, self._credits_of(session), "refund", session_id=session["id"])

    def _group(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        session = self.sessions.get(data.get("session_id"))  # type: ignore[arg-type]
        if session is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, "no such session", {"field": "session_id"})
        return session, self._get_client(data.get("client_id"))

    def _booking_add(self, data: dict[str, Any]) -> dict[str, Any]:
        session, client = self._group(data)
        members = session.setdefault("clients", [])
        if any(m["client_id"] == client["id"] for m in members):
            raise invalid("this client is booked already", "client_id")
        capacity = session.get("capacity", 1)
        if len(members) >= capacity:
            raise ProtocolError(ErrorCode.CONFLICT, "every place is taken; the client may join the waitlist",
                                {"reason": "full", "capacity": capacity, "booked": len(members)})
        members.append({"client_id": client["id"], "name": client["name"], "attendance": None})
        session["booked"] = len(members)
        session["version"] += 1
        waiting = self.waitlists.get(session["id"], [])
        if any(e["client_id"] == client["id"] for e in waiting):
            self.waitlists[session["id"]] = [e for e in waiting if e["client_id"] != client["id"]]
            self._renumber(session["id"])
        self._emit("session:updated", {"session": dict(session)})
        return {"session": dict(session)}

    def _booking_remove(self, data: dict[str, Any]) -> dict[str, Any]:
        session, client = self._group(data)
        members = session.get("clients") or []
        if not any(m["client_id"] == client["id"] for m in members):
            raise invalid("this client is not booked in the session", "client_id")
        session["clients"] = [m for m in members if m["client_id"] != client["id"]]
        session["booked"] = len(session["clients"])
        session["version"] += 1
        self._emit("session:updated", {"session": dict(session)})
        self._cancel_credit(session, client["id"])
        waiting = self.waitlists.get(session["id"])
        if waiting:
            self.offers.append((session["id"], waiting[0]["client_id"]))
            self._renumber(session["id"])
        return {"session": dict(session)}

    # waitlists
    def _renumber(self, session_id: int) -> None:
        entries = self.waitlists.get(session_id, [])
        for i, entry in enumerate(entries, 1):
            entry["position"] = i
        self._emit("waitlist:changed", {"session_id": session_id, "waitlist": [dict(e) for e in entries]})

    def _waitlist_join(self, data: dict[str, Any]) -> dict[str, Any]:
        session, client = self._group(data)
        if len(session.get("clients") or ()) < session.get("capacity", 1):
            raise invalid("the session has a free place: book the client instead", "session_id")
        entries = self.waitlists.setdefault(session["id"], [])
        if any(e["client_id"] == client["id"] for e in entries):
            raise invalid("this client is on the waitlist already", "client_id")
        entry = {"id": next(self._ids), "session_id": session["id"], "client_id": client["id"],
                 "position": len(entries) + 1, "created_at": format_ts(self.now)}
        entries.append(entry)
        self._renumber(session["id"])
        return {"entry": dict(entry)}

    def _waitlist_leave(self, data: dict[str, Any]) -> dict[str, Any]:
        for session_id, entries in self.waitlists.items():
            for entry in entries:
                if entry["id"] == data.get("id"):
                    entries.remove(entry)
                    self._renumber(session_id)
                    return {}
        raise not_found("waitlist entry")

    def _waitlist_get(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("session_id") not in self.sessions:
            raise not_found("session")
        entries = self.waitlists.get(data["session_id"], [])
        return {"session_id": data["session_id"], "waitlist": [dict(e) for e in entries]}

    # emails to clients
    def _reminder_settings_get(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"settings": dict(self.reminders), "smtp": dict(self.smtp)}

    def _reminder_settings(self, data: dict[str, Any]) -> dict[str, Any]:
        smtp = data.pop("smtp", None)
        self.reminders.update(data)
        if isinstance(smtp, dict):
            self.smtp.update(smtp, source="studio" if smtp.get("host") else self.smtp["source"])
        return self._reminder_settings_get({})

    # reports
    def _report_run(self, data: dict[str, Any]) -> dict[str, Any]:
        kind, by = data["kind"], data.get("by", "week")
        if kind not in ("utilisation", "attendance", "cancellations", "credits", "revenue"):
            raise invalid("unknown report", "kind")
        first, last = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
        if last < first:
            raise invalid("the end is before the start", "end")
        rows: dict[str, dict[str, int]] = {}

        def add(moment: datetime, **figures: int) -> None:
            if first <= moment.date() <= last:
                row = rows.setdefault(period_of(moment, by), {})
                for key, value in figures.items():
                    row[key] = row.get(key, 0) + value

        if kind == "revenue":
            for sale in self.sales:
                add(parse_ts(sale["sold_at"]), sales=1, revenue_cents=sale["price_paid_cents"])
        elif kind == "credits":
            for e in self.ledger:
                add(parse_ts(e["at"]), sold=max(e["delta"], 0) if e["reason"] == "sale" else 0,
                    spent=-e["delta"] if e["reason"] == "completion" else 0,
                    adjusted=e["delta"] if e["reason"] in ("adjustment", "refund") else 0)
        else:
            for s in self.sessions.values():
                people = len(s.get("clients") or ()) or (1 if s.get("client_id") else 0)
                add(parse_ts(s["start"]), sessions=1, booked=people,
                    cancelled=1 if s["status"] == "cancelled" else 0)
        table: list[dict[str, Any]] = [{"period": p, **figures} for p, figures in sorted(rows.items())]
        totals: dict[str, int] = {}
        for figures in rows.values():
            for key, value in figures.items():
                totals[key] = totals.get(key, 0) + value
        return {"kind": kind, "by": by, "rows": table, "totals": totals}
