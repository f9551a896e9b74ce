"""Reconnect delays: full jitter between 0.5 s and min(20 s, 0.5 s · 2^n), forever."""

from __future__ import annotations

import random
import statistics

import pytest

from swan_desktop.net.backoff import Backoff


def test_every_delay_lies_between_the_base_and_the_attempts_ceiling() -> None:
    backoff = Backoff(rng=random.Random(1))
    for attempt in range(1, 12):
        ceiling = min(20.0, 0.5 * 2 ** attempt)
        assert backoff.ceiling(attempt) == ceiling
        draws = [backoff.delay(attempt) for _ in range(2_000)]
        assert min(draws) >= 0.5
        assert max(draws) <= ceiling
        # Full jitter: the draws reach into the top and the bottom of the range.
        span = ceiling - 0.5
        assert max(draws) > ceiling - 0.05 * span
        assert min(draws) < 0.5 + 0.05 * span


def test_delays_are_capped_at_twenty_seconds_and_attempts_never_run_out() -> None:
    backoff = Backoff(rng=random.Random(2))
    for attempt in (6, 7, 50, 1_000, 10_000_000):
        assert backoff.ceiling(attempt) == 20.0
        assert 0.5 <= backoff.delay(attempt) <= 20.0
    for _ in range(5_000):
        assert 0.5 <= backoff.next_delay() <= 20.0
    assert backoff.attempt == 5_000


def test_a_hundred_clients_do_not_reconnect_in_lock_step() -> None:
    seeds = random.Random(3)
    clients = [Backoff(rng=random.Random(seeds.getrandbits(64))) for _ in range(100)]
    first = [client.next_delay() for client in clients]
    assert all(0.5 <= d <= 1.0 for d in first)
    assert len({round(d, 3) for d in first}) > 90
    assert max(first) - min(first) > 0.4
    assert statistics.pstdev(first) > 0.1
    fifth = [client.next_delay() for client in clients for _ in range(4)][3::4]
    assert max(fifth) - min(fifth) > 10.0


def test_the_upper_bound_grows_exponentially_until_the_cap() -> None:
    backoff = Backoff()
    assert [backoff.ceiling(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0]


def test_reset_starts_again_from_the_first_attempt() -> None:
    backoff = Backoff(rng=random.Random(4))
    for _ in range(10):
        backoff.next_delay()
    backoff.reset()
    assert backoff.attempt == 0
    assert backoff.next_delay() <= 1.0
    assert backoff.attempt == 1


def test_base_and_cap_are_configurable() -> None:
    backoff = Backoff(base=1.0, cap=5.0, rng=random.Random(5))
    assert backoff.ceiling(1) == 2.0
    assert backoff.ceiling(3) == 5.0
    assert all(1.0 <= backoff.delay(9) <= 5.0 for _ in range(500))


def test_nonsense_settings_and_attempt_zero_are_refused() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0)
    with pytest.raises(ValueError):
        Backoff(base=2.0, cap=1.0)
    with pytest.raises(ValueError):
        Backoff().delay(0)
