"""Backing up and restoring one database file.

- :func:`backup` copies with SQLite's online backup API (a consistent snapshot
  while a server keeps writing), into a temporary name renamed into place once
  the copy passed ``PRAGMA quick_check``;
- :func:`restore` checks the copy first (``PRAGMA integrity_check``, ours, a
  schema this release knows), refuses while a server holds the database (see
  :class:`ServerLock`), gives the copy a new event epoch and ends every sign-in
  (:mod:`.restored`), keeps the file it replaces beside it
  (``<name>.before-restore-<UTC stamp>``) and removes the old WAL files so
  none of them is replayed over the restored data;
- :class:`ServerLock` is an exclusive OS lock (``flock``; ``msvcrt.locking`` on
  Windows) on ``<db>.lock``, held by a running server for its whole life. The
  OS drops it when the process ends, so a crash leaves no stale lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ..storage import dialect, migrate
from .restored import StartedOver, start_over


class BackupError(Exception):
    """A backup or a restore could not be made (the message says why, in words)."""


def lock_path(db: str | Path) -> Path:
    db = Path(db)
    return db.with_name(f"{db.name}.lock")


class ServerLock:
    """The running server's claim on its database file (``<db>.lock``)."""

    def __init__(self, db: str | Path) -> None:
        self.path = lock_path(db)
        self._file: IO[bytes] | None = None

    def acquire(self) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open while locked
        try:
            _lock(handle)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                _unlock(self._file)
            self._file.close()
            self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _check(path: Path, pragma: str) -> str:
    return dialect.file_check(path, pragma)


def backup(db: str | Path, dest: str | Path) -> int:
    """A consistent copy of ``db`` at ``dest`` (works while a server writes to it); its size in bytes."""
    db, dest = Path(db), Path(dest)
    if not db.exists():
        raise BackupError(f"no database at {db}")
    if dest.exists():
        raise BackupError(f"{dest} exists already; give a new file name")
    partial = dest.with_name(f"{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        dialect.backup(db, partial)
        verdict = _check(partial, "quick_check")
        if verdict != "ok":
            raise BackupError(f"the copy failed its check: {verdict}")
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        raise BackupError(f"could not back up {db}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return dest.stat().st_size


def check_restorable(source: Path) -> None:
    """Refuse a file that is damaged, not ours, or from a newer release."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    verdict = _check(source, "integrity_check")
    if verdict != "ok":
        raise BackupError(f"{source} failed the integrity check: {verdict}")
    check_schema(source)


def check_schema(target: str | Path) -> None:
    """Refuse a database that is not a Swan one, or is from a newer release (an older one is fine:
    the next ``serve`` upgrades it)."""
    name = dialect.display(target)
    try:
        found = migrate.state(target)
    except migrate.SchemaError as exc:
        raise BackupError(f"{name}: {exc}") from exc
    if found.empty:
        raise BackupError(f"{name} is an empty database, not a Swan one")
    reason = migrate.refusal(found)
    if reason is not None:
        raise BackupError(reason)


def restore(db: str | Path, source: str | Path,
            now: datetime | None = None) -> tuple[Path | None, StartedOver]:
    """Replace ``db`` with the backup ``source``, started over (:func:`.restored.start_over`). Returns
    where the replaced file was kept (None if there was none) and what starting over did. Refused while
    a server holds ``db``."""
    db, source = Path(db), Path(source)
    check_restorable(source)
    lock = ServerLock(db)
    if not lock.acquire():
        raise BackupError(f"a server is using {db}; stop it before restoring")
    try:
        kept: Path | None = None
        partial = db.with_name(f"{db.name}.restoring")
        partial.unlink(missing_ok=True)
        dialect.backup(source, partial)
        started = start_over(partial)
        if db.exists():
            kept = db.with_name(f"{db.name}.before-restore-{stamp(now)}")
            os.replace(db, kept)
        for suffix in ("-wal", "-shm", "-journal"):
            old = db.with_name(db.name + suffix)
            if old.exists() and kept is not None:
                os.replace(old, kept.with_name(kept.name + suffix))
            elif old.exists():
                old.unlink()
        os.replace(partial, db)
        return kept, started
    finally:
        lock.release()
