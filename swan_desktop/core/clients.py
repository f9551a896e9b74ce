"""Clients, packages, credits, waitlists, group bookings and reports (CLIENTS protocol).

:class:`ClientsStore` holds what the desktop knows of clients (full records by
id), package definitions and each session's waitlist. Only the event router
(``client:*``, ``credits:changed``, ``package:*``, ``waitlist:changed``, through
:meth:`ClientsStore.apply_event`) and :class:`ClientsClient` write it: as with
the schedule, every answer is stored before a method returns, so a view shows
it at once and the event echoing it changes nothing.

:class:`ClientsClient` sends every request of the protocol over the live link
(these are done while connected, like administration). A refusal raises the
server's ``ProtocolError``; callers turn it into a typed outcome with
:func:`~swan_desktop.core.outcomes.outcome_of` (a full group session is
``Full``, refused import rows are ``Invalid.rows``). Bookings of group sessions
store the answered session in the schedule store; balances also go to the
directory's client list (the session editor shows them).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from ..protocol.entities import Client, Session
from ..protocol.frames import Event
from .client_records import (
    ClientCard,
    ClientRecord,
    Found,
    LedgerEntry,
    MailSettings,
    Package,
    Report,
    Sale,
    SearchResult,
    WaitlistEntry,
)
from .directory_feed import DirectoryFeed
from .schedule import ScheduleStore

log = logging.getLogger(__name__)

Request = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
#: ``(what, id)``: "client" (a client id), "package" (a package id), "waitlist" (a session id),
#: "resync" (0: everything may have changed).
Listener = Callable[[str, int], None]

#: The event prefixes the store registers with the router.
PREFIXES = ("client:", "credits:", "package:", "waitlist:")
REPORT_KINDS = ("utilisation", "attendance", "cancellations", "credits", "revenue")


class ClientsStore:
    def __init__(self) -> None:
        self.records: dict[int, ClientRecord] = {}
        self.packages: dict[int, Package] = {}
        self.waitlists: dict[int, tuple[WaitlistEntry, ...]] = {}
        #: Ledger entries seen in ``credits:changed`` events, newest last, per client.
        self.entries: dict[int, list[LedgerEntry]] = {}
        self.listeners: list[Listener] = []
        #: Told of every client record and balance (the directory's client list follows).
        self.on_client: Callable[[ClientRecord], None] | None = None
        #: Told of a balance of a client whose record is not held here: ``(client_id, balance)``.
        self.on_balance: Callable[[int, int], None] | None = None

    def _tell(self, what: str, key: int) -> None:
        for fn in list(self.listeners):
            fn(what, key)

    def get(self, client_id: int) -> ClientRecord | None:
        return self.records.get(client_id)

    def put_client(self, record: ClientRecord) -> None:
        if self.records.get(record.id) == record:
            return
        self.records[record.id] = record
        if self.on_client is not None:
            self.on_client(record)
        self._tell("client", record.id)

    def put_balance(self, client_id: int, balance: int, entry: LedgerEntry | None = None) -> None:
        if entry is not None:
            seen = self.entries.setdefault(client_id, [])
            if all(e.id != entry.id for e in seen):
                seen.append(entry)
        record = self.records.get(client_id)
        if record is None and self.on_balance is not None:
            self.on_balance(client_id, balance)
        if record is not None and record.balance != balance:
            self.put_client(_with_balance(record, balance))
        elif entry is not None or record is None:
            self._tell("client", client_id)

    def resynced(self) -> None:
        """Events were missed (the server could not replay them): what came from events is
        dropped and the views are told (``("resync", 0)``) to fetch what they show again."""
        self.waitlists.clear()
        self.entries.clear()
        self._tell("resync", 0)

    def active_packages(self) -> list[Package]:
        return sorted((p for p in self.packages.values() if p.active), key=lambda p: p.name.lower())

    def all_packages(self) -> list[Package]:
        return sorted(self.packages.values(), key=lambda p: (not p.active, p.name.lower()))

    def put_package(self, package: Package) -> None:
        if self.packages.get(package.id) != package:
            self.packages[package.id] = package
            self._tell("package", package.id)

    def load_packages(self, packages: Iterable[Package]) -> None:
        self.packages = {p.id: p for p in packages}
        self._tell("package", 0)

    def waitlist(self, session_id: int) -> tuple[WaitlistEntry, ...]:
        return self.waitlists.get(session_id, ())

    def put_waitlist(self, session_id: int, entries: Sequence[WaitlistEntry]) -> None:
        ordered = tuple(sorted(entries, key=lambda e: e.position))
        if self.waitlists.get(session_id, ()) != ordered:
            self.waitlists[session_id] = ordered
            self._tell("waitlist", session_id)

    def apply_event(self, event: Event) -> None:
        data: dict[str, Any] = event.data
        kind = event.kind
        if kind.startswith("client:") and isinstance(data.get("client"), dict):
            self.put_client(ClientRecord.from_wire(data["client"]))
        elif kind == "credits:changed":
            entry = data.get("entry")
            self.put_balance(int(data["client_id"]), int(data.get("balance") or 0),
                             LedgerEntry.from_wire(entry) if isinstance(entry, dict) else None)
        elif kind.startswith("package:") and isinstance(data.get("package"), dict):
            self.put_package(Package.from_wire(data["package"]))
        elif kind == "waitlist:changed":
            self.put_waitlist(int(data["session_id"]),
                              [WaitlistEntry.from_wire(e) for e in data.get("waitlist") or ()
                               if isinstance(e, dict)])


def _with_balance(record: ClientRecord, balance: int) -> ClientRecord:
    return dataclasses.replace(record, balance=balance)


class ClientsClient:
    def __init__(self, request: Request, schedule: ScheduleStore, feed: DirectoryFeed | None = None,
                 store: ClientsStore | None = None) -> None:
        self._request = request
        self.schedule = schedule
        self.store = store if store is not None else ClientsStore()
        if feed is not None:
            self.store.on_client = lambda r: feed.put_client(
                Client(r.id, r.name, r.balance, archived=r.archived))
            self.store.on_balance = feed.put_credits
        #: Other clients with the same email, as the last create/update of a client said (id → names).
        self.duplicates: dict[int, tuple[str, ...]] = {}

    # -- clients ----------------------------------------------------------------------------
    async def search(self, query: str, *, limit: int = 20, include_archived: bool = False) -> SearchResult:
        data: dict[str, Any] = {"q": query, "limit": limit}
        if include_archived:
            data["include_archived"] = True
        reply = await self._request("client.search", data)
        found = []
        for wire in reply.get("clients") or ():
            record = ClientRecord.from_wire(wire)
            self.store.put_client(record)
            found.append(Found(record, _session(wire.get("next_session")),
                               _session(wire.get("last_session"))))
        sessions = tuple(Session.from_wire(s) for s in reply.get("sessions") or () if isinstance(s, dict))
        return SearchResult(query, tuple(found), sessions)

    async def get(self, client_id: int) -> ClientCard:
        card = ClientCard.from_wire(await self._request("client.get", {"id": client_id}))
        self.store.put_client(card.client)
        return card

    async def create(self, fields: dict[str, Any]) -> ClientRecord:
        return self._client(await self._request("client.create", dict(fields)))

    async def update(self, client_id: int, changes: dict[str, Any]) -> ClientRecord:
        return self._client(await self._request("client.update", {"id": client_id, "changes": dict(changes)}))

    async def import_clients(self, rows: Sequence[dict[str, Any]], on_duplicate_email: str = "refuse"
                             ) -> tuple[int, int]:
        """All or nothing: ``(created, skipped)``; a refusal is ``invalid`` with ``rows``."""
        reply = await self._request("client.import", {"clients": [dict(r) for r in rows],
                                                      "on_duplicate_email": on_duplicate_email})
        return int(reply.get("created") or 0), int(reply.get("skipped") or 0)

    async def export_all(self) -> list[ClientRecord]:
        """Every client record, archived ones too, page by page (``client.export``, admins)."""
        records: list[ClientRecord] = []
        after = 0
        while True:
            reply = await self._request("client.export", {"after_id": after, "limit": 1000})
            records.extend(ClientRecord.from_wire(w) for w in reply.get("clients") or ())
            if not reply.get("more") or not reply.get("clients"):
                return records
            after = int(reply["after_id"])

    def _client(self, reply: dict[str, Any]) -> ClientRecord:
        record = ClientRecord.from_wire(reply["client"])
        self.duplicates[record.id] = tuple(str(d.get("name") or "") for d in reply.get("duplicates") or ()
                                           if isinstance(d, dict))
        self.store.put_client(record)
        return record

    # -- packages and credits ---------------------------------------------------------------
    async def load_packages(self) -> list[Package]:
        reply = await self._request("package.list", {})
        packages = [Package.from_wire(p) for p in reply.get("packages") or () if isinstance(p, dict)]
        self.store.load_packages(packages)
        return packages

    async def create_package(self, fields: dict[str, Any]) -> Package:
        return self._package(await self._request("package.create", dict(fields)))

    async def update_package(self, package_id: int, changes: dict[str, Any]) -> Package:
        return self._package(await self._request("package.update", {"id": package_id, "changes": changes}))

    def _package(self, reply: dict[str, Any]) -> Package:
        package = Package.from_wire(reply["package"])
        self.store.put_package(package)
        return package

    async def sell(self, client_id: int, package_id: int, price_paid_cents: int | None = None) -> Sale:
        data: dict[str, Any] = {"client_id": client_id, "package_id": package_id}
        if price_paid_cents is not None:
            data["price_paid_cents"] = price_paid_cents
        reply = await self._request("package.sell", data)
        sale = Sale.from_wire(reply["sale"])
        self.store.put_balance(client_id, int(reply.get("balance") or 0))
        return sale

    async def void_sale(self, sale_id: int, reason: str) -> Sale:
        """Undo a sale made by mistake (admins): its credits are taken back; refused once any was
        spent, or it expired."""
        reply = await self._request("package.void", {"sale_id": sale_id, "reason": reason})
        sale = Sale.from_wire(reply["sale"])
        self.store.put_balance(sale.client_id, int(reply.get("balance") or 0))
        return sale

    async def refund_sale(self, sale_id: int, refund_cents: int, reason: str) -> Sale:
        """Give back the unused part of a sale (admins): the credits it still holds are taken back,
        ``refund_cents`` counts against revenue today."""
        reply = await self._request("package.refund", {"sale_id": sale_id, "refund_cents": refund_cents,
                                                       "reason": reason})
        sale = Sale.from_wire(reply["sale"])
        self.store.put_balance(sale.client_id, int(reply.get("balance") or 0))
        return sale

    async def adjust(self, client_id: int, delta: int, reason: str) -> LedgerEntry:
        reply = await self._request("credits.adjust", {"client_id": client_id, "delta": delta,
                                                       "reason": reason})
        entry = LedgerEntry.from_wire(reply["entry"])
        self.store.put_balance(client_id, int(reply.get("balance") or 0), entry)
        return entry

    async def ledger(self, client_id: int, before: int | None = None, limit: int | None = None
                     ) -> tuple[list[LedgerEntry], bool]:
        data: dict[str, Any] = {"client_id": client_id}
        if before is not None:
            data["before"] = before
        if limit is not None:
            data["limit"] = limit
        reply = await self._request("credits.ledger", data)
        self.store.put_balance(client_id, int(reply.get("balance") or 0))
        return [LedgerEntry.from_wire(e) for e in reply.get("entries") or ()], bool(reply.get("more"))

    # -- group sessions and waitlists -------------------------------------------------------
    async def book(self, session_id: int, client_id: int) -> Session:
        """One more client in a group session (``Full`` when no place is left)."""
        return self._session(await self._request("booking.add", {"session_id": session_id,
                                                                 "client_id": client_id}))

    async def unbook(self, session_id: int, client_id: int, reason: str = "") -> Session:
        """Cancel one client's place (refunded by the studio's window rule)."""
        data: dict[str, Any] = {"session_id": session_id, "client_id": client_id}
        if reason:
            data["reason"] = reason
        return self._session(await self._request("booking.remove", data))

    def _session(self, reply: dict[str, Any]) -> Session:
        session = Session.from_wire(reply["session"])
        if self._newer(session):
            self.schedule.replace(session)
        return session

    def _newer(self, session: Session) -> bool:
        known = self.schedule.get(session.id)
        return known is None or known.version < session.version or (
            known.version == session.version and known.extra != session.extra)

    async def checkin(self, session_id: int, client_id: int, attendance: str) -> Session:
        """One client's attendance in a group session (``present``, ``late`` or ``no_show``)."""
        return self._session(await self._request("session.checkin", {
            "id": session_id, "client_id": client_id, "attendance": attendance}))

    async def load_waitlist(self, session_id: int) -> tuple[WaitlistEntry, ...]:
        """The session's waitlist as the server has it now (in order, with when each joined)."""
        reply = await self._request("waitlist.get", {"session_id": session_id})
        self.store.put_waitlist(session_id, [WaitlistEntry.from_wire(e) for e in reply.get("waitlist") or ()
                                             if isinstance(e, dict)])
        return self.store.waitlist(session_id)

    async def join_waitlist(self, session_id: int, client_id: int) -> WaitlistEntry:
        reply = await self._request("waitlist.join", {"session_id": session_id, "client_id": client_id})
        entry = WaitlistEntry.from_wire(reply["entry"])
        known = [e for e in self.store.waitlist(session_id) if e.id != entry.id]
        self.store.put_waitlist(session_id, [*known, entry])
        return entry

    async def leave_waitlist(self, entry: WaitlistEntry) -> None:
        await self._request("waitlist.leave", {"id": entry.id})
        self.store.put_waitlist(entry.session_id,
                                [e for e in self.store.waitlist(entry.session_id) if e.id != entry.id])

    # -- reports and reminders --------------------------------------------------------------
    async def report(self, kind: str, start: str, end: str, by: str = "week",
                     trainer_id: int | None = None) -> Report:
        data: dict[str, Any] = {"kind": kind, "start": start, "end": end, "by": by}
        if trainer_id is not None:
            data["trainer_id"] = trainer_id
        return Report.from_wire(await self._request("report.run", data))

    async def reminder_settings(self, **changes: Any) -> MailSettings:
        """``changes``: any of ``hours_before``, ``enabled``, ``confirmations``, ``cancellations`` and
        ``smtp`` (``host``, ``port``, ``security``, ``user``, ``from``); admins only."""
        return MailSettings.from_wire(await self._request("reminder.settings", changes))

    async def load_reminder_settings(self) -> MailSettings:
        return MailSettings.from_wire(await self._request("reminder.settings.get", {}))

    async def erase(self, client_id: int, name: str) -> ClientRecord:
        """Erase an archived client's personal data (admins; ``name`` typed as it is): the record
        comes back emptied, under "Erased client #ID"; their sessions follow (:meth:`erased`)."""
        reply = await self._request("client.erase", {"id": client_id, "name": name})
        return self._client(reply)

    def erased(self, event: Event) -> None:
        """``client:erased`` (this PC's erasure or another's): the sessions held here take the new name."""
        record = event.data.get("client")
        if isinstance(record, dict):
            ids = [int(i) for i in event.data.get("sessions") or ()]
            self.schedule.rename_client(int(record["id"]), ids, str(record["name"]))

    async def set_mail_password(self, password: str) -> MailSettings:
        """Give the server the password its mail server signs in with ("" forgets it): the server
        keeps it in its machine's keyring. Sent at once, never through the outbox (which is a file
        on this PC)."""
        return MailSettings.from_wire(await self._request("reminder.mail_password", {"password": password}))

    async def send_test_email(self, to: str) -> tuple[bool, str]:
        """Send a test email through the studio's mail server now: ``(sent, what went wrong)``."""
        reply = await self._request("reminder.test", {"to": to})
        return bool(reply.get("sent")), str(reply.get("detail") or "")


def _session(value: Any) -> Session | None:
    return Session.from_wire(value) if isinstance(value, dict) else None
