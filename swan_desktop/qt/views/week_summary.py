"""The week at a big studio's size: one summary block per busy hour instead of every block.

A week column is one day about 150 px wide. Ten or more trainers booked in the
same hour would share it as lanes a dozen pixels wide, with no text that can
be read, and painting 2,000+ such slivers is what made the week slow. People
use a studio-wide week to see *how busy* each day and hour is, and a trainer's
own week (the trainer filter) to see *who* is booked; so when an hour holds
more sessions than fit side by side, the week shows that hour as one block —
"25 sessions", "18 booked · 4 open" — and a double-click opens that day, where
each trainer has a column. With the trainer filter on (one trainer) the week
shows every block as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from ...core.wallclock import in_zone
from ...protocol.entities import Session, Status

#: More sessions starting in one hour of one day than this: that hour is summarised.
MAX_LANES = 6
#: What a summary block is painted in (a calm, neutral blue-grey).
SUMMARY_COLOR = "#7a8ca5"
_OPEN = (Status.AVAILABLE, Status.BLOCKED)
_GONE = (Status.CANCELLED,)


@dataclass(frozen=True, slots=True)
class Summary:
    """One hour of one day, summarised: where it sits and what it says."""

    column: int
    start_min: float
    end_min: float
    lines: tuple[str, ...]
    tooltip: str
    count: int


def _hour_words(hour: int, sessions: Sequence[Session]) -> tuple[tuple[str, ...], str]:
    n = len(sessions)
    open_ = sum(1 for s in sessions if s.status in _OPEN)
    gone = sum(1 for s in sessions if s.status in _GONE)
    booked = n - open_ - gone
    trainers = len({s.trainer_id for s in sessions})
    detail = f"{booked} booked · {open_} open" + (f" · {gone} cancelled" if gone else "")
    tip = (f"{hour:02d}:00–{hour + 1:02d}:00: {n} sessions with {trainers} trainers<br>{detail}"
           "<br><i>Double-click to open the day</i>")
    return (f"{hour:02d}:00 · {n} sessions", detail), tip


def summarise(sessions: Sequence[Session], monday: date, zone: tzinfo) -> list[Summary] | None:
    """Summary blocks for the week from ``monday``, or None when every block fits."""
    buckets: dict[tuple[int, int], list[Session]] = {}
    for s in sessions:
        local = in_zone(s.start, zone)
        col = (local.date() - monday).days
        if 0 <= col < 7:
            buckets.setdefault((col, local.hour), []).append(s)
    if not buckets or max(len(group) for group in buckets.values()) <= MAX_LANES:
        return None
    out = []
    for (col, hour), group in sorted(buckets.items()):
        lines, tip = _hour_words(hour, group)
        out.append(Summary(col, hour * 60.0, hour * 60.0 + 60.0, lines, tip, len(group)))
    return out
