"""Daily backups: what retention keeps, the monitor's ``backups`` service, and the server lock."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from swan_desktop.protocol.entities import Role
from swan_desktop.server.backup import retention
from swan_desktop.server.backup.files import ServerLock
from swan_desktop.server.backup.service import Backups
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.monitor.services import Health, ServiceReport, ServiceState
from swan_desktop.server.store import Store
from tests.server.support import FAST_HASHER, PASSWORDS, Clients
from tests.support.poll import until

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # a Monday


def test_retention_keeps_seven_days_and_four_weeks_before_them() -> None:
    made = [NOW - timedelta(days=d) for d in range(60)] + [NOW - timedelta(hours=1)]
    kept = retention.keep(made)
    days = sorted({m.date() for m in kept}, reverse=True)
    assert days[:7] == [(NOW - timedelta(days=d)).date() for d in range(7)]
    assert NOW - timedelta(hours=1) not in kept and NOW in kept  # the newest of a day
    older = days[7:]
    assert len(older) == 4
    weeks = {d.isocalendar()[:2] for d in older}
    assert len(weeks) == 4 and not weeks & {d.isocalendar()[:2] for d in days[:7]}


def test_prune_deletes_what_retention_does_not_keep(tmp_path: Path) -> None:
    for d in range(40):
        (tmp_path / retention.name_for(NOW - timedelta(days=d))).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("mine")
    gone = retention.prune(tmp_path)
    assert len(gone) == 40 - 11
    assert len(retention.backups(tmp_path)) == 11 and (tmp_path / "notes.txt").exists()


async def test_a_backup_is_made_when_due_and_the_service_degrades_when_the_last_is_old(
    tmp_path: Path,
) -> None:
    db = tmp_path / "studio.sqlite3"
    store = Store(db)
    store.add_trainer("Ana")
    store.close()
    clock = [NOW]
    service = Backups(db, tmp_path / "backups", clock=lambda: clock[0])
    report = await service.probe()
    assert report.status is Health.DEGRADED and "no backup" in report.reason
    assert service.due()
    service.back_up_now()  # what tick() runs off the loop when due
    [(made, path)] = retention.backups(tmp_path / "backups")
    assert made == NOW and path.stat().st_size > 0
    report = await service.probe()
    assert report.status is Health.HEALTHY
    assert report.figures["last_backup_bytes"] == path.stat().st_size
    assert report.figures["last_backup_at"] == NOW.timestamp()
    clock[0] = NOW + timedelta(hours=12)
    assert not service.due()
    clock[0] = NOW + timedelta(hours=27)
    report = await service.probe()
    assert report.status is Health.DEGRADED and "27 h" in report.reason
    assert service.due()
    service.back_up_now()
    assert (await service.probe()).status is Health.HEALTHY


def test_the_server_lock_is_held_by_one_process_at_a_time(tmp_path: Path) -> None:
    first, second = ServerLock(tmp_path / "db"), ServerLock(tmp_path / "db")
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()


async def test_admins_are_notified_when_the_last_good_backup_is_too_old(tmp_path: Path) -> None:
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / retention.name_for(datetime.now(UTC) - timedelta(hours=30))).write_bytes(b"old")
    store = Store(tmp_path / "studio.sqlite3")  # the admin exists before the first health check
    store.upsert_user("boss", "Boss", Role.ADMIN, FAST_HASHER.hash(PASSWORDS["boss"]))
    store.close()
    srv = EmbeddedServer(tmp_path / "studio.sqlite3", demo=False, hasher=FAST_HASHER)
    # Backing up a file that is not there fails, so the 30 h old backup stays the newest.
    srv.server.backups = Backups(tmp_path / "gone.sqlite3", directory)
    srv.start()
    pool = Clients(srv)
    try:
        boss = await pool.signed_in("boss")
        titles: set[str] = set()
        state = None
        for _ in range(200):
            await boss.ok("monitor.snapshot")  # a sign of life; the monitor checks on its own
            titles = {n["title"] for n in (await boss.ok("notification.query", {}))["notifications"]}
            state = srv.server.services.state("backups")
            # The failed attempt is named once the first backup of this start has been tried.
            if "Backups is degraded" in titles and state is not None and "no database" in state.reason:
                break
            await asyncio.sleep(0.1)
        assert "Backups is degraded" in titles
        assert state is not None and state.status is Health.DEGRADED
        assert "no good backup for 30 h" in state.reason and "no database" in state.reason
    finally:
        await pool.close()
        srv.stop()


async def test_a_server_back_after_a_weekend_makes_its_backup_without_alarming_the_admins(
    tmp_path: Path,
) -> None:
    """The newest backup is 60 h old when the server starts on Monday; it makes one at once. While
    that backup is being made (held here until the monitor has looked several times) the service
    says so; the admins are told nothing, neither "degraded" nor "recovered"."""
    directory = tmp_path / "backups"
    directory.mkdir()
    (directory / retention.name_for(datetime.now(UTC) - timedelta(hours=60))).write_bytes(b"old")
    db = tmp_path / "studio.sqlite3"
    store = Store(db)
    store.upsert_user("boss", "Boss", Role.ADMIN, FAST_HASHER.hash(PASSWORDS["boss"]))
    store.close()
    srv = EmbeddedServer(db, demo=False, hasher=FAST_HASHER)
    backups = srv.server.backups = Backups(db, directory)
    held = threading.Event()
    copy = backups.back_up_now

    def held_copy() -> Path:
        held.wait(10)
        return copy()

    backups.back_up_now = held_copy  # type: ignore[method-assign]
    looks = [0]
    probe = backups.probe

    async def counted() -> ServiceReport:
        looks[0] += 1
        return await probe()

    backups.probe = counted  # type: ignore[method-assign]
    srv.server.monitor.interval_s = 0.05
    srv.start()
    pool = Clients(srv)
    try:
        boss = await pool.signed_in("boss")

        def state() -> ServiceState:
            found = srv.server.services.state("backups")
            assert found is not None
            return found

        await until(lambda: state().reason.startswith("making a backup now"), what="the backup being made")
        looked = looks[0]
        await until(lambda: looks[0] >= looked + 3, what="three more looks by the monitor")
        assert state().status is Health.UNKNOWN and "60 h ago" in state().reason
        held.set()
        await until(lambda: state().status is Health.HEALTHY, what="the new backup")
        assert len(retention.backups(directory)) == 2
        titles = {n["title"] for n in (await boss.ok("notification.query", {}))["notifications"]}
        assert not {t for t in titles if t.startswith("Backups")}, titles
    finally:
        held.set()
        await pool.close()
        srv.stop()
