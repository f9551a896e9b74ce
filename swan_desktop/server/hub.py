"""Fan-out of committed events to connected clients, in ``seq`` order, respecting ``audience``."""

from __future__ import annotations

from typing import Protocol

from .metrics import Metrics
from .store import HubEvent


class Subscriber(Protocol):
    def deliver(self, events: list[HubEvent]) -> None: ...


class Hub:
    """Holds the open connections; :meth:`publish` runs on the loop thread only."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self._subscribers: set[Subscriber] = set()
        self._metrics = metrics
        self.last_seq = 0

    def add(self, sub: Subscriber) -> None:
        self._subscribers.add(sub)

    def remove(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def __len__(self) -> int:
        return len(self._subscribers)

    def publish(self, events: list[HubEvent]) -> None:
        """Hand ``events`` (ascending seq) to every subscriber; each filters by audience itself."""
        if not events:
            return
        self.last_seq = events[-1].event.seq
        if self._metrics is not None:
            for e in events:
                self._metrics.events.labels(e.event.kind).inc()
        for sub in list(self._subscribers):
            sub.deliver(events)
