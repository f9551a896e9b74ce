"""Working or opening hours as people type them: ``09:00–12:00, 13:00–18:00``.

One line per weekday; several spans make breaks; an empty line is a day off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SPAN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—to]+\s*(\d{1,2})[:.](\d{2})\s*$")

Week = list[tuple[int, str, str]]


def format_day(spans: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{start}–{end}" for start, end in spans)


def format_week(hours: Sequence[tuple[int, str, str]]) -> list[str]:
    """Seven lines of text, Monday first."""
    return [format_day((s, e) for w, s, e in sorted(hours) if w == day) for day in range(7)]


def parse_day(text: str) -> list[tuple[str, str]]:
    """``"9:00-12:00, 13:00–18:00"`` → ``[("09:00", "12:00"), ("13:00", "18:00")]``; ValueError says why."""
    spans: list[tuple[str, str]] = []
    for part in (p for p in re.split(r"[,;]", text) if p.strip()):
        match = _SPAN.match(part)
        if match is None:
            raise ValueError(f"“{part.strip()}” is not a span like 09:00–12:00")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise ValueError(f"“{part.strip()}” is not a time of day")
        start, end = f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"
        if end == "24:00":
            end = "23:59"
        if end <= start:
            raise ValueError(f"{start}–{end} ends before it starts")
        if spans and start < spans[-1][1]:
            raise ValueError(f"{start}–{end} overlaps the span before it")
        spans.append((start, end))
    return spans


def parse_week(lines: Sequence[str]) -> Week:
    """Seven lines (Monday first) → ``[(weekday, start, end), …]``; ValueError names the day."""
    out: Week = []
    for day, text in enumerate(lines):
        try:
            out.extend((day, s, e) for s, e in parse_day(text))
        except ValueError as exc:
            raise ValueError(f"{WEEKDAYS[day]}: {exc}") from None
    return out
