"""Routes the server's answers to queued changes (outbox entries) by request type.

As :class:`~swan_desktop.core.events.EventRouter` hands events to the stores by
kind, :class:`ResultRouter` hands the answer to an outbox entry that no caller
waited for (it was sent after a reconnect, or the caller gave up waiting) to
the handler registered for the entry's request type: the schedule's for
``session.*``, the notification centre's for ``notification.mark``. After a
restart it likewise lets each handler show what the outbox still holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..net.link import OutboxResult
from ..net.outbox import OutboxEntry

log = logging.getLogger(__name__)

Settle = Callable[[OutboxResult], object]
Restore = Callable[[OutboxEntry], object]


@dataclass(frozen=True)
class _Route:
    settle: Settle
    restore: Restore | None
    keep_refused: bool


class ResultRouter:
    """``register(rtype, settle, restore)``; ``dispatch(result)`` calls the entry type's ``settle``.

    A refused entry stays in the outbox as failed (for the user to retry, edit
    or discard) unless its type registered ``keep_refused=False``; then the
    router drops it through ``discard`` once its handler has told the user.
    """

    def __init__(self, discard: Callable[[str], object]) -> None:
        self._discard = discard
        self._routes: dict[str, _Route] = {}

    def register(self, rtype: str, settle: Settle, restore: Restore | None = None, *,
                 keep_refused: bool = True) -> None:
        if rtype in self._routes:
            raise ValueError(f"results of {rtype!r} already go to a handler")
        self._routes[rtype] = _Route(settle, restore, keep_refused)

    def handles(self, rtype: str) -> bool:
        return rtype in self._routes

    def dispatch(self, result: OutboxResult) -> bool:
        """Hand ``result`` to its request type's handler; False when none is registered."""
        route = self._routes.get(result.entry.rtype)
        if route is None:
            log.warning("no handler for the answer to a queued %s (%s)", result.entry.rtype, result.entry.id)
            return False
        try:
            route.settle(result)
        except Exception:
            log.exception("handler for the answer to %s failed", result.entry.rtype)
        if result.error is not None and not route.keep_refused:
            self._discard(result.entry.id)
        return True

    def restore(self, entries: Iterable[OutboxEntry]) -> None:
        """After a restart or an offline start: each handler shows the entries it still waits for."""
        for entry in entries:
            route = self._routes.get(entry.rtype)
            if route is not None and route.restore is not None:
                route.restore(entry)
