"""Synchronous SQLite store: directory, sessions, users, tokens, events and the request log.

One :class:`Store` is used from one thread at a time (the server runs it on a
dedicated worker thread, see :mod:`.worker`). Mutations go through
:meth:`Store.transaction`, which commits the change, its event rows and its
request-log reply together, and hands the new events to ``on_events`` after
the commit — in ``seq`` order, because there is only one writer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..protocol.entities import Client, Location, Role, Session, SessionType, Status, Trainer, User
from ..protocol.frames import Event
from ..protocol.timefmt import format_ts, now_utc, parse_ts
from . import db
from .wire import wire_bytes

#: Events always kept for ``sync since``; older ones are pruned past ``PRUNE_AT``.
KEEP_EVENTS = 10_000
PRUNE_AT = 20_000
#: How long a mutation's reply is kept for idempotent replays.
REQUEST_LOG_RETENTION = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class HubEvent:
    """A committed event and who may see it (``audience`` None = everyone)."""

    event: Event
    audience: frozenset[int] | None = None
    #: The event's wire frame, encoded once for every recipient (filled in on creation).
    payload: bytes = field(default=b"", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.payload:
            object.__setattr__(self, "payload", wire_bytes(self.event.to_wire()))

    def visible_to(self, user_id: int) -> bool:
        return self.audience is None or user_id in self.audience


@dataclass(frozen=True, slots=True)
class Account:
    """A user row, with what the server needs beyond the wire :class:`User`."""

    id: int
    username: str
    name: str
    role: Role
    password_hash: str | None
    trainer_id: int | None = None
    #: False once an admin deactivated the account: it cannot sign in.
    active: bool = True

    @property
    def user(self) -> User:
        return User(self.id, self.name, self.role)


@dataclass(slots=True)
class PendingEvent:
    kind: str
    data: dict[str, Any]
    actor: dict[str, Any] | None = None
    audience: frozenset[int] | None = None


@dataclass(slots=True)
class Tx:
    """An open transaction: queue events to be written with it."""

    events: list[PendingEvent] = field(default_factory=list)

    def emit(
        self,
        kind: str,
        data: dict[str, Any],
        actor: User | None = None,
        audience: frozenset[int] | None = None,
    ) -> None:
        wire_actor = {"id": actor.id, "name": actor.name} if actor else None
        self.events.append(PendingEvent(kind, data, wire_actor, audience))


_SESSION_COLS = (
    "start",
    "end",
    "trainer_id",
    "client_id",
    "client_name",
    "location",
    "session_type_id",
    "status",
    "notes",
    "cancel_reason",
    "series_id",
    "attendance",
    "checked_in_at",
    "version",
    "updated_at",
    "updated_by",
)


def _session_from_row(row: sqlite3.Row) -> Session:
    return Session(
        id=row["id"],
        start=parse_ts(row["start"]),
        end=parse_ts(row["end"]),
        trainer_id=row["trainer_id"],
        client_id=row["client_id"],
        client_name=row["client_name"],
        location=row["location"],
        session_type_id=row["session_type_id"],
        status=Status(row["status"]),
        notes=row["notes"],
        version=row["version"],
        updated_at=parse_ts(row["updated_at"]) if row["updated_at"] else None,
        updated_by=row["updated_by"],
        cancel_reason=row["cancel_reason"],
        series_id=row["series_id"],
        attendance=row["attendance"],
        checked_in_at=parse_ts(row["checked_in_at"]) if row["checked_in_at"] else None,
    )


def _session_values(s: Session) -> tuple[Any, ...]:
    return (
        format_ts(s.start),
        format_ts(s.end),
        s.trainer_id,
        s.client_id,
        s.client_name,
        s.location,
        s.session_type_id,
        s.status.value,
        s.notes,
        s.cancel_reason,
        s.series_id,
        s.attendance,
        format_ts(s.checked_in_at) if s.checked_in_at else None,
        s.version,
        format_ts(s.updated_at) if s.updated_at else None,
        s.updated_by,
    )


def _account(row: sqlite3.Row) -> Account:
    return Account(
        row["id"], row["username"], row["name"], Role(row["role"]), row["password_hash"], row["trainer_id"],
        bool(row["active"]),
    )


class Store:
    """All persistent state of one server, over one SQLite connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn = db.connect(path)
        self.epoch: str = self._meta("epoch")
        #: Called (on the store's thread) with the events of each commit, in seq order.
        self.on_events: Callable[[list[HubEvent]], None] | None = None

    # -- plumbing ---------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def _meta(self, key: str) -> str:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row["value"]) if row else ""

    def ping(self) -> bool:
        return self._conn.execute("SELECT 1").fetchone()[0] == 1

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction; its events get their ``seq`` and are published after commit."""
        tx = Tx()
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield tx
            written = self._write_events(tx.events)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        if written and self.on_events is not None:
            self.on_events(written)

    def _write_events(self, pending: Sequence[PendingEvent]) -> list[HubEvent]:
        out: list[HubEvent] = []
        ts = format_ts(now_utc())
        for p in pending:
            audience = json.dumps(sorted(p.audience)) if p.audience is not None else None
            cur = self._conn.execute(
                "INSERT INTO events(kind, ts, actor, data, audience) VALUES (?, ?, ?, ?, ?)",
                (p.kind, ts, json.dumps(p.actor) if p.actor else None, json.dumps(p.data), audience),
            )
            seq = int(cur.lastrowid or 0)
            out.append(HubEvent(Event(self.epoch, seq, p.kind, ts, p.actor, p.data), p.audience))
        return out

    # -- events -----------------------------------------------------------
    def head_seq(self) -> int:
        row = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
        return int(row[0]) if row else 0

    def pruned_through(self) -> int:
        return int(self._meta("pruned_through") or 0)

    def events_between(self, after: int, upto: int) -> list[HubEvent]:
        rows = self._conn.execute(
            "SELECT seq, kind, ts, actor, data, audience FROM events WHERE seq > ? AND seq <= ? ORDER BY seq",
            (after, upto),
        ).fetchall()
        return [
            HubEvent(
                Event(
                    self.epoch,
                    r["seq"],
                    r["kind"],
                    r["ts"],
                    json.loads(r["actor"]) if r["actor"] else None,
                    json.loads(r["data"]),
                ),
                frozenset(json.loads(r["audience"])) if r["audience"] is not None else None,
            )
            for r in rows
        ]

    def prune(self, keep: int = KEEP_EVENTS, prune_at: int = PRUNE_AT) -> int:
        """Drop events beyond the newest ``keep`` once more than ``prune_at`` are stored,
        and request-log replies older than the retention. Returns events dropped."""
        head = self.head_seq()
        count = self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        cutoff = format_ts(now_utc() - REQUEST_LOG_RETENTION)
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            dropped = 0
            if count > prune_at:
                through = head - keep
                dropped = self._conn.execute("DELETE FROM events WHERE seq <= ?", (through,)).rowcount
                self._conn.execute(
                    "UPDATE meta SET value = ? WHERE key = 'pruned_through'",
                    (str(max(through, self.pruned_through())),),
                )
            self._conn.execute("DELETE FROM request_log WHERE created_at < ?", (cutoff,))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        return int(dropped)

    # -- request log (idempotency) -----------------------------------------
    def logged_reply(self, user_id: int, request_id: str) -> dict[str, Any] | None:
        row = self._conn.execute(
            "SELECT reply FROM request_log WHERE user_id = ? AND request_id = ?", (user_id, request_id)
        ).fetchone()
        return json.loads(row["reply"]) if row else None

    def log_reply(self, user_id: int, request_id: str, reply: dict[str, Any]) -> None:
        """Record a reply; call inside :meth:`transaction`."""
        self._conn.execute(
            "INSERT OR REPLACE INTO request_log(user_id, request_id, reply, created_at) VALUES (?, ?, ?, ?)",
            (user_id, request_id, json.dumps(reply), format_ts(now_utc())),
        )

    # -- users and tokens ----------------------------------------------------
    def upsert_user(
        self, username: str, name: str, role: Role, password_hash: str | None, trainer_id: int | None = None
    ) -> tuple[Account, bool]:
        """Create the user, or update name, role and password of an existing one.

        Returns the account and whether it was newly created.
        """
        existing = self.account_by_username(username)
        with self.transaction():
            if existing is None:
                self._conn.execute(
                    "INSERT INTO users(username, name, role, password_hash, trainer_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (username, name, role.value, password_hash, trainer_id),
                )
            else:
                self._conn.execute(
                    "UPDATE users SET name = ?, role = ?, password_hash = ?, "
                    "trainer_id = COALESCE(?, trainer_id) WHERE id = ?",
                    (name, role.value, password_hash, trainer_id, existing.id),
                )
        account = self.account_by_username(username)
        assert account is not None
        return account, existing is None

    def account_by_username(self, username: str) -> Account | None:
        row = self._conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone()
        return _account(row) if row else None

    def accounts(self) -> list[Account]:
        return [_account(r) for r in self._conn.execute("SELECT * FROM users ORDER BY id")]

    def account(self, user_id: int) -> Account | None:
        row = self._conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return _account(row) if row else None

    def add_token(self, token_hash: str, user_id: int, expires_at: datetime) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT INTO tokens(token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
                (token_hash, user_id, format_ts(expires_at), format_ts(now_utc())),
            )

    def token(self, token_hash: str) -> tuple[Account, datetime] | None:
        row = self._conn.execute(
            "SELECT user_id, expires_at FROM tokens WHERE token_hash = ?", (token_hash,)
        ).fetchone()
        if row is None:
            return None
        account = self.account(row["user_id"])
        return (account, parse_ts(row["expires_at"])) if account else None

    def delete_token(self, token_hash: str) -> None:
        with self.transaction():
            self._conn.execute("DELETE FROM tokens WHERE token_hash = ?", (token_hash,))

    # -- directory -------------------------------------------------------------
    def add_trainer(self, name: str, specialties: Sequence[str] = (), color: str = "#607d8b") -> Trainer:
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO trainers(name, specialties, color) VALUES (?, ?, ?)",
                (name, json.dumps(list(specialties)), color),
            )
        return Trainer(int(cur.lastrowid or 0), name, tuple(specialties), color)

    def add_client(self, name: str, credits: int = 0, source: str = "swanstudios") -> Client:
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO clients(name, credits, source) VALUES (?, ?, ?)", (name, credits, source)
            )
        return Client(int(cur.lastrowid or 0), name, credits, source)

    def add_session_type(
        self, name: str, duration_min: int = 60, color: str = "#4f8fba", credits: int = 1
    ) -> SessionType:
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO session_types(name, duration_min, color, credits) VALUES (?, ?, ?, ?)",
                (name, duration_min, color, credits),
            )
        return SessionType(int(cur.lastrowid or 0), name, duration_min, color, credits)

    def add_location(self, name: str) -> Location:
        with self.transaction():
            cur = self._conn.execute("INSERT INTO locations(name) VALUES (?)", (name,))
        return Location(int(cur.lastrowid or 0), name)

    def trainers(self) -> list[Trainer]:
        return [
            Trainer(r["id"], r["name"], tuple(json.loads(r["specialties"])), r["color"])
            for r in self._conn.execute("SELECT * FROM trainers ORDER BY id")
        ]

    def clients(self) -> list[Client]:
        return [
            Client(r["id"], r["name"], r["credits"], r["source"])
            for r in self._conn.execute("SELECT * FROM clients ORDER BY id")
        ]

    def session_types(self) -> list[SessionType]:
        return [
            SessionType(r["id"], r["name"], r["duration_min"], r["color"], r["credits"])
            for r in self._conn.execute("SELECT * FROM session_types ORDER BY id")
        ]

    def locations(self) -> list[Location]:
        return [
            Location(r["id"], r["name"]) for r in self._conn.execute("SELECT * FROM locations ORDER BY id")
        ]

    def trainer(self, trainer_id: int) -> Trainer | None:
        return next((t for t in self.trainers() if t.id == trainer_id), None)

    def client(self, client_id: int) -> Client | None:
        r = self._conn.execute("SELECT * FROM clients WHERE id = ?", (client_id,)).fetchone()
        return Client(r["id"], r["name"], r["credits"], r["source"]) if r else None

    def session_type(self, type_id: int) -> SessionType | None:
        r = self._conn.execute("SELECT * FROM session_types WHERE id = ?", (type_id,)).fetchone()
        return SessionType(r["id"], r["name"], r["duration_min"], r["color"], r["credits"]) if r else None

    def count(self, table: str) -> int:
        if table not in {"trainers", "clients", "session_types", "locations", "sessions", "users", "events"}:
            raise ValueError(table)
        return int(self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    # -- sessions ----------------------------------------------------------------
    def session(self, session_id: int) -> Session | None:
        row = self._conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return _session_from_row(row) if row else None

    def sessions_overlapping(
        self, start: datetime, end: datetime, trainer_id: int | None = None
    ) -> list[Session]:
        sql = 'SELECT * FROM sessions WHERE start < ? AND "end" > ?'
        args: list[Any] = [format_ts(end), format_ts(start)]
        if trainer_id is not None:
            sql += " AND trainer_id = ?"
            args.append(trainer_id)
        return [_session_from_row(r) for r in self._conn.execute(sql + " ORDER BY start, id", args)]

    def insert_session(self, s: Session) -> Session:
        """Insert ``s`` (its ``id`` is ignored); call inside :meth:`transaction` or alone."""
        cols = ", ".join(f'"{c}"' for c in _SESSION_COLS)
        marks = ", ".join("?" for _ in _SESSION_COLS)
        cur = self._conn.execute(f"INSERT INTO sessions({cols}) VALUES ({marks})", _session_values(s))
        return s.with_changes(id=int(cur.lastrowid or 0))

    def replace_session(self, s: Session) -> None:
        sets = ", ".join(f'"{c}" = ?' for c in _SESSION_COLS)
        self._conn.execute(f"UPDATE sessions SET {sets} WHERE id = ?", (*_session_values(s), s.id))

    def delete_session(self, session_id: int) -> None:
        self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))

    def insert_sessions(self, sessions: Sequence[Session]) -> None:
        """Bulk insert without events (used to seed a new studio)."""
        with self.transaction():
            for s in sessions:
                self.insert_session(s)
