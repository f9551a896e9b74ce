"""Request dispatch: one table from request type to handler, with auth and role checks in one place."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from ..domain.permissions import allowed
from ..protocol import frames
from ..protocol.entities import Session
from ..protocol.errors import ErrorCode, ProtocolError, invalid
from ..protocol.frames import FrameError, Request, decode_request, error_frame, reply_error, reply_ok
from ..protocol.timefmt import format_ts, now_utc, parse_ts
from ..protocol.validation import require_dict, require_int
from . import schedule
from .auth import Authenticator
from .connection import Connection
from .metrics import Metrics
from .store import HubEvent, Store
from .worker import AsyncStore

log = logging.getLogger(__name__)

Handler = Callable[[Connection, Request], Awaitable[dict[str, Any]]]

#: Longest range one ``schedule.query`` may ask for.
MAX_QUERY_RANGE = timedelta(days=400)


#: Integers the database can hold: a request with any other is ``invalid``.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


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


def _refuse_unknown(data: dict[str, Any], known: set[str]) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise invalid(f"unknown field(s): {', '.join(unknown)}", fields=unknown)


def _query_snapshot(store: Store, start: datetime, end: datetime,
                    trainer_id: int | None) -> tuple[list[Session], int]:
    """Sessions in a range and the event-log position they were read at (one worker call)."""
    return store.sessions_overlapping(start, end, trainer_id), store.head_seq()


def _sync_snapshot(store: Store, since: int | None) -> tuple[int, int, list[HubEvent] | None]:
    head, pruned = store.head_seq(), store.pruned_through()
    if since is None or not pruned <= since <= head:
        return head, pruned, None
    return head, pruned, store.events_between(since, head)


class Dispatcher:
    """Turns one incoming text frame into exactly one reply (or error frame) on the connection."""

    def __init__(self, store: AsyncStore, auth: Authenticator, metrics: Metrics, started: float) -> None:
        self._store = store
        self._auth = auth
        self._metrics = metrics
        self._started = started
        self.table: dict[str, Handler] = {
            frames.AUTHENTICATE: self.authenticate,
            frames.SYNC: self.sync,
            frames.HEARTBEAT: self.heartbeat,
            frames.DIRECTORY_QUERY: self.directory_query,
            frames.SCHEDULE_QUERY: self.schedule_query,
            frames.SESSION_CREATE: self.session_create,
            frames.SESSION_UPDATE: self.session_update,
            frames.SESSION_DELETE: self.session_delete,
        }

    def register(self, rtype: str, handler: Handler) -> None:
        """Add a request type (a feature module's); the role table still decides who may send it."""
        if rtype in self.table:
            raise ValueError(f"{rtype} is already handled")
        self.table[rtype] = handler
        self._metrics.known_types.add(rtype)

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
            data = await self._dispatch(conn, req)
        except ProtocolError as err:
            outcome = err.code.value
            conn.abort_sync()
            conn.send(reply_error(req.id, err))
        except Exception:
            log.exception("request %s (%s) failed", req.id, req.type)
            outcome = ErrorCode.INTERNAL.value
            conn.abort_sync()
            conn.send(reply_error(req.id, ProtocolError(ErrorCode.INTERNAL, "internal server error")))
        else:
            conn.send(reply_ok(req.id, data))
            if req.type == frames.SYNC:
                await conn.finish_sync()
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

    async def _dispatch(self, conn: Connection, req: Request) -> dict[str, Any]:
        handler = self.table.get(req.type)
        if handler is None:
            raise invalid(f"unknown request type: {req.type!r}", type=req.type)
        if conn.account is None and req.type != frames.AUTHENTICATE:
            raise ProtocolError(ErrorCode.UNAUTHORIZED, f"authenticate before sending {req.type!r}")
        if conn.account is not None and not allowed(conn.account.role, req.type):
            raise ProtocolError(
                ErrorCode.FORBIDDEN, f"role {conn.account.role.value!r} may not send {req.type!r}"
            )
        _refuse_unstorable(req)
        return await handler(conn, req)

    # -- handshake ----------------------------------------------------------------
    async def authenticate(self, conn: Connection, req: Request) -> dict[str, Any]:
        data = req.data
        if "token" in data:
            _refuse_unknown(data, {"token"})
            token = data["token"]
            if not isinstance(token, str) or not token:
                raise invalid("token must be a non-empty string", field="token")
            account, expires = await self._auth.with_token(token)
        else:
            _refuse_unknown(data, {"username", "password"})
            username, password = data.get("username"), data.get("password")
            if not isinstance(username, str) or not isinstance(password, str):
                raise invalid("authenticate needs either token, or username and password (strings)")
            account, token, expires = await self._auth.with_password(username, password)
        conn.account = account
        head = await self._store.run(Store.head_seq)
        return {
            "token": token,
            "expires_at": format_ts(expires),
            "user": account.user.to_wire(),
            "server_time": format_ts(now_utc()),
            "epoch": self._store.epoch,
            "seq": head,
        }

    async def sync(self, conn: Connection, req: Request) -> dict[str, Any]:
        _refuse_unknown(req.data, {"since"})
        since: int | None = None
        epoch_ok = False
        if req.data.get("since") is not None:
            marker = require_dict(req.data["since"], "since")
            _refuse_unknown(marker, {"epoch", "seq"})
            if not isinstance(marker.get("epoch"), str):
                raise invalid("since.epoch must be a string", field="since.epoch")
            since = require_int(marker.get("seq"), "since.seq")
            if since < 0:
                raise invalid("since.seq must not be negative", field="since.seq")
            epoch_ok = marker["epoch"] == self._store.epoch
        conn.begin_sync()
        head, _, replay = await self._store.run(_sync_snapshot, since if epoch_ok else None)
        recovered = replay is not None
        conn.plan_sync(since if recovered and since is not None else head, replay, head)
        return {"recovered": recovered, "epoch": self._store.epoch, "seq": head}

    async def heartbeat(self, conn: Connection, req: Request) -> dict[str, Any]:
        client_time = req.data.get("client_time")
        if client_time is not None and not isinstance(client_time, (str, int, float)):
            raise invalid("client_time must be a time string or a number", field="client_time")
        return {"server_time": format_ts(now_utc()), "uptime_s": round(time.monotonic() - self._started, 3)}

    # -- queries -------------------------------------------------------------------
    async def directory_query(self, conn: Connection, req: Request) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            return {
                "trainers": [t.to_wire() for t in store.trainers()],
                "clients": [c.to_wire() for c in store.clients()],
                "session_types": [t.to_wire() for t in store.session_types()],
                "locations": [loc.to_wire() for loc in store.locations()],
                "users": [a.user.to_wire() for a in store.accounts()],
            }

        return await self._store.run(read)

    async def schedule_query(self, conn: Connection, req: Request) -> dict[str, Any]:
        data = req.data
        _refuse_unknown(data, {"start", "end", "trainer_id"})
        start, end = parse_ts(data.get("start"), "start"), parse_ts(data.get("end"), "end")
        if end <= start:
            raise invalid("end must be after start", field="end")
        if end - start > MAX_QUERY_RANGE:
            raise invalid(f"a query may span at most {MAX_QUERY_RANGE.days} days", field="end")
        trainer_id = data.get("trainer_id")
        if trainer_id is not None:
            trainer_id = require_int(trainer_id, "trainer_id")
        sessions, head = await self._store.run(_query_snapshot, start, end, trainer_id)
        return {"sessions": [s.to_wire() for s in sessions], "epoch": self._store.epoch, "seq": head}

    # -- mutations -------------------------------------------------------------------
    async def _mutate(self, conn: Connection, req: Request, fn: schedule.Mutation) -> dict[str, Any]:
        assert conn.account is not None
        reply = await self._store.run(schedule.run_mutation, conn.account, req.id, fn, req.data)
        if reply["ok"]:
            return dict(reply["data"])
        raise ProtocolError.from_wire(reply["error"])

    async def session_create(self, conn: Connection, req: Request) -> dict[str, Any]:
        return await self._mutate(conn, req, schedule.create)

    async def session_update(self, conn: Connection, req: Request) -> dict[str, Any]:
        return await self._mutate(conn, req, schedule.update)

    async def session_delete(self, conn: Connection, req: Request) -> dict[str, Any]:
        return await self._mutate(conn, req, schedule.delete)
