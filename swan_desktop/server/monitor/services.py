"""``ServiceHealth``: the registry through which each service tells how it is.

A service registers a *probe* — an async callable answering a
:class:`ServiceReport` (status, reason in words, optional figures such as a
queue depth). :meth:`ServiceHealth.check` runs every probe (each bounded by a
timeout) and returns the status changes since the last check. A known service
without a probe (not built into this server, or not started) is ``unknown``
with the reason "not running"; a figure it would report is then missing, never
made up.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ...protocol.timefmt import format_ts

log = logging.getLogger(__name__)


class Health(enum.StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    CRITICAL = "critical"
    UNKNOWN = "unknown"


#: Severity order for "the worst of": unknown says nothing, so it ranks lowest.
SEVERITY = {Health.UNKNOWN: 0, Health.HEALTHY: 1, Health.DEGRADED: 2, Health.CRITICAL: 3}


def worst(statuses: list[Health]) -> Health:
    """The most severe status; ``unknown`` only when nothing else is known."""
    return max(statuses, key=SEVERITY.__getitem__, default=Health.UNKNOWN)


Figure = float | int | None


@dataclass(frozen=True, slots=True)
class ServiceReport:
    """What a probe answers: a status, the reason in words, and figures it measured."""

    status: Health
    reason: str
    figures: Mapping[str, Figure] = field(default_factory=dict)


Probe = Callable[[], Awaitable[ServiceReport]]

#: The services every server reports on, in display order (name, label).
KNOWN_SERVICES: tuple[tuple[str, str], ...] = (
    ("gateway", "WebSocket gateway"),
    ("database", "Schedule store (database)"),
    ("notifications", "Notification dispatcher"),
    ("collaboration", "Collaboration hub"),
)

NOT_RUNNING = "not running"


def iso(seconds: float) -> str:
    """Wall-clock seconds as a protocol timestamp."""
    return format_ts(datetime.fromtimestamp(seconds, UTC))


@dataclass(slots=True)
class ServiceState:
    """A service's current status, the reason, and since when (wall-clock seconds)."""

    name: str
    label: str
    status: Health
    reason: str
    since: float
    figures: dict[str, Figure] = field(default_factory=dict)

    def to_wire(self) -> dict[str, object]:
        return {"name": self.name, "label": self.label, "status": self.status.value,
                "reason": self.reason, "since": iso(self.since)}


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A service moved from ``previous`` to ``state.status``."""

    state: ServiceState
    previous: Health


class ServiceHealth:
    """Probes by service name, and the last known state of every service.

    ``clock`` gives wall-clock seconds (injectable for tests). Register and
    unregister on the server's loop thread.
    """

    def __init__(self, clock: Callable[[], float] = time.time, probe_timeout_s: float = 3.0) -> None:
        self.clock = clock
        self.probe_timeout_s = probe_timeout_s
        self._probes: dict[str, Probe] = {}
        now = clock()
        self._states: dict[str, ServiceState] = {
            name: ServiceState(name, label, Health.UNKNOWN, NOT_RUNNING, now)
            for name, label in KNOWN_SERVICES
        }
        self._lock = asyncio.Lock()

    def register(self, name: str, probe: Probe, label: str | None = None) -> None:
        """Let service ``name`` report through ``probe`` from the next check on."""
        if name in self._probes:
            raise ValueError(f"service {name!r} already has a probe")
        self._probes[name] = probe
        state = self._states.get(name)
        if state is None:
            self._states[name] = ServiceState(name, label or name, Health.UNKNOWN, "not checked yet",
                                              self.clock())
        elif label:
            state.label = label

    def unregister(self, name: str) -> None:
        """The service stopped: it is ``unknown`` ("not running") from the next check on."""
        self._probes.pop(name, None)

    def states(self) -> list[ServiceState]:
        return list(self._states.values())

    def state(self, name: str) -> ServiceState | None:
        return self._states.get(name)

    def overall(self) -> Health:
        return worst([s.status for s in self._states.values()])

    async def check(self) -> list[StatusChange]:
        """Run every probe (concurrently, each within the timeout); the status changes it found."""
        async with self._lock:
            names = list(self._states)
            reports = await asyncio.gather(*(self._run(name) for name in names))
            changes: list[StatusChange] = []
            now = self.clock()
            for name, report in zip(names, reports, strict=True):
                state = self._states[name]
                previous = state.status
                state.reason = report.reason
                state.figures = dict(report.figures)
                if report.status is not previous:
                    state.status = report.status
                    state.since = now
                    changes.append(StatusChange(state, previous))
            return changes

    async def _run(self, name: str) -> ServiceReport:
        probe = self._probes.get(name)
        if probe is None:
            return ServiceReport(Health.UNKNOWN, NOT_RUNNING)
        try:
            return await asyncio.wait_for(probe(), self.probe_timeout_s)
        except TimeoutError:
            return ServiceReport(Health.DEGRADED, f"did not answer its health check within "
                                                  f"{self.probe_timeout_s:g} s")
        except Exception as exc:
            log.exception("health probe of %s failed", name)
            return ServiceReport(Health.CRITICAL, f"health check failed: {exc}")
