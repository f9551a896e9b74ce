"""Moving around a time grid with the keyboard: which session an arrow key leads to.

Pure geometry over (id, column, start minute) triples: Up and Down go to the
previous or next session in the same column, Left and Right to the session in
the nearest column that way whose start is closest to the current one. With
nothing selected any arrow picks the first session (top left).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

LEFT, RIGHT, UP, DOWN = "left", "right", "up", "down"


@dataclass(frozen=True, slots=True)
class Spot:
    session_id: int
    column: int
    start: float


def first(spots: Sequence[Spot]) -> int | None:
    if not spots:
        return None
    return min(spots, key=lambda s: (s.column, s.start, s.session_id)).session_id


def neighbour(spots: Sequence[Spot], current: int | None, direction: str) -> int | None:
    """The session ``direction`` leads to from ``current`` (``current`` itself at an edge)."""
    here = next((s for s in spots if s.session_id == current), None)
    if here is None:
        return first(spots)
    if direction in (UP, DOWN):
        column = sorted((s for s in spots if s.column == here.column), key=lambda s: (s.start, s.session_id))
        index = column.index(here) + (1 if direction == DOWN else -1)
        return column[index].session_id if 0 <= index < len(column) else here.session_id
    step = 1 if direction == RIGHT else -1
    columns = sorted({s.column for s in spots if (s.column - here.column) * step > 0},
                     key=lambda c: abs(c - here.column))
    for col in columns:
        candidates = [s for s in spots if s.column == col]
        return min(candidates, key=lambda s: (abs(s.start - here.start), s.start)).session_id
    return here.session_id
