"""Routes server events to the stores, in seq order, each seq at most once."""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..protocol.frames import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], object]


class EventRouter:
    """Keeps the (epoch, seq) cursor and hands each new event to its kind's handlers.

    Handlers register for a prefix such as ``"session:"``. An event whose seq is
    not beyond the cursor (a replay overlap, a duplicate) is dropped.
    """

    def __init__(self) -> None:
        self.epoch: str | None = None
        self.seq = 0
        self._handlers: list[tuple[str, Handler]] = []
        self.applied = 0

    def register(self, prefix: str, handler: Handler) -> None:
        self._handlers.append((prefix, handler))

    def reset(self, epoch: str, seq: int) -> None:
        """Start from a fresh cursor (after a full reload)."""
        self.epoch, self.seq = epoch, seq

    @property
    def cursor(self) -> tuple[str, int] | None:
        return (self.epoch, self.seq) if self.epoch is not None else None

    def dispatch(self, event: Event) -> bool:
        if self.epoch == event.epoch and event.seq <= self.seq:
            return False
        if self.epoch is not None and self.epoch != event.epoch:
            log.warning("event from epoch %s while at %s; ignoring until resync", event.epoch, self.epoch)
            return False
        self.epoch, self.seq = event.epoch, event.seq
        self.applied += 1
        for prefix, handler in self._handlers:
            if event.kind.startswith(prefix):
                try:
                    handler(event)
                except Exception:
                    log.exception("handler for %s failed on seq %s", event.kind, event.seq)
        return True
