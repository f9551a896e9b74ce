"""A group session's places: who is booked (with attendance), capacity and how many are booked.

Read from the fields the server adds to a session whose type holds more than
one client (kept in ``Session.extra``); ``None`` for a one-to-one session.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..protocol.entities import Session


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
