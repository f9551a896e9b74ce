"""What a server would send the monitor pane, for its tests: a ``snapshot`` (a degraded database
among healthy and unknown services, with every figure) and a ``history`` over four minutes
(``T``) with gaps in its series."""

from __future__ import annotations

from typing import Any

from .conftest import T0

#: The four minutes of ``history``, from T0.
T = [int(T0) + 60 * i for i in range(4)]


def snapshot(**figures: Any) -> dict[str, Any]:
    """A degraded server's snapshot; ``figures`` replace or add figures."""
    return {
        "at": "2031-03-03T10:04:00Z", "sampled_at": "2031-03-03T10:04:00Z", "interval_s": 5.0,
        "status": "degraded",
        "services": [
            {"name": "gateway", "label": "WebSocket gateway", "status": "healthy",
             "reason": "listening, 3 connections open", "since": "2031-03-03T09:00:00Z"},
            {"name": "database", "label": "Schedule store (database)", "status": "degraded",
             "reason": "a write failed: database is locked", "since": "2031-03-03T10:03:00Z"},
            {"name": "notifications", "label": "Notification dispatcher", "status": "unknown",
             "reason": "not running", "since": "2031-03-03T09:00:00Z"},
        ],
        "figures": {"connections": 3, "active_users": 2, "requests_per_s": 1.5, "events_per_s": 0.25,
                    "error_rate": 0.02, "latency_p50_ms": 0.8, "latency_p95_ms": 2.4,
                    "latency_p99_ms": None, "db_probe_ms": None, "db_size_bytes": 3 * 1024 * 1024,
                    "event_log_depth": 1234, "email_queue_depth": None, "cpu_percent": 3.5,
                    "memory_rss_bytes": 80 * 1024 * 1024, "uptime_s": 3725.0, **figures},
        "latency_by_type": {"heartbeat": {"requests": 12, "p50_ms": 0.4, "p95_ms": 0.9, "p99_ms": 1.0}},
    }


def history() -> dict[str, Any]:
    """A day's history over the four minutes ``T``, with gaps."""
    return {
        "range": "24h", "resolution_s": 60, "t": T,
        "series": {"latency_p50_ms": [0.5, None, 0.7, 0.8], "latency_p95_ms": [1.0, None, 1.5, 2.4],
                   "latency_p99_ms": [None] * 4, "requests_per_s": [1.0, 0.0, 2.0, 1.5],
                   "events_per_s": [0.0, 0.0, 0.5, 0.25], "error_rate": [0.0, None, 0.0, 0.02],
                   "cpu_percent": [2.0, 3.0, None, 3.5], "memory_rss_bytes": [None] * 4},
        "services": {"gateway": {"status": ["healthy"] * 4, "uptime": 1.0},
                     "database": {"status": [None, "healthy", "healthy", "degraded"], "uptime": 2 / 3},
                     "notifications": {"status": ["unknown"] * 4, "uptime": None}},
    }
