"""Prometheus metrics of one server, on a registry of its own (several servers may share a process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.frames import REQUEST_TYPES

#: The outcome label of a booking refused because it clashes (a ``conflict`` whose reason
#: is ``schedule:conflict``), counted apart from edits that crossed (stale versions).
CLASH = "clash"


def outcome_label(err: ProtocolError) -> str:
    """The ``outcome`` label of a refused request: its error code, or ``clash``."""
    if err.code is ErrorCode.CONFLICT and (err.data or {}).get("reason") == "schedule:conflict":
        return CLASH
    return err.code.value

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "swan_requests",
            "Requests handled, by type and outcome (ok, an error code, or clash).",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.events = Counter("swan_events", "Events published, by kind.", ["kind"], registry=self.registry)
        self.connections = Gauge("swan_connections", "Open WebSocket connections.", registry=self.registry)
        self.latency = Histogram(
            "swan_request_seconds",
            "Time to handle a request, by type.",
            ["type"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.dropped = Counter(
            "swan_slow_client_disconnects",
            "Connections closed because they stopped reading.",
            registry=self.registry,
        )
        self.refused = Counter(
            "swan_connections_refused",
            "WebSocket handshakes refused (HTTP 503) because the server was at its connection limit.",
            registry=self.registry,
        )
        self.commit_groups = Histogram(
            "swan_commit_group_changes",
            "Changes committed together in one transaction (group commit), per commit.",
            buckets=(1, 2, 4, 8, 16, 32, 64),
            registry=self.registry,
        )
        self.known_types: set[str] = set(REQUEST_TYPES)
        self.rate_limited = Counter(
            "swan_rate_limited_requests",
            "Requests refused with rate_limited because their connection sent too many too fast.",
            registry=self.registry,
        )

    def type_label(self, request_type: str) -> str:
        """Known request types as themselves; anything else as ``other`` (bounded label set).

        Known: the protocol core plus every type a feature registered with the dispatcher.
        """
        return request_type if request_type in self.known_types else "other"

    def observe(self, request_type: str, outcome: str, seconds: float) -> None:
        label = self.type_label(request_type)
        self.requests.labels(label, outcome).inc()
        self.latency.labels(label).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
