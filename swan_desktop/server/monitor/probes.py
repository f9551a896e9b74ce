"""The gateway's and the database's own health probes.

The database probe is a small write transaction on the monitor's connection,
run on the database thread: it measures what a change would wait for, and a
lock held elsewhere (or a failing disk) makes it fail within its busy timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from ..storage import dialect
from ..worker import AsyncStore
from .history import MonitorDb
from .services import Health, ServiceReport

#: A probe slower than this marks the database degraded.
SLOW_DB_S = 0.25
#: Failed probes in a row before the database is critical rather than degraded.
CRITICAL_AFTER = 3
#: Slow probes in a row before the database is degraded (one slow write is a hiccup, not news).
SLOW_AFTER = 3
#: From this share of its connection limit on, the gateway says it is near the limit.
BUSY_SHARE = 0.9


class DatabaseProbe:
    """Times the write probe; ``last_seconds`` is the last successful one (None until one succeeds)."""

    def __init__(self, store: AsyncStore, db: Callable[[], MonitorDb | None], timeout_s: float = 2.0) -> None:
        self._store = store
        self._db = db
        self.timeout_s = timeout_s
        self.failures = 0
        self.slow = 0
        self.last_seconds: float | None = None

    async def __call__(self) -> ServiceReport:
        db = self._db()
        if db is None:
            return ServiceReport(Health.UNKNOWN, "not open")
        began = time.perf_counter()
        try:
            await asyncio.wait_for(self._store.run(lambda _store: db.probe()), self.timeout_s)
        except TimeoutError:
            return self._failed(f"a write did not finish within {self.timeout_s:g} s")
        except dialect.ERRORS as exc:
            return self._failed(f"a write failed: {dialect.reason(exc)}")
        elapsed = time.perf_counter() - began
        self.failures = 0
        self.last_seconds = elapsed
        ms = elapsed * 1000
        self.slow = self.slow + 1 if elapsed > SLOW_DB_S else 0
        if self.slow >= SLOW_AFTER:
            reason = (f"slow: writes took over {SLOW_DB_S * 1000:.0f} ms "
                      f"{self.slow} checks in a row (last {ms:.0f} ms)")
            return ServiceReport(Health.DEGRADED, reason, {"probe_ms": round(ms, 3)})
        return ServiceReport(Health.HEALTHY, f"writes in {ms:.1f} ms", {"probe_ms": round(ms, 3)})

    def _failed(self, reason: str) -> ServiceReport:
        self.failures += 1
        self.slow = 0
        self.last_seconds = None
        status = Health.CRITICAL if self.failures >= CRITICAL_AFTER else Health.DEGRADED
        suffix = f" ({self.failures} checks in a row)" if self.failures > 1 else ""
        return ServiceReport(status, reason + suffix)


class GatewayProbe:
    """Listening, and how full: ``connections()`` open of at most ``limit()`` (0 = no limit)."""

    def __init__(self, listening: Callable[[], bool], connections: Callable[[], int],
                 limit: Callable[[], int]) -> None:
        self._listening = listening
        self._connections = connections
        self._limit = limit

    async def __call__(self) -> ServiceReport:
        if not self._listening():
            return ServiceReport(Health.CRITICAL, "not listening")
        count, limit = self._connections(), self._limit()
        word = "connection" if count == 1 else "connections"
        if limit and count >= BUSY_SHARE * limit:
            # Still serving everyone it holds; new handshakes get 503 (said in words, not a fault).
            return ServiceReport(Health.HEALTHY, f"near its connection limit: {count} of {limit} {word} open")
        return ServiceReport(Health.HEALTHY, f"listening, {count} {word} open")
