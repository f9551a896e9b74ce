"""Daily backups while serving (``serve --backup-dir``) and their health probe.

At start and then every ``check_s`` the service makes a backup when the newest
good one is a day old (or there is none), prunes by :mod:`.retention`, and
reports as the monitor's ``backups`` service: the last backup's time and size;
``degraded`` once the newest good one is over :data:`STALE_AFTER` old (the
monitor then notifies the admins, as for any service that degrades) — except
while the first backup since start is being made, for up to :data:`MAKING_S`:
a studio whose server was off over a weekend starts on Monday with a backup
60 hours old and makes a new one at once, and its admins were told "Backups is
degraded" and "recovered" within a second of each other every Monday.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..monitor.services import Health, ServiceReport
from . import files, retention

log = logging.getLogger(__name__)

EVERY = timedelta(hours=24)
STALE_AFTER = timedelta(hours=26)
#: How long a backup being made keeps a stale one from being reported (a copy takes seconds; one
#: still running after this is news of its own).
MAKING_S = 600.0
LABEL = "Backups"


class Backups:
    def __init__(self, db: Path, directory: Path, *, check_s: float = 600.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.db = db
        self.directory = directory
        self.check_s = check_s
        self.clock = clock
        self.last_error: str | None = None
        #: When the backup being made now was started (monotonic seconds), None between backups.
        self.making_since: float | None = None
        #: Whether a backup was tried since start (a stale one is reported at once after that).
        self.tried = False
        self._task: asyncio.Task[None] | None = None

    def newest(self) -> tuple[datetime, Path] | None:
        found = retention.backups(self.directory) if self.directory.is_dir() else []
        return found[0] if found else None

    def due(self) -> bool:
        newest = self.newest()
        return newest is None or self.clock() - newest[0] >= EVERY

    def back_up_now(self) -> Path:
        """Make a backup and prune old ones (blocking: run it off the loop)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        dest = self.directory / retention.name_for(self.clock())
        started = time.monotonic()
        size = files.backup(self.db, dest)
        gone = retention.prune(self.directory)
        log.info("backed up %s to %s (%d bytes, %.1f s; %d old backup(s) removed)", self.db, dest, size,
                 time.monotonic() - started, len(gone))
        return dest

    async def tick(self) -> None:
        if not self.due():
            return
        self.making_since = time.monotonic()
        try:
            await asyncio.to_thread(self.back_up_now)
            self.last_error = None
        except (files.BackupError, OSError) as exc:
            self.last_error = str(exc)
            log.error("backup failed: %s", exc)
        finally:
            self.making_since = None
            self.tried = True

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        while task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=0.2)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("backup round failed")
            await asyncio.sleep(self.check_s)

    async def probe(self) -> ServiceReport:
        newest = self.newest()
        error = f"; the last attempt failed: {self.last_error}" if self.last_error else ""
        making = (not self.tried and self.making_since is not None
                  and time.monotonic() - self.making_since < MAKING_S)
        if newest is None:
            if making:
                return ServiceReport(Health.UNKNOWN, f"making the first backup in {self.directory}")
            return ServiceReport(Health.DEGRADED, f"no backup in {self.directory} yet{error}")
        made, path = newest
        age = self.clock() - made
        size = path.stat().st_size if path.exists() else 0
        figures = {"last_backup_at": made.timestamp(), "last_backup_bytes": size,
                   "last_backup_age_h": round(age.total_seconds() / 3600, 2)}
        said = f"last backup {made:%Y-%m-%d %H:%M} UTC, {size / 1e6:.1f} MB ({path.name})"
        if age > STALE_AFTER:
            hours = age.total_seconds() / 3600
            if making:
                reason = f"making a backup now; {said}, {hours:.0f} h ago"
                return ServiceReport(Health.UNKNOWN, reason, figures)
            return ServiceReport(Health.DEGRADED, f"no good backup for {hours:.0f} h: {said}{error}", figures)
        return ServiceReport(Health.HEALTHY, said + error, figures)
