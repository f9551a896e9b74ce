"""The offline outbox: every user request, on disk before it goes on the wire.

Each request is written to a SQLite file (WAL, ``synchronous=FULL``) and that
write is committed before :meth:`Outbox.add` returns, so a crash, a power cut
or a closed laptop loses nothing. While online the connection sends the entry
and calls :meth:`Outbox.mark_done` when its reply arrives; while offline the
entries wait and are sent, in insertion order, once the connection is back.

An entry the server rejected is kept as ``failed`` with the error code and
message, for the user to :meth:`~Outbox.retry` (back to ``pending`` under the
SAME request id, so the server's idempotency makes a resend safe) or
:meth:`~Outbox.discard`.

If the disk is full, the file is read-only or otherwise unwritable, ``add``
raises :class:`OutboxError` with a message a user can act on; entries stored
before stay stored.

Every call is one short local SQLite statement (well under a millisecond for
typical entries; the durable commit costs one fsync). Callers on the Qt /
asyncio thread may call the methods directly, or wrap them in
``asyncio.to_thread``: an :class:`Outbox` may be used from any thread, one
call at a time (an internal lock serialises them).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

WARN_DEPTH = 10_000
"""From this many unsent entries on, the user should be told the outbox is filling up."""

EntryState = Literal["pending", "failed"]

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    rtype         TEXT NOT NULL,
    data          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
    error_code    TEXT,
    error_message TEXT
);
CREATE INDEX IF NOT EXISTS outbox_state_seq ON outbox (state, seq);
"""
_COLUMNS = "id, rtype, data, created_at, attempts, state, error_code, error_message"


class OutboxError(Exception):
    """The outbox file could not be read or written; ``reason`` says why in one word:
    ``"full"``, ``"read_only"``, ``"locked"``, ``"io"`` or ``"other"``."""

    def __init__(self, message: str, reason: str = "other") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    id: str                     # request id (uuid4 hex), kept across retries
    rtype: str                  # request type, e.g. "session.create"
    data: dict[str, Any]        # request data, as it will be sent
    created_at: str             # ISO 8601 UTC, e.g. "2026-11-25T09:30:00.123456Z"
    attempts: int               # how many times it was handed to the wire
    state: EntryState
    error_code: str | None = None
    error_message: str | None = None


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _reason(exc: sqlite3.Error) -> tuple[str, str]:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "full" in text:
        return "full", "the disk is full"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return "read_only", "the file or its folder is read-only"
    if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED") or "locked" in text:
        return "locked", "another program is holding the file"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk i/o" in text or "unable to open" in text:
        return "io", "the file cannot be written"
    return "other", str(exc)


