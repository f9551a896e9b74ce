"""The protocol core's requests that change nothing: the handshake and the two queries."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..protocol import frames
from ..protocol.entities import Session
from ..protocol.errors import invalid
from ..protocol.messages import (
    Empty,
    Heartbeat,
    Message,
    PasswordAuth,
    ScheduleQuery,
    Sync,
    TokenAuth,
    decode,
    time_field,
)
from ..protocol.timefmt import format_ts, now_utc
from .auth import Authenticator
from .connection import Connection
from .handlers import Dispatcher
from .store import HubEvent, Store
from .updates import DesktopUpdates
from .worker import AsyncStore

#: Longest range one ``schedule.query`` may ask for.
MAX_QUERY_RANGE = timedelta(days=400)


def auth_message(data: dict[str, Any]) -> Message:
    """``authenticate`` carries a token, or a username and password."""
    return decode(TokenAuth, data) if "token" in data else decode(PasswordAuth, data)


def _query_snapshot(store: Store, start: datetime, end: datetime,
                    trainer_id: int | None) -> tuple[list[Session], int]:
    """Sessions in a range and the event-log position they were read at (one worker call)."""
    return store.sessions_overlapping(start, end, trainer_id), store.head_seq()


def _sync_snapshot(store: Store, since: int | None) -> tuple[int, int, list[HubEvent] | None]:
    head, pruned = store.head_seq(), store.pruned_through()
    if since is None or not pruned <= since <= head:
        return head, pruned, None
    return head, pruned, store.events_between(since, head)


class CoreRequests:
    """Answers ``authenticate``, ``sync``, ``heartbeat``, ``directory.query`` and ``schedule.query``."""

    def __init__(self, store: AsyncStore, auth: Authenticator, dispatcher: Dispatcher,
                 started: float, updates: Callable[[], DesktopUpdates] = DesktopUpdates) -> None:
        #: What desktops are told about updates now (the server's setting, which may change live).
        self._updates = updates
        self._store = store
        self._auth = auth
        self._dispatcher = dispatcher
        self._started = started

    def install(self) -> None:
        d = self._dispatcher
        d.register(frames.AUTHENTICATE, auth_message, self.authenticate)
        d.register(frames.SYNC, Sync, self.sync)
        d.register(frames.HEARTBEAT, Heartbeat, self.heartbeat)
        d.register(frames.DIRECTORY_QUERY, Empty, self.directory_query)
        d.register(frames.SCHEDULE_QUERY, ScheduleQuery, self.schedule_query)

    async def authenticate(self, conn: Connection, msg: Message) -> dict[str, Any]:
        assert isinstance(msg, TokenAuth | PasswordAuth)
        update = self._updates().check(msg.client)  # a desktop that must update is refused first
        if isinstance(msg, TokenAuth):
            account, expires = await self._auth.with_token(msg.token)
            token = msg.token
        else:
            assert isinstance(msg, PasswordAuth)
            account, token, expires = await self._auth.with_password(msg.username, msg.password)
        conn.account = account
        head = await self._store.run(Store.head_seq)
        reply = {
            "token": token,
            "expires_at": format_ts(expires),
            "user": account.user.to_wire(),
            "server_time": format_ts(now_utc()),
            "epoch": self._store.epoch,
            "seq": head,
        }
        if update is not None:
            reply["update"] = update
        return reply

    async def sync(self, conn: Connection, msg: Sync) -> dict[str, Any]:
        since: int | None = None
        epoch_ok = False
        if msg.since is not None:
            since = msg.since.seq
            epoch_ok = msg.since.epoch == self._store.epoch
        conn.begin_sync()
        head, _, replay = await self._store.run(_sync_snapshot, since if epoch_ok else None)
        recovered = replay is not None
        conn.plan_sync(since if recovered and since is not None else head, replay, head)
        return {"recovered": recovered, "epoch": self._store.epoch, "seq": head}

    async def heartbeat(self, conn: Connection, msg: Heartbeat) -> dict[str, Any]:
        return {"server_time": format_ts(now_utc()), "uptime_s": round(time.monotonic() - self._started, 3)}

    async def directory_query(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            reply = {
                "trainers": [t.to_wire() for t in store.trainers()],
                "clients": [c.to_wire() for c in store.clients()],
                "session_types": [t.to_wire() for t in store.session_types()],
                "locations": [loc.to_wire() for loc in store.locations()],
                "users": [a.user.to_wire() for a in store.accounts()],
            }
            return self._dispatcher.extended(frames.DIRECTORY_QUERY, store, msg, reply)

        return await self._store.run(read)

    async def schedule_query(self, conn: Connection, msg: ScheduleQuery) -> dict[str, Any]:
        start, end = time_field(msg.start, "start"), time_field(msg.end, "end")
        if end <= start:
            raise invalid("end must be after start", field="end")
        if end - start > MAX_QUERY_RANGE:
            raise invalid(f"a query may span at most {MAX_QUERY_RANGE.days} days", field="end")
        sessions, head = await self._store.run(_query_snapshot, start, end, msg.trainer_id)
        return {"sessions": [s.to_wire() for s in sessions], "epoch": self._store.epoch, "seq": head}
