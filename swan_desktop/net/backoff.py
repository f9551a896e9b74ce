"""Reconnect delays: exponential backoff with full jitter.

The delay before reconnect attempt ``n`` (counting from 1) is drawn uniformly
from ``[base, min(cap, base · 2^n)]`` — 0.5 s to 20 s by default. Jitter over
the whole range keeps a studio full of desktops that lost the server at the
same moment from all knocking again at the same moment. Attempts never run
out: past the cap every delay is drawn from ``[base, cap]``.

    backoff = Backoff()
    while not connected:
        await asyncio.sleep(backoff.next_delay())
        ...
    backoff.reset()  # once a connection is established
"""

from __future__ import annotations

import random

DEFAULT_BASE = 0.5
DEFAULT_CAP = 20.0

# 2**64 · any sane base is far past any sane cap; clamping the exponent keeps
# the arithmetic in floats for attempt numbers in the millions.
_MAX_EXPONENT = 64


class Backoff:
    """Full-jitter exponential backoff; pass ``rng`` to make draws repeatable."""

    def __init__(self, base: float = DEFAULT_BASE, cap: float = DEFAULT_CAP, *,
                 rng: random.Random | None = None) -> None:
        if base <= 0:
            raise ValueError("base must be positive")
        if cap < base:
            raise ValueError("cap must be at least base")
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()
        self._attempt = 0

    @property
    def attempt(self) -> int:
        """How many delays :meth:`next_delay` has handed out since the last reset."""
        return self._attempt

    def ceiling(self, attempt: int) -> float:
        """The largest delay attempt ``attempt`` (≥ 1) may get: ``min(cap, base · 2^attempt)``."""
        if attempt < 1:
            raise ValueError("attempts are counted from 1")
        return min(self.cap, self.base * 2.0 ** min(attempt, _MAX_EXPONENT))

    def delay(self, attempt: int) -> float:
        """A fresh random delay in seconds for attempt ``attempt`` (≥ 1); stateless."""
        return self._rng.uniform(self.base, self.ceiling(attempt))

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more attempt."""
        self._attempt += 1
        return self.delay(self._attempt)

    def reset(self) -> None:
        """Start over from attempt 1 (call once a connection has succeeded)."""
        self._attempt = 0
