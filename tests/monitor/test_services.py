"""ServiceHealth: services report through probes; silence is "unknown", never "healthy"."""

from __future__ import annotations

import asyncio

from swan_desktop.server.monitor.services import Health, ServiceHealth, ServiceReport, worst
from tests.support.clock import FakeClock

from .conftest import T0


async def test_a_known_service_without_a_probe_is_unknown_and_not_running() -> None:
    health = ServiceHealth(FakeClock(T0))
    await health.check()
    notifications = health.state("notifications")
    assert notifications is not None
    assert (notifications.status, notifications.reason) == (Health.UNKNOWN, "not running")
    assert health.overall() is Health.UNKNOWN


async def test_a_registered_probe_reports_status_reason_figures_and_since_when() -> None:
    clock = FakeClock(T0)
    health = ServiceHealth(clock)
    answers = [ServiceReport(Health.HEALTHY, "sending", {"email_queue_depth": 0})]

    async def probe() -> ServiceReport:
        return answers[-1]

    health.register("notifications", probe)
    clock.advance(10)
    changes = await health.check()
    state = health.state("notifications")
    assert state is not None and [c.previous for c in changes] == [Health.UNKNOWN]
    assert (state.status, state.figures, state.since) == (Health.HEALTHY, {"email_queue_depth": 0}, clock.now)

    since = clock.now
    clock.advance(5)
    answers.append(ServiceReport(Health.HEALTHY, "sending, 3 waiting", {"email_queue_depth": 3}))
    assert await health.check() == []  # a new reason is not a new status
    assert state.since == since and state.reason == "sending, 3 waiting"

    health.unregister("notifications")
    await health.check()
    assert (state.status, state.reason) == (Health.UNKNOWN, "not running")


async def test_a_hanging_probe_is_degraded_and_a_failing_one_critical() -> None:
    health = ServiceHealth(FakeClock(T0), probe_timeout_s=0.05)

    async def hangs() -> ServiceReport:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def fails() -> ServiceReport:
        raise OSError("disk on fire")

    health.register("collaboration", hangs)
    health.register("notifications", fails)
    await health.check()
    collab, notes = health.state("collaboration"), health.state("notifications")
    assert collab is not None and notes is not None
    assert collab.status is Health.DEGRADED and "within 0.05 s" in collab.reason
    assert notes.status is Health.CRITICAL and "disk on fire" in notes.reason
    assert health.overall() is Health.CRITICAL


def test_the_worst_status_ignores_unknown_unless_nothing_is_known() -> None:
    assert worst([Health.UNKNOWN, Health.HEALTHY]) is Health.HEALTHY
    assert worst([Health.DEGRADED, Health.UNKNOWN, Health.HEALTHY]) is Health.DEGRADED
    assert worst([Health.UNKNOWN]) is Health.UNKNOWN
