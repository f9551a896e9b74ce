"""A circuit breaker for connecting to the server.

``closed``: attempts flow. After ``failure_threshold`` (5) consecutive failures
it goes ``open``: attempts are refused for ``open_seconds`` (30 s). Then it is
``half_open``: exactly one probe attempt is allowed. The probe's success closes
the breaker; its failure opens it again and restarts the wait. When the user
presses "Retry now", :meth:`CircuitBreaker.retry_now` goes half-open at once.

The breaker owns no timer. The open → half-open change happens (and listeners
hear of it) the first time :attr:`~CircuitBreaker.state`, :meth:`~CircuitBreaker.allow`
or :meth:`~CircuitBreaker.seconds_until_probe` is consulted after the wait; a
caller wanting to act right then schedules a timer for ``seconds_until_probe()``.

    if breaker.allow():
        try:
            await connect()
        except ConnectionLost:
            breaker.record_failure()
        else:
            breaker.record_success()
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

DEFAULT_FAILURE_THRESHOLD = 5
DEFAULT_OPEN_SECONDS = 30.0


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


StateListener = Callable[[BreakerState, BreakerState], None]
"""Called as ``listener(old_state, new_state)`` after every change of state; a
listener that raises is logged and does not stop the others."""


class CircuitBreaker:
    """Closed / open / half-open breaker; ``clock`` is a monotonic clock in seconds."""

    def __init__(self, failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
                 open_seconds: float = DEFAULT_OPEN_SECONDS, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if open_seconds < 0:
            raise ValueError("open_seconds must not be negative")
        self.failure_threshold = failure_threshold
        self.open_seconds = open_seconds
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_out = False
        self._listeners: list[StateListener] = []

    # -- observing -------------------------------------------------------
    @property
    def state(self) -> BreakerState:
        self._advance()
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def seconds_until_probe(self) -> float | None:
        """Seconds until a probe is allowed: ``None`` when closed, ``0.0`` when half-open."""
        self._advance()
        if self._state is BreakerState.CLOSED:
            return None
        if self._state is BreakerState.HALF_OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.open_seconds - self._clock())

    def add_listener(self, listener: StateListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: StateListener) -> None:
        self._listeners.remove(listener)

    # -- deciding and reporting -------------------------------------------
    def allow(self) -> bool:
        """May an attempt start now? In half-open state only the first caller gets a yes."""
        self._advance()
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.HALF_OPEN and not self._probe_out:
            self._probe_out = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._probe_out = False
        self._set(BreakerState.CLOSED)

    def record_failure(self) -> None:
        self._advance()
        self._failures += 1
        probe_failed = self._state is BreakerState.HALF_OPEN
        too_many = self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold
        if probe_failed or too_many:
            self._open()
        # A late failure while already open changes nothing: the wait is not extended.

    def retry_now(self) -> None:
        """The user asked to retry: skip the rest of the wait and allow one probe."""
        if self._state is BreakerState.CLOSED:
            return
        self._probe_out = False
        self._set(BreakerState.HALF_OPEN)

    # -- internals ------------------------------------------------------------
    def _open(self) -> None:
        self._opened_at = self._clock()
        self._probe_out = False
        self._set(BreakerState.OPEN)

    def _advance(self) -> None:
        if (self._state is BreakerState.OPEN
                and self._clock() - self._opened_at >= self.open_seconds):
            self._probe_out = False
            self._set(BreakerState.HALF_OPEN)

    def _set(self, new: BreakerState) -> None:
        old = self._state
        if old is new:
            return
        self._state = new
        log.info("circuit breaker %s -> %s", old.value, new.value)
        for listener in list(self._listeners):
            try:
                listener(old, new)
            except Exception:
                log.exception("circuit breaker listener failed")
