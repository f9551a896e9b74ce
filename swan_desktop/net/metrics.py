"""Client connection metrics, all measured, none invented.

:class:`ConnectionMetrics` is fed by the connection (latency samples, messages
in and out, request outcomes, reconnects, outbox depth) and answers with a
:class:`MetricsSnapshot`:

- latency percentiles p50 / p95 / p99 over the last 5 minutes, exact over the
  samples in that window (nearest-rank: each is a measured sample);
- messages in and out per second over a sliding window (10 s, counted in
  whole-second buckets, so the window's edge is exact to one second);
- error rate = failed / completed requests over that same window;
- reconnects in total and within the last 10 minutes;
- the connection quality tier (DOMAIN.md) from the average latency and the
  reconnect count over the last 10 minutes.

With no latency sample in a window, the figures drawn from it are ``None``
("no data"), never a made-up number. Memory is bounded: latency samples and
reconnect times sit in capped deques, message and request counts in one bucket
per second of the window. The clock is injectable (monotonic seconds).
"""

from __future__ import annotations

import enum
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LATENCY_WINDOW = 300.0      # percentiles: last 5 minutes
QUALITY_WINDOW = 600.0      # quality tier and recent reconnects: last 10 minutes
RATE_WINDOW = 10.0          # messages per second, error rate
MAX_LATENCY_SAMPLES = 10_000
MAX_RECONNECT_TIMES = 1_000


class Quality(enum.StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    POOR = "poor"
    CRITICAL = "critical"


def quality_tier(avg_latency_ms: float | None, reconnects: int) -> Quality | None:
    """DOMAIN.md's tiers: excellent < 100 ms and 0 reconnects; good < 300 ms and ≤ 2;
    poor < 1000 ms and ≤ 5; otherwise critical. ``None`` when there is no latency."""
    if avg_latency_ms is None:
        return None
    if avg_latency_ms < 100 and reconnects == 0:
        return Quality.EXCELLENT
    if avg_latency_ms < 300 and reconnects <= 2:
        return Quality.GOOD
    if avg_latency_ms < 1000 and reconnects <= 5:
        return Quality.POOR
    return Quality.CRITICAL


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile of already sorted values; ``None`` for no values."""
    if not sorted_values:
        return None
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    rank = math.ceil(pct / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    """The connection's figures at clock time ``at``; ``None`` means no data."""

    at: float
    latency_last_ms: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    latency_samples: int            # samples in the percentile window
    latency_avg_10min_ms: float | None
    messages_in_per_s: float
    messages_out_per_s: float
    requests_in_window: int
    errors_in_window: int
    error_rate: float | None        # errors / requests over the rate window
    reconnects_total: int
    reconnects_10min: int
    outbox_depth: int
    quality: Quality | None


class _BucketCounter:
    """Counts per whole second of clock time, keeping only the last ``window`` seconds."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._buckets: deque[list[int]] = deque()   # [second, count]

    def add(self, now: float, n: int = 1) -> None:
        second = math.floor(now)
        if self._buckets and self._buckets[-1][0] == second:
            self._buckets[-1][1] += n
        else:
            self._buckets.append([second, n])
        self._expire(now)

    def total(self, now: float) -> int:
        self._expire(now)
        return sum(count for _, count in self._buckets)

    def _expire(self, now: float) -> None:
        oldest = math.floor(now - self.window)
        while self._buckets and self._buckets[0][0] <= oldest:
            self._buckets.popleft()


class ConnectionMetrics:
    """Collects one client connection's metrics; see the module docstring."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 latency_window: float = LATENCY_WINDOW, quality_window: float = QUALITY_WINDOW,
                 rate_window: float = RATE_WINDOW,
                 max_latency_samples: int = MAX_LATENCY_SAMPLES) -> None:
        self._clock = clock
        self.latency_window = latency_window
        self.quality_window = quality_window
        self.rate_window = rate_window
        self._latency: deque[tuple[float, float]] = deque(maxlen=max_latency_samples)
        self._reconnects: deque[float] = deque(maxlen=MAX_RECONNECT_TIMES)
        self._reconnects_total = 0
        self._in = _BucketCounter(rate_window)
        self._out = _BucketCounter(rate_window)
        self._requests = _BucketCounter(rate_window)
        self._errors = _BucketCounter(rate_window)
        self._outbox_depth = 0

    # -- feeding ---------------------------------------------------------------
    def record_latency(self, ms: float) -> None:
        """One round-trip time in milliseconds (a heartbeat or a request's reply)."""
        if ms < 0 or math.isnan(ms):
            raise ValueError("latency must be a non-negative number of milliseconds")
        self._latency.append((self._clock(), float(ms)))

    def record_message_in(self, n: int = 1) -> None:
        self._in.add(self._clock(), n)

    def record_message_out(self, n: int = 1) -> None:
        self._out.add(self._clock(), n)

    def record_request(self, *, ok: bool) -> None:
        """A request finished: ``ok`` False for an error reply, a timeout or a lost connection."""
        now = self._clock()
        self._requests.add(now)
        if not ok:
            self._errors.add(now)

    def record_reconnect(self) -> None:
        self._reconnects_total += 1
        self._reconnects.append(self._clock())

    def set_outbox_depth(self, depth: int) -> None:
        self._outbox_depth = max(0, depth)

    # -- reading -----------------------------------------------------------------
    def latencies(self, window: float | None = None) -> list[float]:
        """Latency samples (ms) of the last ``window`` seconds (default: percentile window)."""
        since = self._clock() - (self.latency_window if window is None else window)
        return [ms for at, ms in self._latency if at > since]

    def reconnects_within(self, window: float) -> int:
        since = self._clock() - window
        return sum(1 for at in self._reconnects if at > since)

    def quality(self) -> Quality | None:
        recent = self.latencies(self.quality_window)
        avg = sum(recent) / len(recent) if recent else None
        return quality_tier(avg, self.reconnects_within(self.quality_window))

    def snapshot(self) -> MetricsSnapshot:
        now = self._clock()
        window = sorted(self.latencies())
        recent = self.latencies(self.quality_window)
        avg_recent = sum(recent) / len(recent) if recent else None
        reconnects_recent = self.reconnects_within(self.quality_window)
        requests = self._requests.total(now)
        errors = self._errors.total(now)
        return MetricsSnapshot(
            at=now,
            latency_last_ms=self._latency[-1][1] if self._latency else None,
            latency_p50_ms=percentile(window, 50),
            latency_p95_ms=percentile(window, 95),
            latency_p99_ms=percentile(window, 99),
            latency_samples=len(window),
            latency_avg_10min_ms=avg_recent,
            messages_in_per_s=self._in.total(now) / self.rate_window,
            messages_out_per_s=self._out.total(now) / self.rate_window,
            requests_in_window=requests,
            errors_in_window=errors,
            error_rate=errors / requests if requests else None,
            reconnects_total=self._reconnects_total,
            reconnects_10min=reconnects_recent,
            outbox_depth=self._outbox_depth,
            quality=quality_tier(avg_recent, reconnects_recent),
        )
