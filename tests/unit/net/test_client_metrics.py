"""Client connection metrics: exact windowed percentiles, rates, quality tiers, no made-up data."""

from __future__ import annotations

import random

import pytest

from swan_desktop.net.metrics import ConnectionMetrics, Quality, percentile, quality_tier
from tests.support.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(10_000.0)


@pytest.fixture
def metrics(clock: FakeClock) -> ConnectionMetrics:
    return ConnectionMetrics(clock=clock)


def test_with_nothing_measured_there_is_no_latency_and_no_quality(metrics: ConnectionMetrics) -> None:
    snap = metrics.snapshot()
    assert snap.latency_last_ms is None
    assert (snap.latency_p50_ms, snap.latency_p95_ms, snap.latency_p99_ms) == (None, None, None)
    assert snap.latency_avg_10min_ms is None
    assert snap.latency_samples == 0
    assert snap.quality is None
    assert metrics.quality() is None
    assert snap.error_rate is None
    assert snap.messages_in_per_s == 0.0 and snap.messages_out_per_s == 0.0
    assert snap.reconnects_total == 0 and snap.outbox_depth == 0


def test_reconnects_alone_do_not_invent_a_quality(metrics: ConnectionMetrics) -> None:
    metrics.record_reconnect()
    assert metrics.snapshot().quality is None


def test_percentiles_are_exact_nearest_rank_values_of_a_known_sample_set(
        metrics: ConnectionMetrics, clock: FakeClock) -> None:
    values = list(range(1, 101))
    random.Random(7).shuffle(values)
    for ms in values:
        metrics.record_latency(ms)
        clock.advance(1)
    snap = metrics.snapshot()
    assert (snap.latency_p50_ms, snap.latency_p95_ms, snap.latency_p99_ms) == (50, 95, 99)
    assert snap.latency_samples == 100
    assert snap.latency_last_ms == values[-1]
    assert snap.latency_avg_10min_ms == pytest.approx(50.5)


def test_percentile_helper_on_small_and_odd_sets() -> None:
    assert percentile([], 50) is None
    assert percentile([42.0], 99) == 42.0
    assert percentile([10.0, 20.0, 30.0], 50) == 20.0
    assert percentile([10.0, 20.0, 30.0], 95) == 30.0
    with pytest.raises(ValueError):
        percentile([1.0], 0)


def test_samples_older_than_five_minutes_leave_the_percentiles(
        metrics: ConnectionMetrics, clock: FakeClock) -> None:
    for _ in range(10):
        metrics.record_latency(900)
    clock.advance(200)
    for _ in range(10):
        metrics.record_latency(20)
    assert metrics.snapshot().latency_p99_ms == 900
    clock.advance(100.5)  # the 900 ms samples are now 300.5 s old
    snap = metrics.snapshot()
    assert snap.latency_samples == 10
    assert snap.latency_p99_ms == 20
    clock.advance(200)
    snap = metrics.snapshot()
    assert snap.latency_p50_ms is None and snap.latency_samples == 0
    # Still within the 10-minute quality window: the tier has data, the percentiles do not.
    assert snap.latency_avg_10min_ms == pytest.approx(460.0)
    assert snap.quality is Quality.POOR
    clock.advance(300)
    assert metrics.snapshot().quality is None


def test_memory_stays_bounded_under_a_flood_of_samples(clock: FakeClock) -> None:
    metrics = ConnectionMetrics(clock=clock, max_latency_samples=1_000)
    for i in range(50_000):
        metrics.record_latency(i % 100)
    assert metrics.snapshot().latency_samples == 1_000
    for _ in range(100_000):
        metrics.record_message_in()
    assert metrics.snapshot().messages_in_per_s == 10_000.0


@pytest.mark.parametrize(("avg_ms", "reconnects", "tier"), [
    (0, 0, Quality.EXCELLENT),
    (99.9, 0, Quality.EXCELLENT),
    (100, 0, Quality.GOOD),
    (50, 1, Quality.GOOD),
    (299.9, 2, Quality.GOOD),
    (300, 0, Quality.POOR),
    (50, 3, Quality.POOR),
    (999.9, 5, Quality.POOR),
    (1000, 0, Quality.CRITICAL),
    (50, 6, Quality.CRITICAL),
    (5_000, 20, Quality.CRITICAL),
])
def test_quality_tier_boundaries(avg_ms: float, reconnects: int, tier: Quality) -> None:
    assert quality_tier(avg_ms, reconnects) is tier


def test_quality_uses_average_latency_and_reconnects_of_the_last_ten_minutes(
        metrics: ConnectionMetrics, clock: FakeClock) -> None:
    metrics.record_latency(40)
    metrics.record_latency(60)
    assert metrics.snapshot().quality is Quality.EXCELLENT
    metrics.record_reconnect()
    metrics.record_reconnect()
    assert metrics.snapshot().quality is Quality.GOOD
    clock.advance(60)
    for _ in range(4):
        metrics.record_reconnect()
    snap = metrics.snapshot()
    assert snap.reconnects_10min == 6 and snap.quality is Quality.CRITICAL
    clock.advance(541)  # the first two reconnects and both samples are 601 s old
    metrics.record_latency(80)
    snap = metrics.snapshot()
    assert snap.reconnects_total == 6
    assert snap.reconnects_10min == 4
    assert snap.latency_avg_10min_ms == 80
    assert snap.quality is Quality.POOR


def test_message_rates_are_per_second_over_a_sliding_window(
        metrics: ConnectionMetrics, clock: FakeClock) -> None:
    clock.advance(0.2)
    for second in range(10):
        if second:
            clock.advance(1)
        metrics.record_message_in(3)
        metrics.record_message_out()
    clock.advance(0.5)  # 10 s of traffic, the oldest 9.5 s ago
    snap = metrics.snapshot()
    assert snap.messages_in_per_s == pytest.approx(3.0)
    assert snap.messages_out_per_s == pytest.approx(1.0)
    clock.advance(5)
    assert metrics.snapshot().messages_in_per_s == pytest.approx(1.5)
    clock.advance(10)
    assert metrics.snapshot().messages_in_per_s == 0.0


def test_error_rate_is_errors_over_requests_within_the_window(
        metrics: ConnectionMetrics, clock: FakeClock) -> None:
    for i in range(20):
        metrics.record_request(ok=i % 4 != 0)
    snap = metrics.snapshot()
    assert (snap.requests_in_window, snap.errors_in_window) == (20, 5)
    assert snap.error_rate == pytest.approx(0.25)
    clock.advance(11)
    metrics.record_request(ok=True)
    assert metrics.snapshot().error_rate == 0.0
    clock.advance(11)
    assert metrics.snapshot().error_rate is None


def test_outbox_depth_is_whatever_the_caller_last_set(metrics: ConnectionMetrics) -> None:
    metrics.set_outbox_depth(42)
    assert metrics.snapshot().outbox_depth == 42
    metrics.set_outbox_depth(0)
    assert metrics.snapshot().outbox_depth == 0


def test_a_negative_or_nan_latency_is_refused(metrics: ConnectionMetrics) -> None:
    with pytest.raises(ValueError):
        metrics.record_latency(-1)
    with pytest.raises(ValueError):
        metrics.record_latency(float("nan"))
    assert metrics.snapshot().latency_samples == 0
