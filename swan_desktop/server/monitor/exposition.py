"""Extra families on the server's Prometheus registry: uptime, process, database, services.

Levels are read when scraped (uptime, process CPU and memory, connections,
active users); figures the sampler measured (database probe, size, event-log
depth, email queue) appear once measured, and a service's status is one
``swan_service_status`` sample per possible status (1 for the current one).
A figure nobody measured is left out rather than reported as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Protocol

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .services import Health, ServiceState

#: Sample fields exported as gauges: (field, metric name, help, factor to base units).
_SAMPLED: tuple[tuple[str, str, str, float], ...] = (
    ("db_probe_ms", "swan_database_probe_seconds", "Duration of the last database write probe.", 0.001),
    ("db_size_bytes", "swan_database_size_bytes",
     "Database size (SQLite: file and write-ahead log; PostgreSQL: pg_database_size).", 1.0),
    ("event_log_depth", "swan_event_log_events", "Events kept in the event log.", 1.0),
    ("email_queue_depth", "swan_email_queue_depth", "Emails waiting to be sent.", 1.0),
)


class MonitorSource(Protocol):
    def uptime_s(self) -> float: ...
    def connection_counts(self) -> tuple[int, int]: ...
    def process_figures(self) -> tuple[float, float]: ...
    def latest_figures(self) -> Mapping[str, object]: ...
    def service_states(self) -> list[ServiceState]: ...


class MonitorCollector(Collector):
    def __init__(self, source: Callable[[], MonitorSource | None]) -> None:
        self._source = source

    def collect(self) -> Iterator[Metric]:
        source = self._source()
        if source is None:
            return
        yield GaugeMetricFamily("swan_uptime_seconds", "Seconds since the server started.",
                                value=source.uptime_s())
        cpu_seconds, rss = source.process_figures()
        yield CounterMetricFamily("swan_process_cpu_seconds", "CPU time the server process used.",
                                  value=cpu_seconds)
        yield GaugeMetricFamily("swan_process_resident_memory_bytes", "Resident memory of the process.",
                                value=rss)
        _, users = source.connection_counts()
        yield GaugeMetricFamily("swan_active_users", "Distinct users with an open connection.",
                                value=users)
        latest = source.latest_figures()
        for field, name, text, factor in _SAMPLED:
            value = latest.get(field)
            if isinstance(value, (int, float)):
                yield GaugeMetricFamily(name, text, value=float(value) * factor)
        status = GaugeMetricFamily("swan_service_status", "1 for each service's current status.",
                                   labels=["service", "status"])
        for state in source.service_states():
            for candidate in Health:
                status.add_metric([state.name, candidate.value], 1.0 if state.status is candidate else 0.0)
        yield status
