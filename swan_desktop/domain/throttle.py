"""At most N pop-ups per minute per category; what is held back is counted for one summary. Pure."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_LIMIT = 10
WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Summary:
    category: str
    count: int

    @property
    def text(self) -> str:
        noun = "notification" if self.count == 1 else "notifications"
        return f"{self.count} more {self.category} {noun}"


class Throttle:
    """Sliding one-minute window per category; :meth:`admit` says whether a pop-up may show now."""

    def __init__(self, limit: int = DEFAULT_LIMIT, window: timedelta = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._shown: dict[str, deque[datetime]] = defaultdict(deque)
        self._held: dict[str, int] = defaultdict(int)

    def _trim(self, category: str, now: datetime) -> deque[datetime]:
        shown = self._shown[category]
        while shown and now - shown[0] >= self.window:
            shown.popleft()
        return shown

    def admit(self, category: str, now: datetime) -> bool:
        shown = self._trim(category, now)
        if len(shown) < self.limit:
            shown.append(now)
            return True
        self._held[category] += 1
        return False

    def held(self, category: str | None = None) -> int:
        if category is not None:
            return self._held.get(category, 0)
        return sum(self._held.values())

    def due(self, now: datetime) -> list[Summary]:
        """Summaries for categories with held pop-ups whose window has room again (counts reset)."""
        out = []
        for category, count in list(self._held.items()):
            if count and len(self._trim(category, now)) < self.limit:
                self._shown[category].append(now)
                out.append(Summary(category, count))
                del self._held[category]
        return out
