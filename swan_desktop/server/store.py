"""Synchronous store: directory, sessions, users, tokens, events and the request log.

One :class:`Store` is used from one thread at a time (the server runs it on a
dedicated worker thread, see :mod:`.worker`). Mutations go through
:meth:`Store.transaction`, which commits the change, its event rows and its
request-log reply together, and hands the new events to ``on_events`` after
the commit — in ``seq`` order, because there is only one writer.

On PostgreSQL several servers may share the database: the write lock of
:func:`.storage.dialect.begin_write` makes them one writer between them, so
``seq`` order is commit order. Each store hands ``on_events`` every event in
``seq`` order, its own and the other instances' (read from the events table
by :meth:`Store.catch_up`), each once; :attr:`HubEvent.local` tells its own.

Queries are SQLAlchemy Core over the tables in :mod:`.tables`; what is
particular to SQLite is behind :mod:`.storage.dialect`. Features query their
own tables through :attr:`Store.db`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from ..domain import rooms
from ..protocol.entities import Client, Location, Role, Session, SessionType, Status, Trainer, User
from ..protocol.frames import Event
from ..protocol.timefmt import format_ts, now_utc, parse_ts
from ..protocol.validation import LONGEST_SESSION
from . import db
from .clients.tables import credit_ledger
from .storage import dialect
from .tables import (
    clients,
    events,
    locations,
    meta,
    request_log,
    session_types,
    sessions,
    tokens,
    trainers,
    users,
)
from .wire import event_bytes, stored_json, text_frame, wire_bytes

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
    #: ``payload`` framed as a WebSocket text frame, once for every recipient without extensions.
    frame: bytes = field(default=b"", init=False, compare=False, repr=False)
    #: Committed by this server (False: read back from the events table, e.g. another instance's).
    #: Server-side reactions (notification triggers, email) act on local events only, so each
    #: event is reacted to once whichever instance committed it.
    local: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        if not self.payload:
            object.__setattr__(self, "payload", wire_bytes(self.event.to_wire()))
        object.__setattr__(self, "frame", text_frame(self.payload))

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

    def directory_wire(self) -> dict[str, Any]:
        """The account as ``directory.query`` lists it and ``user:*`` events carry it: the wire
        user, the trainer it is linked to (null: none), which is whom the schedule's notices about
        that trainer go to, and whether it may sign in (a deactivated account is told nothing)."""
        return {**self.user.to_wire(), "trainer_id": self.trainer_id, "active": self.active}


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


#: Tables :meth:`Store.count` may count.
_COUNTED: dict[str, Table] = {
    t.name: t for t in (trainers, clients, session_types, locations, sessions, users, events)
}


_SESSION_COLUMNS = tuple(c.name for c in sessions.c if c.name != "id")
_EVENT_COLUMNS = ("kind", "ts", "actor", "data", "audience")


class _RequestPath:
    """The statements every request runs, compiled once for the store's connection (see
    :class:`.storage.dialect.Prepared` for why, and what it saves; built per call, a
    Core statement cost over four times what SQLite took to run it)."""

    def __init__(self, db: Connection) -> None:
        self.session = dialect.Prepared(db, select(sessions).where(sessions.c.id == bindparam("session_id")))
        self.insert_session = dialect.Prepared(db, insert(sessions), _SESSION_COLUMNS, returning_key=True)
        self.update_session = dialect.Prepared(
            db, update(sessions).where(sessions.c.id == bindparam("session_id")), _SESSION_COLUMNS)
        #: Where the database does not number events itself (PostgreSQL), the store gives ``seq``.
        self.insert_event = dialect.Prepared(
            db, insert(events), _EVENT_COLUMNS + (("seq",) if dialect.is_postgres(db) else ()))
        log = request_log.c
        self.logged_reply = dialect.Prepared(db, select(log.reply).where(
            log.user_id == bindparam("user_id"), log.request_id == bindparam("request_id")))
        self.log_reply = dialect.Prepared(db, dialect.upsert(request_log, ("reply", "created_at")),
                                          ("user_id", "request_id", "reply", "created_at"))


def _session_from_row(row: Mapping[str, Any] | RowMapping) -> Session:
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


#: A ``sessions`` row as a :class:`Session` (for features reading sessions with their own queries).
session_from_row = _session_from_row

#: How long a time is in the form the store writes it (``2031-03-03T10:00:00Z``).
_WIRE_TIME_LENGTH = 20


def _wire_time(text: str | None) -> str | None:
    """A stored time as the wire writes it: as stored when it is already in that form (the store
    writes it so), else parsed and written again."""
    if not text:
        return None
    if len(text) == _WIRE_TIME_LENGTH and text[-1] == "Z":
        return text
    return format_ts(parse_ts(text))


def session_wire_from_row(row: Mapping[str, Any] | RowMapping) -> dict[str, Any]:
    """A ``sessions`` row straight to what ``session_from_row(row).to_wire()`` gives, without
    parsing its times into datetimes and writing them out again: a page of 1,500 sessions spent
    most of its time there."""
    return {
        "id": row["id"],
        "start": _wire_time(row["start"]),
        "end": _wire_time(row["end"]),
        "trainer_id": row["trainer_id"],
        "client_id": row["client_id"],
        "client_name": row["client_name"],
        "location": row["location"],
        "session_type_id": row["session_type_id"],
        "status": Status(row["status"]).value,
        "notes": row["notes"],
        "version": row["version"],
        "updated_at": _wire_time(row["updated_at"]),
        "updated_by": row["updated_by"],
        "cancel_reason": row["cancel_reason"],
        "series_id": row["series_id"],
        "attendance": row["attendance"],
        "checked_in_at": _wire_time(row["checked_in_at"]),
    }


def _session_values(s: Session) -> dict[str, Any]:
    return {
        "start": format_ts(s.start),
        "end": format_ts(s.end),
        "trainer_id": s.trainer_id,
        "client_id": s.client_id,
        "client_name": s.client_name,
        "location": s.location,
        "session_type_id": s.session_type_id,
        "status": s.status.value,
        "notes": s.notes,
        "cancel_reason": s.cancel_reason,
        "series_id": s.series_id,
        "attendance": s.attendance,
        "checked_in_at": format_ts(s.checked_in_at) if s.checked_in_at else None,
        "version": s.version,
        "updated_at": format_ts(s.updated_at) if s.updated_at else None,
        "updated_by": s.updated_by,
    }


def _account(row: RowMapping) -> Account:
    return Account(
        row["id"], row["username"], row["name"], Role(row["role"]), row["password_hash"], row["trainer_id"],
        bool(row["active"]),
    )


def _trainer(r: RowMapping) -> Trainer:
    return Trainer(r["id"], r["name"], tuple(json.loads(r["specialties"])), r["color"])


def _client(r: RowMapping) -> Client:
    return Client(r["id"], r["name"], r["credits"], r["source"])


def _session_type(r: RowMapping) -> SessionType:
    return SessionType(r["id"], r["name"], r["duration_min"], r["color"], r["credits"])




def _overlapping(start: datetime, end: datetime, trainer_id: int | None,
                 after: tuple[datetime, int] | None, limit: int | None) -> Select[Any]:
    """Sessions overlapping ``[start, end)`` ordered by start and id (after ``after``, at most
    ``limit``). A session lasts at most :data:`LONGEST_SESSION`, so only those starting that long
    before ``start`` are looked at: the start index is read from there, not from the first
    session the studio ever had."""
    query = select(sessions).where(sessions.c.start < format_ts(end), sessions.c.end > format_ts(start),
                                   sessions.c.start >= format_ts(start - LONGEST_SESSION))
    if trainer_id is not None:
        query = query.where(sessions.c.trainer_id == trainer_id)
    if after is not None:
        at, last = format_ts(after[0]), after[1]
        later = or_(sessions.c.start > at, and_(sessions.c.start == at, sessions.c.id > last))
        query = query.where(later)
    query = query.order_by(sessions.c.start, sessions.c.id)
    if limit is not None:
        query = query.limit(limit)
    return query


class Store:
    """All persistent state of one server, over one database connection."""

    def __init__(self, path: str | Path, *, reading: bool = False) -> None:
        #: The database: a SQLite file's path, or a ``postgresql://`` URL (see :attr:`target`).
        self.target = str(path)
        self.path = Path(path)
        #: Only reads (:mod:`.reader`): opened on a database the writing store has made.
        self.reading = reading
        self._engine, self._db = self._connect()
        self._hot = _RequestPath(self._db)
        self._prepared: dict[tuple[int, tuple[str, ...] | None, bool], tuple[Any, dialect.Prepared]] = {}
        self.epoch: str = self._meta("epoch")
        #: The last seq handed to ``on_events`` (events after it are the next to hand over).
        self.published = self.head_seq()
        #: Called (on the store's thread) with the events of each commit, in seq order.
        self.on_events: Callable[[list[HubEvent]], None] | None = None
        #: The events of the open :meth:`group` so far (None outside one).
        self._group: list[HubEvent] | None = None
        self._savepoints = 0

    @property
    def shared(self) -> bool:
        """Whether other server instances may write to this database too (PostgreSQL)."""
        return dialect.is_postgres(self._db)

    @property
    def db(self) -> Connection:
        """The connection features query their own tables through (SQLAlchemy Core).

        Use it only on the store's thread (inside ``AsyncStore.run``), and write
        only inside :meth:`transaction`, so a feature's rows commit with the
        change and the events they belong to. Each statement outside a
        transaction runs on its own. Build statements from the ``tables``
        modules; what is SQLite-only goes through :mod:`.storage.dialect`.
        """
        return self._db

    def sql(self, statement: Any, columns: Sequence[str] | None = None, *,
            returning_key: bool = False) -> dialect.Prepared:
        """``statement`` compiled once for this store's connection, to run straight on its driver
        (``.run/.first/.all/.scalar(store.db, values)``): for the statements features run on every
        change (build each once, at import; an insert names the ``columns`` it is given).

        SQLAlchemy's general execution costs several times what the database takes for a short
        statement; this is :class:`.storage.dialect.Prepared`, the way the store's own request path
        runs. Rows come back as the driver gives them (no SQLAlchemy type processing: the tables
        hold integers, text and floats)."""
        key = (id(statement), tuple(columns) if columns is not None else None, returning_key)
        held = self._prepared.get(key)
        if held is None:
            # The statement is kept with its compiled form, so its id is not reused while cached.
            held = (statement, dialect.Prepared(self._db, statement, columns, returning_key=returning_key))
            self._prepared[key] = held
        return held[1]

    # -- plumbing ---------------------------------------------------------
    def close(self) -> None:
        self._db.close()
        self._engine.dispose()

    def revive(self) -> bool:
        """Reconnect when the database connection was lost (PostgreSQL restarted); True if it did.

        Raises the driver's error while the database is still away."""
        if not dialect.connection_lost(self._db):
            return False
        if not self._db.closed:
            with contextlib.suppress(*dialect.ERRORS):
                self._db.invalidate()  # what SQLAlchemy still thinks is open goes with the dead connection
            with contextlib.suppress(*dialect.ERRORS):
                self._db.close()
            self._engine.dispose()
        self._engine, self._db = self._connect()
        self._hot = _RequestPath(self._db)
        self._prepared = {}
        return True

    def _connect(self) -> tuple[Any, Connection]:
        return db.connect_reading(self.target) if self.reading else db.connect(self.target)

    def _meta(self, key: str) -> str:
        value = self._db.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        return str(value) if value is not None else ""

    def ping(self) -> bool:
        return self._db.execute(select(1)).scalar() == 1

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction; its events get their ``seq`` and are published after commit.

        Inside :meth:`group` it is a savepoint instead: when the block raises, only its own
        writes and events are undone, and its events are published with the group's commit.
        """
        if self._group is not None:
            with self._savepoint() as tx:
                yield tx
            return
        tx = Tx()
        with dialect.write_transaction(self._db):
            yield tx
            written = self._write_events(tx.events)
            if written:
                dialect.events_written(self._db, written[-1].event.seq)
        if written:
            self._hand_over(written)

    def _hand_over(self, written: list[HubEvent]) -> None:
        """Give ``on_events`` this commit's events, after any another instance committed before them."""
        first = written[0].event.seq
        if first > self.published + 1:  # another instance committed in between: those come first
            written = self.events_between(self.published, first - 1) + written
        self.published = written[-1].event.seq
        if self.on_events is not None:
            self.on_events(written)

    @contextmanager
    def group(self) -> Iterator[None]:
        """One write transaction for several changes, each a :meth:`transaction` (a savepoint)
        of its own: one commit (one flush to disk) for all of them, and their events, in
        ``seq`` order, published together after it."""
        if self._group is not None:
            raise RuntimeError("a group is already open")
        written: list[HubEvent] = []
        self._group = written
        try:
            with dialect.write_transaction(self._db):
                yield
                if written:
                    dialect.events_written(self._db, written[-1].event.seq)
        finally:
            self._group = None
        if written:
            self._hand_over(written)

    @contextmanager
    def _savepoint(self) -> Iterator[Tx]:
        assert self._group is not None
        self._savepoints += 1
        name = f"change_{self._savepoints}"
        tx = Tx()
        dialect.savepoint(self._db, name)
        try:
            yield tx
            written = self._write_events(tx.events)
        except BaseException:
            dialect.rollback_to(self._db, name)
            raise
        dialect.release(self._db, name)
        self._group.extend(written)

    def catch_up(self) -> int:
        """Hand ``on_events`` what other instances committed since the last hand-over; how many."""
        fresh = self.events_between(self.published, self.head_seq())
        if fresh:
            self.published = fresh[-1].event.seq
            if self.on_events is not None:
                self.on_events(fresh)
        return len(fresh)

    def _write_events(self, pending: Sequence[PendingEvent]) -> list[HubEvent]:
        out: list[HubEvent] = []
        ts = format_ts(now_utc())
        seq = dialect.next_seq(self._db) if pending else None
        for p in pending:
            audience = json.dumps(sorted(p.audience)) if p.audience is not None else None
            actor, data = stored_json(p.actor) if p.actor else None, stored_json(p.data)
            cursor = self._hot.insert_event.run(self._db, {
                "kind": p.kind, "ts": ts, "actor": actor, "data": data, "audience": audience, "seq": seq})
            if seq is None:
                given = int(cursor.lastrowid)
            else:
                given, seq = seq, seq + 1
            # The wire frame is made from the stored JSON: each event's data is encoded once.
            payload = event_bytes(self.epoch, given, p.kind, ts, actor, data)
            out.append(HubEvent(Event(self.epoch, given, p.kind, ts, p.actor, p.data), p.audience, payload))
        return out

    # -- events -----------------------------------------------------------
    def head_seq(self) -> int:
        return dialect.head_seq(self._db, events)

    def pruned_through(self) -> int:
        return int(self._meta("pruned_through") or 0)

    def events_between(self, after: int, upto: int) -> list[HubEvent]:
        rows = self._db.execute(
            select(events).where(events.c.seq > after, events.c.seq <= upto).order_by(events.c.seq)
        ).mappings()
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
                local=False,
            )
            for r in rows
        ]

    def prune(self, keep: int = KEEP_EVENTS, prune_at: int = PRUNE_AT) -> int:
        """Drop events beyond the newest ``keep`` once more than ``prune_at`` are stored,
        and request-log replies older than the retention. Returns events dropped."""
        head = self.head_seq()
        count = self.count("events")
        cutoff = format_ts(now_utc() - REQUEST_LOG_RETENTION)
        dropped = 0
        with dialect.write_transaction(self._db):
            if count > prune_at:
                through = head - keep
                dropped = self._db.execute(delete(events).where(events.c.seq <= through)).rowcount
                self._db.execute(update(meta).where(meta.c.key == "pruned_through")
                                 .values(value=str(max(through, self.pruned_through()))))
            self._db.execute(delete(request_log).where(request_log.c.created_at < cutoff))
        return int(dropped)

    # -- request log (idempotency) -----------------------------------------
    def logged_reply(self, user_id: int, request_id: str) -> dict[str, Any] | None:
        row = self._hot.logged_reply.first(self._db, {"user_id": user_id, "request_id": request_id})
        return json.loads(row["reply"]) if row is not None else None

    def log_reply(self, user_id: int, request_id: str, reply: dict[str, Any]) -> None:
        """Record a reply; call inside :meth:`transaction`."""
        self._hot.log_reply.run(self._db, {"user_id": user_id, "request_id": request_id,
                                      "reply": stored_json(reply), "created_at": format_ts(now_utc())})

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
                self._db.execute(insert(users).values(
                    username=username, name=name, role=role.value, password_hash=password_hash,
                    trainer_id=trainer_id))
            else:
                self._db.execute(update(users).where(users.c.id == existing.id).values(
                    name=name, role=role.value, password_hash=password_hash,
                    trainer_id=func.coalesce(trainer_id, users.c.trainer_id)))
        account = self.account_by_username(username)
        assert account is not None
        return account, existing is None

    def account_by_username(self, username: str) -> Account | None:
        row = self._db.execute(select(users).where(users.c.username == username)).mappings().first()
        return _account(row) if row else None

    def accounts(self) -> list[Account]:
        return [_account(r) for r in self._db.execute(select(users).order_by(users.c.id)).mappings()]

    def account(self, user_id: int) -> Account | None:
        row = self._db.execute(select(users).where(users.c.id == user_id)).mappings().first()
        return _account(row) if row else None

    def add_token(self, token_hash: str, user_id: int, expires_at: datetime) -> None:
        with self.transaction():
            self._db.execute(insert(tokens).values(
                token_hash=token_hash, user_id=user_id, expires_at=format_ts(expires_at),
                created_at=format_ts(now_utc())))

    def token(self, token_hash: str) -> tuple[Account, datetime] | None:
        row = self._db.execute(select(tokens.c.user_id, tokens.c.expires_at)
                               .where(tokens.c.token_hash == token_hash)).mappings().first()
        if row is None:
            return None
        account = self.account(row["user_id"])
        return (account, parse_ts(row["expires_at"])) if account else None

    def delete_token(self, token_hash: str) -> None:
        with self.transaction():
            self._db.execute(delete(tokens).where(tokens.c.token_hash == token_hash))

    def delete_user_tokens(self, user_id: int) -> None:
        """Revoke every token of a user (call inside or outside a transaction)."""
        self._db.execute(delete(tokens).where(tokens.c.user_id == user_id))

    # -- directory -------------------------------------------------------------
    def _insert(self, table: Table, **values: Any) -> int:
        with self.transaction():
            result = self._db.execute(insert(table).values(**values))
        return dialect.new_id(result)

    def add_trainer(self, name: str, specialties: Sequence[str] = (), color: str = "#607d8b") -> Trainer:
        new_id = self._insert(trainers, name=name, specialties=json.dumps(list(specialties)), color=color)
        return Trainer(new_id, name, tuple(specialties), color)

    def add_client(self, name: str, credits: int = 0, source: str = "swanstudios") -> Client:
        """A client (seeds and tests); credits given arrive as an ``opening`` ledger row, so the
        balance is the ledger's sum (see server/clients/ledger.py)."""
        now = format_ts(now_utc())
        with self.transaction():
            new_id = dialect.new_id(self._db.execute(insert(clients).values(
                name=name, credits=credits, source=source, created_at=now,
                search_text=" ".join(name.lower().split()))))
            if credits:
                self._db.execute(insert(credit_ledger).values(
                    client_id=new_id, delta=credits, balance_after=credits, reason="opening", at=now))
        return Client(new_id, name, credits, source)

    def add_session_type(
        self, name: str, duration_min: int = 60, color: str = "#4f8fba", credits: int = 1
    ) -> SessionType:
        new_id = self._insert(session_types, name=name, duration_min=duration_min, color=color,
                              credits=credits)
        return SessionType(new_id, name, duration_min, color, credits)

    def add_location(self, name: str) -> Location:
        return Location(self._insert(locations, name=name), name)

    def trainers(self) -> list[Trainer]:
        return [_trainer(r) for r in self._db.execute(select(trainers).order_by(trainers.c.id)).mappings()]

    def clients(self, *, after: int | None = None, limit: int | None = None) -> list[Client]:
        """Clients by id (those after ``after``, at most ``limit`` of them)."""
        query = select(clients).order_by(clients.c.id)
        if after is not None:
            query = query.where(clients.c.id > after)
        if limit is not None:
            query = query.limit(limit)
        return [_client(r) for r in self._db.execute(query).mappings()]

    def session_types(self) -> list[SessionType]:
        rows = self._db.execute(select(session_types).order_by(session_types.c.id)).mappings()
        return [_session_type(r) for r in rows]

    def locations(self) -> list[Location]:
        rows = self._db.execute(select(locations).order_by(locations.c.id)).mappings()
        return [Location(r["id"], r["name"], r["capacity"], bool(r["active"]), r["sessions_at_once"])
                for r in rows]

    def rooms_at_once(self) -> dict[str, int]:
        """The rooms that hold more than one session at the same time, by their key
        (:func:`..domain.rooms.key`): what :func:`..domain.overlap.find_clashes` is given."""
        found = self._db.execute(select(locations.c.name, locations.c.sessions_at_once)
                                 .where(locations.c.sessions_at_once > 1))
        return {rooms.key(name): int(n) for name, n in found}

    def trainer(self, trainer_id: int) -> Trainer | None:
        r = self._db.execute(select(trainers).where(trainers.c.id == trainer_id)).mappings().first()
        return _trainer(r) if r else None

    def client(self, client_id: int) -> Client | None:
        r = self._db.execute(select(clients).where(clients.c.id == client_id)).mappings().first()
        return _client(r) if r else None

    def session_type(self, type_id: int) -> SessionType | None:
        r = self._db.execute(select(session_types).where(session_types.c.id == type_id)).mappings().first()
        return _session_type(r) if r else None

    def count(self, table: str) -> int:
        if table not in _COUNTED:
            raise ValueError(table)
        return int(self._db.execute(select(func.count()).select_from(_COUNTED[table])).scalar_one())

    # -- sessions ----------------------------------------------------------------
    def session(self, session_id: int) -> Session | None:
        row = self._hot.session.first(self._db, {"session_id": session_id})
        return _session_from_row(row) if row else None

    def sessions_overlapping(
        self, start: datetime, end: datetime, trainer_id: int | None = None, *,
        after: tuple[datetime, int] | None = None, limit: int | None = None,
    ) -> list[Session]:
        """Sessions overlapping ``[start, end)`` ordered by start and id; with ``after`` only those
        ordered after that (start, id), and at most ``limit`` of them."""
        query = _overlapping(start, end, trainer_id, after, limit)
        return [_session_from_row(r) for r in self._db.execute(query).mappings()]

    def session_wires_overlapping(
        self, start: datetime, end: datetime, trainer_id: int | None = None, *,
        after: tuple[datetime, int] | None = None, limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """:meth:`sessions_overlapping` in wire form, read straight from the rows (a schedule page)."""
        query = _overlapping(start, end, trainer_id, after, limit)
        return [session_wire_from_row(r) for r in self._db.execute(query).mappings()]

    def insert_session(self, s: Session) -> Session:
        """Insert ``s`` (its ``id`` is ignored); call inside :meth:`transaction` or alone."""
        cursor = self._hot.insert_session.run(self._db, _session_values(s))
        return s.with_changes(id=self._hot.insert_session.new_id(cursor))

    def replace_session(self, s: Session) -> None:
        self._hot.update_session.run(self._db, {**_session_values(s), "session_id": s.id})

    def delete_session(self, session_id: int) -> None:
        self._db.execute(delete(sessions).where(sessions.c.id == session_id))

    def insert_sessions(self, sessions: Sequence[Session]) -> None:
        """Bulk insert without events (used to seed a new studio)."""
        with self.transaction():
            for s in sessions:
                self.insert_session(s)
