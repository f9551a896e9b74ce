"""Fan-out of committed events to connected clients, in ``seq`` order, respecting ``audience``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from .metrics import Metrics
from .store import HubEvent

log = logging.getLogger(__name__)

#: A server-side reaction to committed events (notifications, activity, …).
Reaction = Callable[[list[HubEvent]], None]


class Subscriber(Protocol):
    def deliver(self, events: list[HubEvent]) -> None: ...


class Hub:
    """Holds the open connections; :meth:`publish` runs on the loop thread only."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self._subscribers: set[Subscriber] = set()
        self._reactions: list[Reaction] = []
        self._metrics = metrics
        self.last_seq = 0

    def add(self, sub: Subscriber) -> None:
        self._subscribers.add(sub)

    def remove(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)

    def react(self, reaction: Reaction) -> None:
        """Call ``reaction`` with every committed batch of events, after the clients.

        Reactions run on the loop thread and must not block: one that needs the
        database schedules its own work (``asyncio.ensure_future``). They see only
        the events this server committed (``HubEvent.local``): in a studio group each
        event is reacted to once, by the instance that committed it.
        """
        self._reactions.append(reaction)

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
        own = events if all(e.local for e in events) else [e for e in events if e.local]
        if not own:
            return
        for reaction in list(self._reactions):
            try:
                reaction(own)
            except Exception:
                log.exception("reaction to events failed")
