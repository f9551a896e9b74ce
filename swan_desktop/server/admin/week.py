"""Weekly hours as an admin gives them (working hours, opening hours): several intervals a day are
allowed — the gaps are breaks — but they must not overlap."""

from __future__ import annotations

from datetime import time
from itertools import pairwise

from ...protocol.errors import invalid
from ..calendar.messages import DayHours


def check(items: list[DayHours], field: str = "hours") -> list[tuple[int, time, time]]:
    """The intervals sorted, or ``invalid`` naming the first bad one (``hours[2]``)."""
    parsed: list[tuple[int, time, time, int]] = []
    for i, item in enumerate(items):
        try:
            start, end = time.fromisoformat(item.start), time.fromisoformat(item.end)
        except ValueError:
            raise invalid(f"{field}[{i}]: times are HH:MM", field=f"{field}[{i}]") from None
        if end <= start:
            raise invalid(f"{field}[{i}]: ends before it starts", field=f"{field}[{i}]")
        parsed.append((item.weekday, start, end, i))
    parsed.sort()
    for (day, _, end, _), (next_day, start, _, j) in pairwise(parsed):
        if day == next_day and start < end:
            raise invalid(f"{field}[{j}] overlaps another interval on the same day", field=f"{field}[{j}]")
    return [(day, start, end) for day, start, end, _ in parsed]


def to_wire(week: list[tuple[int, time, time]]) -> list[dict[str, object]]:
    return [{"weekday": d, "start": s.strftime("%H:%M"), "end": e.strftime("%H:%M")} for d, s, e in week]
