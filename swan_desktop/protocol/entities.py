"""Entity types shared by server and client, with their wire (JSON) forms."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from .timefmt import format_ts, parse_ts


class Role(enum.StrEnum):
    ADMIN = "admin"
    TRAINER = "trainer"
    VIEWER = "viewer"


class Status(enum.StrEnum):
    AVAILABLE = "available"
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    BLOCKED = "blocked"


#: Statuses whose sessions still occupy a trainer and a room.
OCCUPYING = frozenset(s for s in Status if s is not Status.CANCELLED)

#: Event kinds raised when an update moves ``status`` to a value.
STATUS_EVENTS: dict[Status, str] = {
    Status.REQUESTED: "session:booked",
    Status.CONFIRMED: "session:confirmed",
    Status.CANCELLED: "session:cancelled",
    Status.COMPLETED: "session:completed",
}


def link_id(value: Any) -> int | None:
    """A link to another record as the wire gives it: its id, or None (null, missing or not an id)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    #: The trainer this account is linked to (None: none, or not said by the server).
    trainer_id: int | None = None
    #: False once an admin deactivated the account (it cannot sign in and is told nothing).
    active: bool = True

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": self.id, "name": self.name, "role": self.role.value}
        if self.trainer_id is not None:
            wire["trainer_id"] = self.trainer_id
        if not self.active:
            wire["active"] = False
        return wire

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> User:
        return cls(int(d["id"]), str(d["name"]), Role(d["role"]), link_id(d.get("trainer_id")),
                   d.get("active") is not False)


@dataclass(frozen=True, slots=True)
class TimeOff:
    """A trainer's days away (``start`` to ``end`` inclusive, dates in the studio's zone)."""

    id: int
    start: str
    end: str
    reason: str = ""

    def to_wire(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "reason": self.reason}

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> TimeOff:
        return cls(int(d["id"]), str(d["start"]), str(d["end"]), str(d.get("reason") or ""))


@dataclass(frozen=True, slots=True)
class Trainer:
    id: int
    name: str
    specialties: tuple[str, ...] = ()
    color: str = "#607d8b"
    #: Working hours in the studio's time zone: (weekday 0 = Monday, "HH:MM", "HH:MM").
    hours: tuple[tuple[int, str, str], ...] = ()
    #: False once archived: kept for the sessions that name them, left out of pickers.
    active: bool = True
    #: The staff account linked to this trainer (None: none).
    user_id: int | None = None
    time_off: tuple[TimeOff, ...] = ()

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": self.id, "name": self.name, "specialties": list(self.specialties),
                                "color": self.color}
        if self.hours:
            wire["hours"] = [{"weekday": w, "start": s, "end": e} for w, s, e in self.hours]
        if not self.active:
            wire["active"] = False
        if self.user_id is not None:
            wire["user_id"] = self.user_id
        if self.time_off:
            wire["time_off"] = [t.to_wire() for t in self.time_off]
        return wire

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Trainer:
        hours = tuple((int(h["weekday"]), str(h["start"]), str(h["end"])) for h in d.get("hours") or ()
                      if isinstance(h, dict))
        return cls(int(d["id"]), str(d["name"]), tuple(d.get("specialties") or ()),
                   str(d.get("color") or "#607d8b"), hours, bool(d.get("active", True)),
                   link_id(d.get("user_id")),
                   tuple(TimeOff.from_wire(t) for t in d.get("time_off") or () if isinstance(t, dict)))


@dataclass(frozen=True, slots=True)
class Client:
    id: int
    name: str
    credits: int = 0
    source: str = "swanstudios"
    #: Left out of pickers (the clients feature's field; sessions booked before keep the client).
    archived: bool = False

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": self.id, "name": self.name, "credits": self.credits,
                                "source": self.source}
        if self.archived:
            wire["archived"] = True
        return wire

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Client:
        return cls(int(d["id"]), str(d["name"]), int(d.get("credits", 0)),
                   str(d.get("source", "swanstudios")), bool(d.get("archived", False)))


@dataclass(frozen=True, slots=True)
class SessionType:
    id: int
    name: str
    duration_min: int = 60
    color: str = "#4f8fba"
    credits: int = 1
    active: bool = True
    #: How many clients one session of the type holds (more than one: a group session).
    capacity: int = 1

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": self.id, "name": self.name, "duration_min": self.duration_min,
                                "color": self.color, "credits": self.credits}
        if not self.active:
            wire["active"] = False
        if self.capacity != 1:
            wire["capacity"] = self.capacity
        return wire

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> SessionType:
        return cls(int(d["id"]), str(d["name"]), int(d.get("duration_min", 60)),
                   str(d.get("color", "#4f8fba")), int(d.get("credits", 1)), bool(d.get("active", True)),
                   int(d.get("capacity") or 1))


