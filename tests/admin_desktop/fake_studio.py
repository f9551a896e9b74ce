"""An in-memory stand-in for the studio-administration requests, for widget tests.

It answers the requests of the administration protocol (studio set-up,
trainers, hours, time off, rooms, session types, ``directory.import``,
accounts) with the reply shapes and refusals the real server sends —
``invalid`` with a ``field`` (or import ``rows``), ``conflict``/``in_use`` with
the number of sessions, ``not_found`` — and hands each change's event to every
desktop attached with :meth:`FakeStudio.attach` (as the hub fans out to PCs).
Like ``tests/qt/fake_actions.py`` it is the only thing that plays the server;
everything on the desktop side (``AdminClient``, the directory feed, the
widgets) is the real code. ``calls`` records what was sent; ``in_use`` says
how many sessions name a trainer, room or type.
"""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

from swan_desktop.core.accounts import AccountStore
from swan_desktop.core.admin import AdminClient
from swan_desktop.core.directory import Directory
from swan_desktop.core.directory_feed import DirectoryFeed
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.domain.block_contrast import readable
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from swan_desktop.protocol.frames import Event

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def invalid(message: str, field: str) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID, message, {"field": field})


class FakeStudio:
    def __init__(self, *, needed: bool = True) -> None:
        self.studio: dict[str, Any] = {"name": "", "timezone": "", "opening_hours": [],
                                       "setup_complete": not needed}
        self.trainers: dict[int, dict[str, Any]] = {}
        self.rooms: dict[int, dict[str, Any]] = {}
        self.types: dict[int, dict[str, Any]] = {}
        self.accounts: dict[int, dict[str, Any]] = {
            1: {"id": 1, "username": "boss", "name": "Boss", "role": "admin", "trainer_id": None,
                "active": True}}
        #: Sessions naming a trainer/room/type: ("trainer", id) → count.
        self.in_use: dict[tuple[str, int], int] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.passwords_issued: list[str] = []
        self.deactivated: list[int] = []
        self._ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._listeners: list[Callable[[Event], None]] = []

    # -- desktops -----------------------------------------------------------------------
    def attach(self, store: ScheduleStore | None = None) -> AdminClient:
        """A desktop: an AdminClient whose store follows this studio's events."""
        store = store if store is not None else ScheduleStore()
        store.set_directory(Directory.from_wire(self.directory_wire()))
        feed = DirectoryFeed(store)
        accounts = AccountStore()
        self._listeners.append(feed.apply_event)
        self._listeners.append(lambda e: accounts.apply_event(e) if e.kind.startswith("user:") else None)
        return AdminClient(self.request, feed, accounts)

    def directory_wire(self) -> dict[str, Any]:
        return {"trainers": list(self.trainers.values()), "locations": list(self.rooms.values()),
                "session_types": list(self.types.values()), "clients": [],
                "users": [{"id": a["id"], "name": a["name"], "role": a["role"]}
                          for a in self.accounts.values()],
                "studio": dict(self.studio), "timezone": self.studio["timezone"]}

    def _emit(self, kind: str, data: dict[str, Any]) -> None:
        event = Event("e", next(self._seq), kind, "", None, data)
        for fn in list(self._listeners):
            fn(event)

    # -- the requests -------------------------------------------------------------------
    async def request(self, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((rtype, data))
        handler = getattr(self, "_" + rtype.replace(".", "_"))
        result: dict[str, Any] = handler(dict(data))
        return result

    def _studio_setup_get(self, data: dict[str, Any]) -> dict[str, Any]:
        needed = not self.trainers and not self.studio["setup_complete"]
        return {"studio": dict(self.studio), "needed": needed}

    def _studio_setup_set(self, data: dict[str, Any]) -> dict[str, Any]:
        if "timezone" in data and str(data["timezone"]) not in zoneinfo.available_timezones():
            raise invalid("not an IANA time zone", "timezone")
        if "name" in data and not str(data["name"]).strip():
            raise invalid("the studio needs a name", "name")
        self.studio.update(data)
        self._emit("studio:updated", {"studio": dict(self.studio)})
        return {"studio": dict(self.studio)}

    # trainers
    def _check_name(self, name: Any) -> str:
        if not isinstance(name, str) or not name.strip():
            raise invalid("a name is needed", "name")
        return name.strip()

    def _check_color(self, color: Any) -> str:
        if not isinstance(color, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            raise invalid("colours are #rrggbb", "color")
        if readable(color) is None:
            raise invalid("block text would not be legible on this colour (below 4.5:1)", "color")
        return color

    def _trainer_create(self, data: dict[str, Any]) -> dict[str, Any]:
        trainer: dict[str, Any] = {"id": next(self._ids), "name": self._check_name(data.get("name")),
                   "color": self._check_color(data.get("color", "#5b6f82")),
                   "specialties": list(data.get("specialties") or []), "active": True,
                   "user_id": data.get("user_id"), "hours": [], "time_off": []}
        self.trainers[trainer["id"]] = trainer
        self._emit("trainer:created", {"trainer": dict(trainer)})
        return {"trainer": dict(trainer)}

    def _get(self, table: dict[int, dict[str, Any]], key: Any, what: str) -> dict[str, Any]:
        row = table.get(key) if isinstance(key, int) else None
        if row is None:
            raise ProtocolError(ErrorCode.NOT_FOUND, f"unknown {what}", {"field": "id"})
        return row

    def _trainer_update(self, data: dict[str, Any]) -> dict[str, Any]:
        trainer = self._get(self.trainers, data.get("id"), "trainer")
        changes = dict(data["changes"])
        if "name" in changes:
            changes["name"] = self._check_name(changes["name"])
        if "color" in changes:
            self._check_color(changes["color"])
        trainer.update(changes)
        self._emit("trainer:updated", {"trainer": dict(trainer)})
        return {"trainer": dict(trainer)}

    def _delete(self, table: dict[int, dict[str, Any]], kind: str, event: str,
                data: dict[str, Any]) -> dict[str, Any]:
        row = self._get(table, data.get("id"), kind)
        used = self.in_use.get((kind, row["id"]), 0)
        if used:
            raise ProtocolError(ErrorCode.CONFLICT,
                                f"{used} sessions refer to this {kind}; archive it instead",
                                {"reason": "in_use", "sessions": used})
        del table[row["id"]]
        self._emit(event, {"id": row["id"]})
        return {}

    def _trainer_delete(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._delete(self.trainers, "trainer", "trainer:deleted", data)

    def _availability_set(self, data: dict[str, Any]) -> dict[str, Any]:
        trainer = self._get(self.trainers, data.get("trainer_id"), "trainer")
        for i, h in enumerate(data["hours"]):
            if not (HHMM.match(h["start"]) and HHMM.match(h["end"])) or h["start"] >= h["end"]:
                raise invalid(f"hours[{i}]: start before end, times HH:MM", f"hours[{i}]")
        trainer["hours"] = list(data["hours"])
        wire = {"trainer_id": trainer["id"], "hours": list(data["hours"])}
        self._emit("availability:updated", wire)
        return wire

    def _timeoff_add(self, data: dict[str, Any]) -> dict[str, Any]:
        trainer = self._get(self.trainers, data.get("trainer_id"), "trainer")
        for field in ("start", "end"):
            if not DATE.match(str(data.get(field) or "")):
                raise invalid("dates are YYYY-MM-DD", field)
        if data["end"] < data["start"]:
            raise invalid("the last day is before the first", "end")
        entry = {"id": next(self._ids), "start": data["start"], "end": data["end"],
                 "reason": data.get("reason", "")}
        trainer["time_off"].append(entry)
        self._emit("timeoff:added", {"trainer_id": trainer["id"], "time_off": dict(entry)})
        return {"time_off": dict(entry)}

    def _timeoff_remove(self, data: dict[str, Any]) -> dict[str, Any]:
        for trainer in self.trainers.values():
            for entry in trainer["time_off"]:
                if entry["id"] == data["id"]:
                    trainer["time_off"].remove(entry)
                    self._emit("timeoff:removed", {"trainer_id": trainer["id"], "id": data["id"]})
                    return {}
        raise ProtocolError(ErrorCode.NOT_FOUND, "no such time off", {"field": "id"})

    # rooms
    def _check_capacity(self, value: Any) -> int:
        if not isinstance(value, int) or value < 1:
            raise invalid("a room holds at least 1 person", "capacity")
        return value

    def _room_create(self, data: dict[str, Any]) -> dict[str, Any]:
        room: dict[str, Any] = {"id": next(self._ids), "name": self._check_name(data.get("name")),
                "capacity": self._check_capacity(data.get("capacity", 1)), "active": True}
        self.rooms[room["id"]] = room
        self._emit("room:created", {"location": dict(room)})
        return {"location": dict(room)}

    def _room_update(self, data: dict[str, Any]) -> dict[str, Any]:
        room = self._get(self.rooms, data.get("id"), "room")
        changes = dict(data["changes"])
        if "capacity" in changes:
            self._check_capacity(changes["capacity"])
        if "name" in changes:
            changes["name"] = self._check_name(changes["name"])
        room.update(changes)
        self._emit("room:updated", {"location": dict(room)})
        return {"location": dict(room)}

    def _room_delete(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._delete(self.rooms, "room", "room:deleted", data)

    # session types
    def _session_type_create(self, data: dict[str, Any]) -> dict[str, Any]:
        duration = data.get("duration_min", 60)
        if not isinstance(duration, int) or not 5 <= duration <= 24 * 60:
            raise invalid("a session lasts 5 minutes to 24 hours", "duration_min")
        row: dict[str, Any] = {"id": next(self._ids), "name": self._check_name(data.get("name")),
               "duration_min": duration,
               "color": self._check_color(data.get("color", "#4f6f8f")),
               "credits": int(data.get("credits", 1)),
               "active": True}
        self.types[row["id"]] = row
        self._emit("session_type:created", {"session_type": dict(row)})
        return {"session_type": dict(row)}

    def _session_type_update(self, data: dict[str, Any]) -> dict[str, Any]:
        row = self._get(self.types, data.get("id"), "session_type")
        changes = dict(data["changes"])
        if "color" in changes:
            self._check_color(changes["color"])
        row.update(changes)
        self._emit("session_type:updated", {"session_type": dict(row)})
        return {"session_type": dict(row)}

    def _session_type_delete(self, data: dict[str, Any]) -> dict[str, Any]:
        return self._delete(self.types, "session_type", "session_type:deleted", data)

    # import: all or nothing
    def _directory_import(self, data: dict[str, Any]) -> dict[str, Any]:
        rows = []
        for table, check in (("trainers", self._import_trainer), ("rooms", self._import_room),
                             ("session_types", self._import_type)):
            for i, row in enumerate(data.get(table) or []):
                problem = check(row)
                if problem is not None:
                    rows.append({"table": table, "row": i, "field": problem[0], "message": problem[1]})
        if rows:
            raise ProtocolError(ErrorCode.INVALID, f"{len(rows)} rows were refused; nothing was imported",
                                {"rows": rows})
        for row in data.get("trainers") or []:
            self._trainer_create(row)
        for row in data.get("rooms") or []:
            self._room_create(row)
        for row in data.get("session_types") or []:
            self._session_type_create(row)
        return {"created": {k: len(data.get(k) or []) for k in ("trainers", "rooms", "session_types")}}

    def _import_trainer(self, row: dict[str, Any]) -> tuple[str, str] | None:
        if any(t["name"].lower() == str(row.get("name", "")).lower() for t in self.trainers.values()):
            return ("name", "a trainer of this name exists already")
        return None

    def _import_room(self, row: dict[str, Any]) -> tuple[str, str] | None:
        if any(r["name"].lower() == str(row.get("name", "")).lower() for r in self.rooms.values()):
            return ("name", "a room of this name exists already")
        return None

    def _import_type(self, row: dict[str, Any]) -> tuple[str, str] | None:
        return None

    # accounts
    def _account_list(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"accounts": [dict(a) for a in self.accounts.values()]}

    def _issue(self) -> str:
        password = f"one-time-{next(self._ids):04d}-pass"
        self.passwords_issued.append(password)
        return password

    def _account_create(self, data: dict[str, Any]) -> dict[str, Any]:
        username = str(data.get("username") or "")
        if not re.fullmatch(r"[a-z0-9._-]{2,32}", username):
            raise invalid("user names are 2–32 lower-case letters, digits, . _ -", "username")
        if any(a["username"] == username for a in self.accounts.values()):
            raise invalid("this user name is taken", "username")
        account = {"id": next(self._ids), "username": username, "name": self._check_name(data.get("name")),
                   "role": data.get("role", "viewer"), "trainer_id": data.get("trainer_id"), "active": True}
        self.accounts[account["id"]] = account
        self._emit("user:created", {"user": self._user_wire(account)})
        return {"account": dict(account), "password": self._issue()}

    @staticmethod
    def _user_wire(account: dict[str, Any]) -> dict[str, Any]:
        """An account as ``user:*`` events carry it: no user name (only admins see those)."""
        return {k: v for k, v in account.items() if k != "username"}

    def _account_reset_password(self, data: dict[str, Any]) -> dict[str, Any]:
        self._get(self.accounts, data.get("user_id"), "account")
        return {"password": self._issue()}

    def _account_update(self, data: dict[str, Any]) -> dict[str, Any]:
        account = self._get(self.accounts, data.get("user_id"), "account")
        account.update(data["changes"])
        if data["changes"].get("active") is False:
            self.deactivated.append(account["id"])
        self._emit("user:updated", {"user": self._user_wire(account)})
        return {"account": dict(account)}

    def _account_set_password(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("current") != "current-password":
            raise invalid("the current password is not right", "current")
        if len(str(data.get("new") or "")) < 12:
            raise invalid("at least 12 characters", "new")
        return {}
