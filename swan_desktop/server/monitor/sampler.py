"""Turns the server's counters and histogram into figures: rates, error rate, latency percentiles.

Every figure is a difference between two readings of the real counters (or a
level read now); percentiles are estimated from the request-duration
histogram's buckets over the window, interpolating inside the bucket the rank
falls in (as Prometheus' ``histogram_quantile`` does). No requests in a window
means no percentile and no error rate: ``None``, never a made-up number.
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import psutil

from ...protocol.errors import ErrorCode
from ..metrics import CLASH, Metrics

#: Latency per request type is taken over this window.
TYPE_WINDOW_S = 300.0
#: Refusals and server errors are also counted over the last hour, for the plain summary.
HOUR_S = 3600.0

Buckets = dict[float, float]  # upper bound (seconds, inf last) → cumulative count


@dataclass(frozen=True, slots=True)
class Reading:
    """The server's cumulative counters at one moment (monotonic seconds)."""

    at: float
    requests: float = 0.0
    #: Server errors (``internal``): what went wrong on the server's side.
    errors: float = 0.0
    events: float = 0.0
    by_type: dict[str, Buckets] = field(default_factory=dict)
    #: Requests the server refused by rule (a clash, forbidden, invalid, …): not server errors.
    refused: float = 0.0
    clashes: float = 0.0


def read(metrics: Metrics, at: float) -> Reading:
    requests = errors = events = refused = clashes = 0.0
    for family in metrics.requests.collect():
        for s in family.samples:
            if s.name.endswith("_total"):
                requests += s.value
                outcome = s.labels.get("outcome")
                if outcome == ErrorCode.INTERNAL.value:
                    errors += s.value
                elif outcome != "ok":
                    refused += s.value
                    clashes += s.value if outcome == CLASH else 0.0
    for family in metrics.events.collect():
        events += sum(s.value for s in family.samples if s.name.endswith("_total"))
    by_type: dict[str, Buckets] = {}
    for family in metrics.latency.collect():
        for s in family.samples:
            if s.name.endswith("_bucket"):
                by_type.setdefault(s.labels["type"], {})[float(s.labels["le"])] = s.value
    return Reading(at, requests, errors, events, by_type, refused, clashes)


def _minus(now: Buckets, before: Buckets | None) -> Buckets:
    return {le: count - (before or {}).get(le, 0.0) for le, count in now.items()}


def _plus(a: Buckets, b: Buckets) -> Buckets:
    return {le: a.get(le, 0.0) + b.get(le, 0.0) for le in sorted(set(a) | set(b))}


def quantile(buckets: Buckets, q: float) -> float | None:
    """The ``q`` quantile (seconds) of cumulative ``buckets``; None when they hold nothing."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]] if bounds else 0.0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for le in bounds:
        count = buckets[le]
        if count >= rank:
            if math.isinf(le):  # beyond the largest bound: that bound is all we know
                return lower
            if count == below:
                return le
            return lower + (le - lower) * (rank - below) / (count - below)
        lower, below = le, count
    return lower


def percentiles_ms(buckets: Buckets) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name, q in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        value = quantile(buckets, q)
        out[name] = round(value * 1000, 3) if value is not None else None
    return out


class Sampler:
    """Figures from consecutive readings; ``clock`` is monotonic seconds (injectable)."""

    def __init__(self, metrics: Metrics, clock: Callable[[], float] = time.monotonic) -> None:
        self._metrics = metrics
        self._clock = clock
        self._process = psutil.Process(os.getpid())
        start = clock()
        self._previous = Reading(start)
        self._window: deque[Reading] = deque([self._previous])
        self._hour: deque[Reading] = deque([self._previous])
        self._cpu = (start, self._cpu_seconds())

    def _cpu_seconds(self) -> float:
        times = self._process.cpu_times()
        return float(times.user + times.system)

    def cpu_and_memory(self) -> tuple[float, float]:
        """CPU seconds used so far and resident memory in bytes, read now."""
        return self._cpu_seconds(), float(self._process.memory_info().rss)

    def process(self) -> dict[str, float | None]:
        """CPU use since the last call (percent of one core) and resident memory (bytes)."""
        now, cpu = self._clock(), self._cpu_seconds()
        before_at, before_cpu = self._cpu
        self._cpu = (now, cpu)
        elapsed = now - before_at
        return {
            "cpu_percent": round(100 * (cpu - before_cpu) / elapsed, 2) if elapsed > 0 else None,
            "memory_rss_bytes": float(self._process.memory_info().rss),
        }

    def traffic(self) -> tuple[dict[str, float | None], dict[str, dict[str, float | None]]]:
        """Rates, error rate and overall percentiles since the last call; percentiles and
        request counts per request type over the last ``TYPE_WINDOW_S``."""
        now = read(self._metrics, self._clock())
        before = self._previous
        self._previous = now
        elapsed = now.at - before.at
        requests = now.requests - before.requests
        overall: Buckets = {}
        for rtype, buckets in now.by_type.items():
            overall = _plus(overall, _minus(buckets, before.by_type.get(rtype)))
        figures: dict[str, float | None] = {
            "requests_per_s": round(requests / elapsed, 3) if elapsed > 0 else None,
            "events_per_s": round((now.events - before.events) / elapsed, 3) if elapsed > 0 else None,
            "error_rate": round((now.errors - before.errors) / requests, 4) if requests > 0 else None,
            "refusal_rate": round((now.refused - before.refused) / requests, 4) if requests > 0 else None,
        }
        self._hour.append(now)
        while len(self._hour) > 2 and self._hour[1].at <= now.at - HOUR_S:
            self._hour.popleft()
        first = self._hour[0]
        figures["clashes_last_hour"] = now.clashes - first.clashes
        figures["refused_last_hour"] = now.refused - first.refused
        figures["server_errors_last_hour"] = now.errors - first.errors
        for name, value in percentiles_ms(overall).items():
            figures[f"latency_{name}"] = value
        self._window.append(now)
        while len(self._window) > 2 and self._window[1].at <= now.at - TYPE_WINDOW_S:
            self._window.popleft()
        oldest = self._window[0]
        by_type: dict[str, dict[str, float | None]] = {}
        for rtype, buckets in sorted(now.by_type.items()):
            delta = _minus(buckets, oldest.by_type.get(rtype))
            count = delta[max(delta)] if delta else 0.0
            if count > 0:
                by_type[rtype] = {"requests": count, **percentiles_ms(delta)}
        return figures, by_type
