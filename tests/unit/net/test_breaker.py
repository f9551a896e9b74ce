"""Circuit breaker: open after 5 failures, one probe after 30 s, "Retry now"."""

from __future__ import annotations

import pytest

from swan_desktop.net.breaker import BreakerState, CircuitBreaker
from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_000.0)


@pytest.fixture
def breaker(clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker(clock=clock)


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.record_failure()


def test_a_new_breaker_is_closed_and_allows_every_attempt(breaker: CircuitBreaker) -> None:
    assert breaker.state is BreakerState.CLOSED
    assert all(breaker.allow() for _ in range(10))
    assert breaker.seconds_until_probe() is None


def test_four_failures_keep_it_closed_and_the_fifth_opens_it(breaker: CircuitBreaker) -> None:
    fail(breaker, 4)
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    assert breaker.seconds_until_probe() == 30.0


def test_a_success_resets_the_run_of_consecutive_failures(breaker: CircuitBreaker) -> None:
    fail(breaker, 4)
    breaker.record_success()
    assert breaker.consecutive_failures == 0
    fail(breaker, 4)
    assert breaker.state is BreakerState.CLOSED


def test_after_thirty_seconds_open_exactly_one_probe_is_allowed(
        breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.advance(29.9)
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    assert breaker.seconds_until_probe() == pytest.approx(0.1)
    clock.advance(0.1)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.seconds_until_probe() == 0.0
    assert breaker.allow()
    assert not breaker.allow()
    assert not breaker.allow()


def test_a_successful_probe_closes_the_breaker(breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.advance(30)
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow() and breaker.allow()


def test_a_failed_probe_reopens_it_and_restarts_the_thirty_seconds(
        breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.advance(45)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.seconds_until_probe() == 30.0
    clock.advance(29)
    assert not breaker.allow()
    clock.advance(1)
    assert breaker.allow()


def test_a_late_failure_while_open_does_not_extend_the_wait(
        breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.advance(20)
    breaker.record_failure()
    assert breaker.seconds_until_probe() == pytest.approx(10.0)


def test_retry_now_goes_half_open_at_once_and_allows_one_probe(
        breaker: CircuitBreaker, clock: FakeClock) -> None:
    fail(breaker, 5)
    clock.advance(3)
    breaker.retry_now()
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    breaker.retry_now()  # pressed again after the probe failed
    assert breaker.allow()


def test_retry_now_on_a_closed_breaker_changes_nothing(breaker: CircuitBreaker) -> None:
    fail(breaker, 2)
    breaker.retry_now()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.consecutive_failures == 2


def test_listeners_hear_every_change_of_state_once(breaker: CircuitBreaker, clock: FakeClock) -> None:
    heard: list[tuple[BreakerState, BreakerState]] = []
    breaker.add_listener(lambda old, new: heard.append((old, new)))
    fail(breaker, 7)
    clock.advance(30)
    assert breaker.allow()
    breaker.record_failure()
    breaker.retry_now()
    breaker.record_success()
    breaker.record_success()
    assert heard == [
        (BreakerState.CLOSED, BreakerState.OPEN),
        (BreakerState.OPEN, BreakerState.HALF_OPEN),
        (BreakerState.HALF_OPEN, BreakerState.OPEN),
        (BreakerState.OPEN, BreakerState.HALF_OPEN),
        (BreakerState.HALF_OPEN, BreakerState.CLOSED),
    ]


def test_a_failing_listener_neither_breaks_the_breaker_nor_silences_the_others(
        breaker: CircuitBreaker, caplog: pytest.LogCaptureFixture) -> None:
    heard: list[BreakerState] = []

    def broken(old: BreakerState, new: BreakerState) -> None:
        raise RuntimeError("listener bug")

    breaker.add_listener(broken)
    breaker.add_listener(lambda old, new: heard.append(new))
    fail(breaker, 5)
    assert breaker.state is BreakerState.OPEN
    assert heard == [BreakerState.OPEN]
    assert "listener failed" in caplog.text
    breaker.remove_listener(broken)


def test_threshold_and_wait_are_configurable(clock: FakeClock) -> None:
    breaker = CircuitBreaker(failure_threshold=2, open_seconds=5, clock=clock)
    fail(breaker, 2)
    assert breaker.state is BreakerState.OPEN
    clock.advance(5)
    assert breaker.state is BreakerState.HALF_OPEN
