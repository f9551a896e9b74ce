"""Which figures the monitor shows, and how each reads; a missing measurement reads "no data"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NO_DATA = "no data"

STATUS_COLORS = {"healthy": "#2e7d32", "degraded": "#e0a100", "critical": "#c62828", "unknown": "#9e9e9e"}
NO_DATA_COLOR = "#e4e6ea"


def number(fmt: str, factor: float = 1.0) -> Callable[[Any], str]:
    def show(value: Any) -> str:
        return fmt.format(float(value) * factor)
    return show


def duration_text(value: Any) -> str:
    seconds = int(float(value))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def size_text(value: Any) -> str:
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


#: Server figures: (key in the snapshot, label, format).
SERVER_FIGURES: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("connections", "Connections", number("{:.0f}")),
    ("active_users", "Active users", number("{:.0f}")),
    ("requests_per_s", "Requests / s", number("{:.2f}")),
    ("events_per_s", "Events / s", number("{:.2f}")),
    ("error_rate", "Server errors", number("{:.2f} %", 100)),
    ("refusal_rate", "Refused (rules)", number("{:.2f} %", 100)),
    ("latency_p50_ms", "Latency p50", number("{:.2f} ms")),
    ("latency_p95_ms", "Latency p95", number("{:.2f} ms")),
    ("latency_p99_ms", "Latency p99", number("{:.2f} ms")),
    ("db_probe_ms", "Database write", number("{:.1f} ms")),
    ("db_size_bytes", "Database size", size_text),
    ("event_log_depth", "Event log", number("{:,.0f} events")),
    ("email_queue_depth", "Email queue", number("{:.0f} waiting")),
    ("cpu_percent", "Server CPU", number("{:.1f} %")),
    ("memory_rss_bytes", "Server memory", size_text),
    ("uptime_s", "Uptime", duration_text),
)

#: This PC's connection: (attribute of MetricsSnapshot, label, format).
CLIENT_FIGURES: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("quality", "Quality", lambda q: str(getattr(q, "value", q)).capitalize()),
    ("latency_p50_ms", "Latency p50", number("{:.1f} ms")),
    ("latency_p95_ms", "Latency p95", number("{:.1f} ms")),
    ("latency_p99_ms", "Latency p99", number("{:.1f} ms")),
    ("messages_in_per_s", "Messages in / s", number("{:.2f}")),
    ("messages_out_per_s", "Messages out / s", number("{:.2f}")),
    ("error_rate", "Error rate", number("{:.2f} %", 100)),
    ("reconnects_10min", "Reconnects (10 min)", number("{:.0f}")),
    ("outbox_depth", "Changes waiting", number("{:.0f}")),
)


def show(value: Any, fmt: Callable[[Any], str]) -> str:
    """``fmt(value)``, or "no data" when nothing was measured."""
    return NO_DATA if value is None else fmt(value)
