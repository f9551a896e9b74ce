"""The booking workflow: which status moves a session may make, and check-in values.

A slot moves forward ``available → requested → scheduled → confirmed →
completed`` (steps may be skipped forward, and an unconfirmed or unaccepted
booking may step back); any live session may be cancelled, a cancelled one
booked again; ``blocked`` is time off. A completed session is final except
for being cancelled (an admin's correction, which may restore credits).
"""

from __future__ import annotations

from ..protocol.entities import Status

S = Status

#: For each status, the statuses it may move to.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.AVAILABLE: frozenset({S.REQUESTED, S.SCHEDULED, S.CONFIRMED, S.CANCELLED, S.BLOCKED}),
    S.REQUESTED: frozenset({S.AVAILABLE, S.SCHEDULED, S.CONFIRMED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.REQUESTED, S.CONFIRMED, S.COMPLETED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.SCHEDULED, S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset({S.CANCELLED}),
    S.CANCELLED: frozenset({S.AVAILABLE, S.REQUESTED, S.SCHEDULED, S.CONFIRMED}),
    S.BLOCKED: frozenset({S.AVAILABLE, S.CANCELLED}),
}

#: Check-in outcomes.
ATTENDANCE = ("present", "late", "no_show")

#: Statuses a session must have to be checked in.
CHECKABLE = frozenset({S.SCHEDULED, S.CONFIRMED, S.COMPLETED})


def may_move(current: Status, target: Status) -> bool:
    return current == target or target in TRANSITIONS[current]


def refusal(current: Status, target: Status) -> str:
    """Why ``current → target`` is not a move, in words."""
    allowed = sorted(s.value for s in TRANSITIONS[current])
    article = "an" if current.value[0] in "aeiou" else "a"
    if not allowed:
        return f"{article} {current.value} session cannot change status"
    return (f"{article} {current.value} session cannot become {target.value}; "
            f"it can become {', '.join(allowed)}")


def books_credits(status: Status) -> bool:
    """Completing is what spends a client's credits."""
    return status is S.COMPLETED
