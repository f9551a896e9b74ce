"""A group session's places: who is booked (with attendance), capacity and how many are booked.

Read from the fields the server adds to a session whose type holds more than
one client (kept in ``Session.extra``); ``None`` for a one-to-one session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..protocol.entities import Session, Status
from .cancellation import CreditOutlook


@dataclass(frozen=True)
class Member:
    client_id: int
    name: str
    attendance: str | None = None


@dataclass(frozen=True)
class Group:
    capacity: int
    booked: int
    members: tuple[Member, ...] = ()

    @property
    def full(self) -> bool:
        return self.booked >= self.capacity

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    def label(self) -> str:
        """How a block shows it: "3/6"."""
        return f"{self.booked}/{self.capacity}"

    def has(self, client_id: int) -> bool:
        return any(m.client_id == client_id for m in self.members)


def group_of(session: Session) -> Group | None:
    extra = session.extra
    capacity = extra.get("capacity")
    members = tuple(Member(int(c["client_id"]), str(c.get("name") or ""),
                           None if c.get("attendance") is None else str(c["attendance"]))
                    for c in extra.get("clients") or () if isinstance(c, dict))
    if not isinstance(capacity, int) or (capacity <= 1 and len(members) <= 1):
        return None
    booked = extra.get("booked")
    return Group(capacity, booked if isinstance(booked, int) else len(members), members)


def _hours(h: float) -> str:
    return f"{h:g} hour{'s' if h != 1 else ''}"


def removal_outlook(session: Session, member: Member, window_h: float, now: datetime) -> CreditOutlook:
    """What taking ``member``'s place in a group session does to their credit, in words.

    As for a whole session (``cancellation.credit_outlook``): credits are taken when a
    session is completed, and come back for a completed one only before the window.
    """
    late = now > session.start - timedelta(hours=window_h)
    first = member.name.split()[0] if member.name else "The client"
    if session.status is Status.COMPLETED:
        if late:
            return CreditOutlook(False, True, f"{first}'s credit does not come back: it is within the "
                                              f"studio's {window_h:g}-hour window for cancelling.", True)
        return CreditOutlook(True, False, f"{first}'s credit comes back: cancelled more than "
                                          f"{_hours(window_h)} before the start.")
    text = f"No credit has been used yet (credits are taken when a session is completed), so {first} " \
           "loses nothing."
    if late:
        text += f" This is a late cancellation, within the studio's {window_h:g}-hour window."
    return CreditOutlook(False, late, text)