class Outbox:
    """A durable FIFO of requests waiting for (or refused by) the server."""

    def __init__(self, path: str | Path, *, now: Callable[[], str] = _now_text,
                 busy_timeout: float = 2.0) -> None:
        self.path = Path(path)
        self._now = now
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(str(self.path), isolation_level=None,
                                       check_same_thread=False, timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise self._error("open", exc) from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > _SCHEMA_VERSION:
                raise OutboxError(f"the outbox at {self.path} was written by a newer version of the app")
            self._db.executescript(_SCHEMA)
            if version < _SCHEMA_VERSION:
                self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")
        except sqlite3.Error as exc:
            self._db.close()
            raise self._error("open", exc) from exc
        except OutboxError:
            self._db.close()
            raise

    # -- lifecycle -------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------
    def add(self, rtype: str, data: dict[str, Any]) -> OutboxEntry:
        """Store a new request and return it; it is on disk when this returns.

        Raises :class:`OutboxError` if it cannot be stored (nothing else is lost),
        or ``TypeError`` / ``ValueError`` if ``data`` is not JSON-serialisable.
        """
        payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        entry = OutboxEntry(id=uuid.uuid4().hex, rtype=rtype, data=json.loads(payload),
                            created_at=self._now(), attempts=0, state="pending")
        with self._write("save the request to"):
            self._db.execute(
                "INSERT INTO outbox (id, rtype, data, created_at) VALUES (?, ?, ?, ?)",
                (entry.id, entry.rtype, payload, entry.created_at))
        return entry

    def add_many(self, requests: Iterable[tuple[str, dict[str, Any]]]) -> list[OutboxEntry]:
        """Store several ``(rtype, data)`` requests in one durable commit: all or none."""
        entries: list[OutboxEntry] = []
        rows: list[tuple[str, str, str, str]] = []
        for rtype, data in requests:
            payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            entry = OutboxEntry(id=uuid.uuid4().hex, rtype=rtype, data=json.loads(payload),
                                created_at=self._now(), attempts=0, state="pending")
            entries.append(entry)
            rows.append((entry.id, entry.rtype, payload, entry.created_at))
        with self._write("save the requests to"):
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "INSERT INTO outbox (id, rtype, data, created_at) VALUES (?, ?, ?, ?)", rows)
            self._db.execute("COMMIT")
        return entries

    def record_attempt(self, request_id: str) -> int:
        """Count one more send of the entry; returns the new count (0 if it is gone)."""
        with self._write("update"):
            self._db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (request_id,))
            row = self._db.execute("SELECT attempts FROM outbox WHERE id = ?", (request_id,)).fetchone()
        return int(row[0]) if row else 0

    def mark_done(self, request_id: str) -> bool:
        """The server replied: forget the entry. False if it was not there."""
        return self._delete(request_id)

    def discard(self, request_id: str) -> bool:
        """The user gave up on the entry: forget it. False if it was not there."""
        return self._delete(request_id)

    def mark_failed(self, request_id: str, code: str, message: str) -> bool:
        """The server refused the request: keep it as failed, with the reason."""
        with self._write("update"):
            cur = self._db.execute(
                "UPDATE outbox SET state = 'failed', error_code = ?, error_message = ? WHERE id = ?",
                (code, message, request_id))
        return cur.rowcount > 0

    def retry(self, request_id: str) -> bool:
        """Put a failed entry back in line, same request id, same place in the order."""
        with self._write("update"):
            cur = self._db.execute(
                "UPDATE outbox SET state = 'pending', error_code = NULL, error_message = NULL "
                "WHERE id = ? AND state = 'failed'", (request_id,))
        return cur.rowcount > 0

    # -- reading -----------------------------------------------------------------
    def get(self, request_id: str) -> OutboxEntry | None:
        rows = self._select(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (request_id,))
        return rows[0] if rows else None

    def pending(self, limit: int | None = None) -> list[OutboxEntry]:
        """Entries waiting to be sent, oldest first (``limit`` for a first batch)."""
        return self._select(f"SELECT {_COLUMNS} FROM outbox WHERE state = 'pending' ORDER BY seq "
                            "LIMIT ?", (-1 if limit is None else limit,))

    def failed(self) -> list[OutboxEntry]:
        """Entries the server refused, oldest first."""
        return self._select(f"SELECT {_COLUMNS} FROM outbox WHERE state = 'failed' ORDER BY seq", ())

    @property
    def depth(self) -> int:
        """How many entries are stored, pending and failed."""
        with self._read():
            return int(self._db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])

    def should_warn(self) -> bool:
        """True from :data:`WARN_DEPTH` stored entries on: tell the user."""
        return self.depth >= WARN_DEPTH

    # -- internals ------------------------------------------------------------------
    def _delete(self, request_id: str) -> bool:
        with self._write("update"):
            cur = self._db.execute("DELETE FROM outbox WHERE id = ?", (request_id,))
        return cur.rowcount > 0

    def _select(self, sql: str, params: tuple[object, ...]) -> list[OutboxEntry]:
        with self._read():
            rows = self._db.execute(sql, params).fetchall()
        return [OutboxEntry(id=r[0], rtype=r[1], data=json.loads(r[2]), created_at=r[3],
                            attempts=int(r[4]), state=r[5], error_code=r[6], error_message=r[7])
                for r in rows]

    @contextmanager
    def _write(self, doing: str) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.rollback()
                raise self._error(doing, exc) from exc

    @contextmanager
    def _read(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise self._error("read", exc) from exc

    def _error(self, doing: str, exc: sqlite3.Error) -> OutboxError:
        reason, why = _reason(exc)
        return OutboxError(f"cannot {doing} the offline outbox at {self.path}: {why}", reason)
