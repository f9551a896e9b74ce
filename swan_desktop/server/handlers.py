"""Request dispatch: the one registry from request type to message type and handler.

A frame is decoded, its ``data`` is decoded once into the request type's
typed message, the sender is authorised from the one permissions table, and
then either a handler answers (queries, presence, the handshake) or the
change runs through the mutation pipeline (:mod:`.pipeline`) on the store's
worker thread, in one transaction with its events and idempotency record.

:meth:`Dispatcher.register` and :meth:`Dispatcher.mutation` are the only ways
in: registering a type twice is an error.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain.permissions import allowed
from ..protocol import frames
from ..protocol.entities import Role
from ..protocol.errors import ErrorCode, ProtocolError, invalid
from ..protocol.frames import FrameError, Request, decode_request, error_frame, reply_error, reply_ok
from ..protocol.messages import Message, decode
from . import account_watch
from .connection import Connection
from .fair_share import FairShare
from .metrics import Metrics, outcome_label
from .pipeline import Pipeline
from .storage import dialect
from .store import Account, Store
from .worker import AsyncStore, GroupCommit

log = logging.getLogger(__name__)

#: Answers one request: ``handler(connection, message)`` → reply data.
Handler = Callable[[Connection, Any], Awaitable[dict[str, Any]]]
#: Adds to a query's reply on the store's thread (``extend(store, message, reply)``).
Extension = Callable[[Store, Any, dict[str, Any]], None]
#: Told of every request an authenticated connection sent (a sign of life).
Observer = Callable[[Connection], None]

#: Integers the database can hold: a request with any other is ``invalid``.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
#: Error codes that say nothing lasting about a request, so its reply is not kept.
TRANSIENT = frozenset({ErrorCode.INTERNAL, ErrorCode.RATE_LIMITED, ErrorCode.UNAUTHORIZED})

#: One mutation waiting for its group: (actor, request id, request type, message).
Mutation = tuple[Account, str, "RequestType", Message]
#: Its outcome: the reply data and the change's notes (None for a replay).
Outcome = tuple[dict[str, Any], dict[str, Any] | None]


def database_unreachable(error: BaseException) -> ProtocolError:
    """The reply to a request the database could not serve (PostgreSQL away or restarting, a lost
    connection): ``internal``, but saying so, and that resending is safe (the request id)."""
    return ProtocolError(
        ErrorCode.INTERNAL,
        f"the database is unreachable right now ({dialect.reason(error).strip().splitlines()[0][:200]}); "
        "try again in a moment: a change resent with the same request id is applied once",
        {"database": "unreachable"})


def _storable(text: str) -> bool:
    """False for strings with lone surrogates (JSON escapes allow them; UTF-8 and SQLite do not)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_unstorable(req: Request) -> None:
    """Refuse integers beyond 64 bits and strings that are not valid Unicode, naming the field.

    Iterative, because ``data`` may nest as deep as the JSON parser allows.
    """
    if not _storable(req.id):
        raise invalid("id is not valid Unicode (it holds a lone surrogate)", field="id")
    stack: list[tuple[str, Any]] = [("", req.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if not _storable(key):
                    raise invalid(f"a field name under {path or 'data'} is not valid Unicode", field=path)
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str) and not _storable(value):
            raise invalid(f"{path} is not valid Unicode (it holds a lone surrogate)", field=path)
        elif isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
            raise invalid(f"{path} is out of range (integers must fit in 64 bits)", field=path)


@dataclass(frozen=True, slots=True)
class RequestType:
    """A registered request type: its message type and how it is answered."""

    name: str
    message: type[Message] | Callable[[dict[str, Any]], Message]
    #: A handler, or None for a mutation that runs through the pipeline.
    handler: Handler | None
    #: Whether a mutation's reply is kept for idempotent replays (not when it holds a secret).
    keep_reply: bool = True

    def decode(self, data: dict[str, Any]) -> Message:
        if isinstance(self.message, type):
            return decode(self.message, data)
        return self.message(data)


class Dispatcher:
    """Turns one incoming text frame into exactly one reply (or error frame) on the connection."""

    def __init__(self, store: AsyncStore, metrics: Metrics, pipeline: Pipeline,
                 fair_share: FairShare | None = None) -> None:
        self._store = store
        #: Places on the database per account (see :mod:`.fair_share`).
        self.fair_share = fair_share if fair_share is not None else FairShare()
        self._metrics = metrics
        self.pipeline = pipeline
        self._types: dict[str, RequestType] = {}
        self._extensions: dict[str, list[Extension]] = {}
        self._observers: list[Observer] = []
        self._reacting: set[asyncio.Task[None]] = set()
        #: Mutations waiting for the worker, committed in groups (see :meth:`_execute_group`).
        self.commits: GroupCommit[Mutation, Outcome] = GroupCommit(store, self._execute_group)

    # -- registration ------------------------------------------------------------------
    def register(self, rtype: str, message: type[Message] | Callable[[dict[str, Any]], Message],
                 handler: Handler) -> None:
        """Answer ``rtype`` with ``handler(conn, message)``; the role table decides who may send it."""
        self._add(RequestType(rtype, message, handler))

    def mutation(self, rtype: str, message: type[Message], *, keep_reply: bool = True) -> None:
        """Answer ``rtype`` by running its change through the pipeline's hooks for it."""
        self._add(RequestType(rtype, message, None, keep_reply))

    def _add(self, entry: RequestType) -> None:
        if entry.name in self._types:
            raise ValueError(f"{entry.name} is already handled")
        self._types[entry.name] = entry
        self._metrics.known_types.add(entry.name)

    def extend(self, rtype: str, extension: Extension) -> None:
        """Let a feature add to ``rtype``'s reply (on the store's thread, in the same read)."""
        self._extensions.setdefault(rtype, []).append(extension)

    def extended(self, rtype: str, store: Store, msg: Message, reply: dict[str, Any]) -> dict[str, Any]:
        """Run ``rtype``'s extensions over ``reply`` (call on the store's thread)."""
        for extension in self._extensions.get(rtype, ()):
            extension(store, msg, reply)
        return reply

    def observe(self, observer: Observer) -> None:
        """Call ``observer(conn)`` for every request an authenticated connection sends."""
        self._observers.append(observer)

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._types)

    # -- entry point -------------------------------------------------------------
    async def handle(self, conn: Connection, text: str | bytes) -> None:
        began = time.perf_counter()
        retry_after = conn.bucket.take() if conn.bucket is not None else 0.0
        try:
            req = decode_request(text)
        except FrameError as err:
            if retry_after:
                self._refuse_rate(conn, err.re, retry_after, "other", began)
                return
            conn.send(reply_error(err.re, err) if err.re is not None else error_frame(err))
            self._metrics.observe("other", err.code.value, time.perf_counter() - began)
            return
        if retry_after:
            self._refuse_rate(conn, req.id, retry_after, req.type, began)
            return
        outcome = "ok"
        try:
            await self._recheck_admin(conn, req.type)
            entry, msg = self._admit(conn, req)
            data = await self._answer(conn, req, entry, msg)
        except ProtocolError as err:
            outcome = outcome_label(err)
            conn.abort_sync()
            conn.send(reply_error(req.id, err))
        except Exception as exc:
            outcome = ErrorCode.INTERNAL.value
            conn.abort_sync()
            if dialect.unreachable(exc):
                log.warning("request %s (%s): the database is unreachable: %s", req.id, req.type,
                            dialect.reason(exc))
                conn.send(reply_error(req.id, database_unreachable(exc)))
            else:
                log.exception("request %s (%s) failed", req.id, req.type)
                conn.send(reply_error(req.id, ProtocolError(ErrorCode.INTERNAL, "internal server error")))
        else:
            conn.send(reply_ok(req.id, data))
            if req.type == frames.SYNC:
                await conn.finish_sync()
        if conn.account is not None:
            for observer in self._observers:
                observer(conn)
        self._metrics.observe(req.type, outcome, time.perf_counter() - began)

    def _refuse_rate(
        self, conn: Connection, re: str | None, retry_after: float, rtype: str, began: float
    ) -> None:
        """Answer a request over the connection's rate with ``rate_limited``; the connection stays open."""
        wait = max(0.001, math.ceil(retry_after * 1000) / 1000)
        err = ProtocolError(
            ErrorCode.RATE_LIMITED, f"too many requests; retry in {wait:.3f} s", {"retry_after_s": wait}
        )
        conn.send(reply_error(re, err) if re is not None else error_frame(err))
        self._metrics.rate_limited.inc()
        self._metrics.observe(rtype, err.code.value, time.perf_counter() - began)

    async def _recheck_admin(self, conn: Connection, rtype: str) -> None:
        """Before an admin-only request, read the sender's account again: a removed or changed
        admin is refused at once, not only when the account watch comes round."""
        held = conn.account
        if held is None or allowed(Role.TRAINER, rtype) or rtype not in self._types:
            return
        await account_watch.apply(conn, await self._store.run(Store.account, held.id))
        if conn.account is None:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, "your sign-in has ended; sign in again")

    def _admit(self, conn: Connection, req: Request) -> tuple[RequestType, Message]:
        """The request's type and typed message, once the sender may send it."""
        entry = self._types.get(req.type)
        if entry is None:
            raise invalid(f"unknown request type: {req.type!r}", type=req.type)
        if conn.account is None and req.type != frames.AUTHENTICATE:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, f"authenticate before sending {req.type!r}")
        if conn.account is not None and not allowed(conn.account.role, req.type):
            raise ProtocolError(
                ErrorCode.FORBIDDEN, f"role {conn.account.role.value!r} may not send {req.type!r}"
            )
        _refuse_unstorable(req)
        return entry, entry.decode(req.data)

    async def _answer(self, conn: Connection, req: Request, entry: RequestType,
                      msg: Message) -> dict[str, Any]:
        if entry.handler is not None:
            if conn.account is None:
                return await entry.handler(conn, msg)
            async with self.fair_share.place(conn.account.id, req.type):
                return await entry.handler(conn, msg)
        assert conn.account is not None
        data, notes = await self.commits.submit((conn.account, req.id, entry, msg))
        if notes is not None:
            self._react(conn, entry, msg, data, notes)
        return data

    # -- mutations (on the store's thread) -----------------------------------------------
    def _execute_group(self, store: Store, batch: Sequence[Mutation]) -> list[Outcome | BaseException]:
        """Run every waiting mutation in ONE write transaction, each in a savepoint of its own.

        A refusal rolls back only its own change (and its events), and is kept in the
        request log like a success; the others stay. One commit, one flush to disk, for
        the whole group; the events of all its changes are published after it, in ``seq``
        order, and each caller gets its own reply after it. Should the commit fail, every
        change of the group fails with it (nothing of it was stored).
        """
        outcomes: list[Outcome | BaseException] = []
        self._metrics.commit_groups.observe(len(batch))
        with store.group():
            for actor, request_id, entry, msg in batch:
                try:
                    outcomes.append(self._execute(store, actor, request_id, entry, msg))
                except Exception as err:  # noqa: BLE001 -- its caller hears it; its savepoint is undone
                    outcomes.append(err)
        return outcomes

    def _execute(self, store: Store, actor: Account, request_id: str, entry: RequestType,
                 msg: Message) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Run one change once per (user, request id); a repeated id gets the kept reply again.

        The kept reply names its request type: the same id sent with another type is
        refused ``invalid`` (replies kept before the type was recorded are answered as before).

        The change, its events and the kept reply are one ``store.transaction()`` (in a
        group, a savepoint of the group's transaction); a lasting refusal is kept too
        (and raised). Returns the reply data and the
        change's notes for its reactions (None for a replay: it reacts no more).
        """
        if entry.keep_reply:
            logged = store.logged_reply(actor.id, request_id)
            if logged is not None:
                used_for = logged.get("type")
                if used_for is not None and used_for != entry.name:
                    raise invalid(f"id already used for {used_for}", field="id", type=used_for)
                if logged.get("ok"):
                    return dict(logged["data"]), None
                raise ProtocolError.from_wire(logged["error"])
        try:
            with store.transaction() as tx:
                change = self.pipeline.begin(store, tx, actor, entry.name, msg)
                data = self.pipeline.run(change)
                if entry.keep_reply:
                    store.log_reply(actor.id, request_id, {"type": entry.name, "ok": True, "data": data})
            return data, change.notes
        except ProtocolError as err:
            if err.code not in TRANSIENT and entry.keep_reply:
                with store.transaction():
                    store.log_reply(actor.id, request_id,
                                    {"type": entry.name, "ok": False, "error": err.to_wire()})
            raise

    def _react(self, conn: Connection, entry: RequestType, msg: Message, data: dict[str, Any],
               notes: dict[str, Any]) -> None:
        """Start the request type's reactions (after the commit, off the request path)."""
        actor = conn.account
        if actor is None:
            return
        for reaction in self.pipeline.reactions(entry.name):
            task = asyncio.ensure_future(reaction(actor, msg, data, notes))
            self._reacting.add(task)
            task.add_done_callback(self._reacted)

    def _reacted(self, task: asyncio.Task[None]) -> None:
        self._reacting.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("reaction to a change failed", exc_info=task.exception())

    async def settle(self) -> None:
        """Wait for the reactions still running (on stop)."""
        while self._reacting:
            await asyncio.gather(*list(self._reacting), return_exceptions=True)
