"""The history: 5 s for an hour, 1 min for a day, 10 min for a week — on disk, across restarts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from swan_desktop.server.monitor.history import MonitorDb, aggregate
from swan_desktop.server.storage import migrate
from tests.support.clock import FakeClock
from tests.support.server import Clients, on_server

from .conftest import T0, make_server


def _sample(t: float, **figures: object) -> dict:
    return {"t": int(t), **figures, "services": {"database": ["healthy", 1, 1]}}


@pytest.fixture
def db(tmp_path: Path):
    migrate.upgrade(tmp_path / "m.db")  # the migrations make the monitor's tables
    store = MonitorDb(tmp_path / "m.db")
    yield store
    store.close()


@pytest.mark.parametrize(("range_name", "resolution", "buckets"),
                         [("5m", 5, 60), ("1h", 5, 720), ("24h", 60, 1440), ("7d", 600, 1008)])
def test_each_range_has_its_resolution_and_a_full_grid_of_buckets(
    db: MonitorDb, range_name: str, resolution: int, buckets: int
) -> None:
    db.write(_sample(T0, cpu_percent=10.0))
    reply = db.history(range_name, T0 + 2)
    assert reply["resolution_s"] == resolution and len(reply["t"]) == buckets
    assert reply["t"][-1] == T0 // resolution * resolution
    assert all(b - a == resolution for a, b in zip(reply["t"], reply["t"][1:], strict=False))
    assert reply["series"]["cpu_percent"][-1] == 10.0
    assert reply["series"]["cpu_percent"][:-1] == [None] * (buckets - 1)  # nothing made up


def test_coarser_buckets_hold_the_mean_of_what_was_measured_and_the_newest_level(db: MonitorDb) -> None:
    minute = T0 // 60 * 60
    for i, cpu in enumerate([10.0, 20.0, None, 30.0]):
        db.write(_sample(minute + 5 * i, cpu_percent=cpu, event_log_depth=100 + i))
    day = db.history("24h", minute + 30)
    assert day["series"]["cpu_percent"][-1] == 20.0  # mean of 10, 20, 30: the gap is not a zero
    assert day["series"]["event_log_depth"][-1] == 103
    week = db.history("7d", minute + 30)
    assert week["series"]["cpu_percent"][-1] == 20.0


def test_uptime_bars_take_the_worst_status_of_a_bucket_and_the_healthy_share(db: MonitorDb) -> None:
    minute = T0 // 60 * 60
    for i, status in enumerate(["healthy", "degraded", "healthy", "unknown"]):
        db.write({"t": minute + 5 * i, "services": {
            "database": [status, int(status == "healthy"), int(status != "unknown")]}})
    day = db.history("24h", minute)
    assert day["services"]["database"]["status"][-1] == "degraded"
    assert day["services"]["database"]["status"][0] is None
    assert day["services"]["database"]["uptime"] == pytest.approx(2 / 3)
    five = db.history("5m", minute + 15)
    assert five["services"]["database"]["status"][-4:] == ["healthy", "degraded", "healthy", "unknown"]


def test_old_rows_leave_each_tier_after_its_span(db: MonitorDb) -> None:
    db.write(_sample(T0, cpu_percent=1.0))
    db.write(_sample(T0 + 3605, cpu_percent=2.0))
    assert db.history("1h", T0 + 3605)["series"]["cpu_percent"].count(1.0) == 0
    assert db.history("24h", T0 + 3605)["series"]["cpu_percent"].count(1.0) == 1


def test_a_series_filter_returns_only_the_named_series(db: MonitorDb) -> None:
    db.write(_sample(T0, cpu_percent=1.0, requests_per_s=4.0))
    assert list(db.history("5m", T0, ["requests_per_s"])["series"]) == ["requests_per_s"]


def test_aggregate_counts_rows() -> None:
    assert aggregate([{"n": 2, "x": 1.0}, {"x": 4.0}])["n"] == 3


async def test_history_survives_a_server_restart_and_answers_every_range(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "studio.sqlite3"
    server = make_server(path, clock)
    try:
        for _ in range(12):  # a minute of samples, 5 s apart on the test's clock
            clock.advance(5)
            await on_server(server, server.server.monitor.sample_now)
    finally:
        await asyncio.to_thread(server.stop)

    clock.advance(5)
    server = make_server(path, clock)  # samples once more as it starts
    pool = Clients(server)
    try:
        boss = await pool.signed_in("boss")
        five = await boss.ok("monitor.history", {"range": "5m"})
        measured = [v for v in five["series"]["memory_rss_bytes"] if v is not None]
        assert len(measured) == 14  # 1 at the first start, 12 driven, 1 at the restart
        assert five["services"]["database"]["uptime"] == 1.0
        day = await boss.ok("monitor.history", {"range": "24h", "series": ["requests_per_s"]})
        assert day["resolution_s"] == 60 and list(day["series"]) == ["requests_per_s"]
        assert sum(v is not None for v in day["series"]["requests_per_s"]) in (2, 3)
        week = await boss.ok("monitor.history", {"range": "7d"})
        assert sum(v is not None for v in week["series"]["uptime_s"]) in (1, 2)
    finally:
        await pool.close()
        await asyncio.to_thread(server.stop)