@dataclass(frozen=True, slots=True)
class Location:
    """A room: how many people it holds, how many sessions run in it at the same time before a
    booking clashes, and whether it is still offered."""

    id: int
    name: str
    capacity: int = 1
    active: bool = True
    sessions_at_once: int = 1

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.capacity != 1:
            wire["capacity"] = self.capacity
        if self.sessions_at_once != 1:
            wire["sessions_at_once"] = self.sessions_at_once
        if not self.active:
            wire["active"] = False
        return wire

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Location:
        return cls(int(d["id"]), str(d["name"]), int(d.get("capacity") or 1), bool(d.get("active", True)),
                   int(d.get("sessions_at_once") or 1))


#: A group session's fields (CLIENTS protocol), kept as sent in ``Session.extra``.
GROUP_FIELDS = ("clients", "capacity", "booked")
#: ``Session.extra`` of every one-to-one session: one shared, read-only empty mapping (an
#: empty dict each was 6 MiB at 100,000 sessions).
NO_EXTRA: Mapping[str, Any] = MappingProxyType({})


def _no_extra() -> Mapping[str, Any]:
    return NO_EXTRA


@dataclass(frozen=True, slots=True)
class Session:
    """One training session (or a blocked slot) on the schedule."""

    id: int
    start: datetime
    end: datetime
    trainer_id: int
    client_id: int | None = None
    client_name: str = ""
    location: str = ""
    session_type_id: int | None = None
    status: Status = Status.SCHEDULED
    notes: str = ""
    version: int = 1
    updated_at: datetime | None = None
    updated_by: int | None = None
    cancel_reason: str = ""
    #: The recurring series this session is an occurrence of (None: a single session).
    series_id: int | None = None
    #: Check-in: ``present``, ``late`` or ``no_show`` (None until checked in) and when.
    attendance: str | None = None
    checked_in_at: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=_no_extra, compare=False, hash=False)

    def to_wire(self) -> dict[str, Any]:
        # A change's hooks ask for the same rows' wire forms several times: made once, copied out.
        # Only for sessions without group fields: ``extra`` takes no part in equality, so a cached
        # form could be an equal session's with other (or no) clients.
        if self.extra is NO_EXTRA or not self.extra:
            return dict(_session_wire(self))
        return self._wire()

    def _wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": format_ts(self.start),
            "end": format_ts(self.end),
            "trainer_id": self.trainer_id,
            "client_id": self.client_id,
            "client_name": self.client_name,
            "location": self.location,
            "session_type_id": self.session_type_id,
            "status": self.status.value,
            "notes": self.notes,
            "version": self.version,
            "updated_at": format_ts(self.updated_at) if self.updated_at else None,
            "updated_by": self.updated_by,
            "cancel_reason": self.cancel_reason,
            "series_id": self.series_id,
            "attendance": self.attendance,
            "checked_in_at": format_ts(self.checked_in_at) if self.checked_in_at else None,
            **self.extra,
        }

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Session:
        updated = d.get("updated_at")
        return cls(
            id=int(d["id"]),
            start=parse_ts(d["start"], "start"),
            end=parse_ts(d["end"], "end"),
            trainer_id=int(d["trainer_id"]),
            client_id=None if d.get("client_id") is None else int(d["client_id"]),
            client_name=str(d.get("client_name") or ""),
            location=str(d.get("location") or ""),
            session_type_id=None if d.get("session_type_id") is None else int(d["session_type_id"]),
            status=Status(d.get("status", "scheduled")),
            notes=str(d.get("notes") or ""),
            version=int(d.get("version", 1)),
            updated_at=parse_ts(updated, "updated_at") if updated else None,
            updated_by=None if d.get("updated_by") is None else int(d["updated_by"]),
            cancel_reason=str(d.get("cancel_reason") or ""),
            series_id=None if d.get("series_id") is None else int(d["series_id"]),
            attendance=None if d.get("attendance") is None else str(d["attendance"]),
            checked_in_at=parse_ts(d["checked_in_at"], "checked_in_at") if d.get("checked_in_at") else None,
            extra={k: d[k] for k in GROUP_FIELDS if k in d} or NO_EXTRA,
        )

    def with_changes(self, **changes: Any) -> Session:
        return replace(self, **changes)

    @property
    def duration_min(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@lru_cache(maxsize=512)
def _session_wire(session: Session) -> dict[str, Any]:
    """The wire form of ``session``, kept for equal sessions (never handed out: callers get a copy)."""
    return session._wire()
