"""Quiet hours per weekday and "do not disturb": when pop-ups and sounds wait. Pure; times are local."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

PRIORITY_CRITICAL = "critical"


def parse_hhmm(text: str) -> time:
    """``"22:30"`` → 22:30; raises ValueError in words otherwise."""
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError) as err:
        raise ValueError(f"{text!r} is not a time like 22:30") from err


@dataclass(frozen=True)
class Window:
    """Quiet from ``start`` to ``end`` (end exclusive); ``start > end`` wraps past midnight."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> Window:
        start, _, end = text.replace("–", "-").partition("-")
        return cls(parse_hhmm(start), parse_hhmm(end))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def wraps(self) -> bool:
        return self.start > self.end


@dataclass(frozen=True)
class QuietHours:
    """One optional window per weekday (0 = Monday). A wrapping window belongs to the day it starts."""

    windows: dict[int, Window] = field(default_factory=dict)

    def is_quiet(self, moment: datetime) -> bool:
        return self.quiet_until(moment) is not None

    def quiet_until(self, moment: datetime) -> datetime | None:
        """When the quiet period ``moment`` falls in ends, or None when it is not quiet."""
        t = moment.time()
        today = self.windows.get(moment.weekday())
        if today is not None:
            if not today.wraps and today.start <= t < today.end:
                return datetime.combine(moment.date(), today.end, moment.tzinfo)
            if today.wraps and t >= today.start:
                return datetime.combine(moment.date() + timedelta(days=1), today.end, moment.tzinfo)
        yesterday = self.windows.get((moment.weekday() - 1) % 7)
        if yesterday is not None and yesterday.wraps and t < yesterday.end:
            return datetime.combine(moment.date(), yesterday.end, moment.tzinfo)
        return None

    def to_json(self) -> dict[str, str]:
        return {str(day): str(w) for day, w in sorted(self.windows.items())}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> QuietHours:
        return cls({int(day): Window.parse(text) for day, text in data.items()})


def dnd_for(now: datetime, minutes: int) -> datetime:
    return now + timedelta(minutes=minutes)


def dnd_until_tomorrow(now: datetime) -> datetime:
    """The next midnight (local)."""
    return datetime.combine(now.date() + timedelta(days=1), time(0, 0), now.tzinfo)


@dataclass(frozen=True)
class Gate:
    """Decides whether an alert of ``priority`` may pop up and sound at ``now``."""

    quiet: QuietHours = field(default_factory=QuietHours)
    dnd_until: datetime | None = None
    critical_breaks_through: bool = True

    def holds(self, now: datetime, priority: str) -> bool:
        if priority == PRIORITY_CRITICAL and self.critical_breaks_through:
            return False
        return self.silenced(now)

    def silenced(self, now: datetime) -> bool:
        return (self.dnd_until is not None and now < self.dnd_until) or self.quiet.is_quiet(now)
