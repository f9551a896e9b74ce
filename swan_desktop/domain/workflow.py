"""The booking workflow: which status moves a session may make, and check-in values.

A slot usually moves ``available → requested → scheduled → confirmed →
completed``, and staff correct mistakes freely, so most moves are allowed.
Two are not, because credits hang on them: only a booked session
(requested, scheduled or confirmed) can be completed — completing spends the
client's credits — and a completed session is final except for being
cancelled (an admin's correction, which may restore the credits).
"""

from __future__ import annotations

from ..protocol.entities import Status

S = Status

#: The statuses a session may be completed from (it has a client to charge).
BOOKED = frozenset({S.REQUESTED, S.SCHEDULED, S.CONFIRMED})

#: For each status, the statuses it may move to.
def _targets(current: Status) -> frozenset[Status]:
    if current is S.COMPLETED:
        return frozenset({S.CANCELLED})
    return frozenset(t for t in S if t is not current and (t is not S.COMPLETED or current in BOOKED))


TRANSITIONS: dict[Status, frozenset[Status]] = {current: _targets(current) for current in S}

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
