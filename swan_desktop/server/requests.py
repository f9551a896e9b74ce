"""The protocol core's requests that change nothing: the handshake and the queries of the directory
and the schedule."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ..protocol import frames
from ..protocol.errors import ErrorCode, ProtocolError, invalid
from ..protocol.messages import (
    DirectoryClients,
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
from .auth import Authenticator, hash_token
from .connection import SIGNED_OUT, Connection
from .directory_pages import clients_page
from .handlers import Dispatcher
from .limits import Limits
from .schedule_pages import parse_cursor, read_page
from .store import HubEvent, Store
from .updates import DesktopUpdates
from .worker import AsyncStore

#: Longest range one ``schedule.query`` may ask for.
MAX_QUERY_RANGE = timedelta(days=400)


def auth_message(data: dict[str, Any]) -> Message:
    """``authenticate`` carries a token, or a username and password."""
    return decode(TokenAuth, data) if "token" in data else decode(PasswordAuth, data)


def _sync_snapshot(store: Store, since: int | None,
                   max_bytes: int) -> tuple[int, int, list[HubEvent] | None]:
    """The head, the pruned mark and the events after ``since`` — None (not recovered) when
    ``since`` is out of the log's range or the replay would exceed ``max_bytes`` (0: no bound)."""
    head, pruned = store.head_seq(), store.pruned_through()
    if since is None or not pruned <= since <= head:
        return head, pruned, None
    replay = store.events_between(since, head)
    if max_bytes and sum(len(e.payload) for e in replay) > max_bytes:
        return head, pruned, None
    return head, pruned, replay


class CoreRequests:
    """Answers ``authenticate``, ``auth.logout``, ``sync``, ``heartbeat``, ``directory.query``
    and ``schedule.query``."""

    def __init__(self, store: AsyncStore, auth: Authenticator, dispatcher: Dispatcher,
                 started: float, *, connections: Callable[[], frozenset[Connection]] = frozenset,
                 limits: Limits | None = None,
                 updates: Callable[[], DesktopUpdates] = DesktopUpdates) -> None:
        #: What desktops are told about updates now (the server's setting, which may change live).
        self._updates = updates
        self._store = store
        self._auth = auth
        self._dispatcher = dispatcher
        self._started = started
        self._connections = connections
        self._limits = limits if limits is not None else Limits()

    def install(self) -> None:
        d = self._dispatcher
        d.register(frames.AUTHENTICATE, auth_message, self.authenticate)
        d.register(frames.LOGOUT, Empty, self.logout)
        d.register(frames.SYNC, Sync, self.sync)
        d.register(frames.HEARTBEAT, Heartbeat, self.heartbeat)
        d.register(frames.DIRECTORY_QUERY, Empty, self.directory_query)
        d.register(frames.DIRECTORY_CLIENTS, DirectoryClients, self.directory_clients)
        d.register(frames.SCHEDULE_QUERY, ScheduleQuery, self.schedule_query)

    async def authenticate(self, conn: Connection, msg: Message) -> dict[str, Any]:
        assert isinstance(msg, TokenAuth | PasswordAuth)
        update = self._updates().check(msg.client)  # a desktop that must update is refused first
        if isinstance(msg, TokenAuth):
            account, expires = await self._auth.with_token(msg.token)
            token = msg.token
        else:
            assert isinstance(msg, PasswordAuth)
            account, token, expires = await self._auth.with_password(msg.username, msg.password,
                                                                     conn.address)
        digest = hash_token(token)
        try:
            self._check_user_connections(conn, account.id)
        except ProtocolError:
            if isinstance(msg, PasswordAuth):
                await self._store.run(Store.delete_token, digest)
            raise
        conn.account = account
        conn.token_hash = digest
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

    async def logout(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        """Revoke the connection's token; other connections signed in with it are closed (4003)."""
        digest = conn.token_hash
        if digest is not None:
            await self._store.run(Store.delete_token, digest)
        others = [c for c in self._connections() if c is not conn and digest is not None
                  and c.token_hash == digest]
        conn.sign_out()
        for other in others:
            await other.end(SIGNED_OUT, "signed out")
        return {"signed_out": True}

    def _check_user_connections(self, conn: Connection, user_id: int) -> None:
        """Refuse a sign-in past ``limits.max_connections_per_user`` open connections of one user."""
        limit = self._limits.max_connections_per_user
        if not limit:
            return
        signed_in = sum(1 for c in self._connections() if c is not conn and not c.closed
                        and c.account is not None and c.account.id == user_id)
        if signed_in >= limit:
            raise ProtocolError(ErrorCode.RATE_LIMITED,
                                f"this user already has {limit} open connections; close one first",
                                {"limit": limit})

    async def sync(self, conn: Connection, msg: Sync) -> dict[str, Any]:
        since: int | None = None
        epoch_ok = False
        if msg.since is not None:
            since = msg.since.seq
            epoch_ok = msg.since.epoch == self._store.epoch
        conn.begin_sync()
        head, _, replay = await self._store.run(_sync_snapshot, since if epoch_ok else None,
                                                self._limits.sync_replay_bytes)
        recovered = replay is not None
        conn.plan_sync(since if recovered and since is not None else head, replay, head)
        return {"recovered": recovered, "epoch": self._store.epoch, "seq": head}

    async def heartbeat(self, conn: Connection, msg: Heartbeat) -> dict[str, Any]:
        return {"server_time": format_ts(now_utc()), "uptime_s": round(time.monotonic() - self._started, 3)}

    async def directory_query(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            reply = {
                "trainers": [t.to_wire() for t in store.trainers()],
                "clients": [],
                "session_types": [t.to_wire() for t in store.session_types()],
                "locations": [loc.to_wire() for loc in store.locations()],
                "users": [a.directory_wire() for a in store.accounts()],
            }
            reply = self._dispatcher.extended(frames.DIRECTORY_QUERY, store, msg, reply)
            first = clients_page(store, None, lambda part: self._dispatcher.extended(
                frames.DIRECTORY_CLIENTS, store, msg, part))
            return {**reply, "clients": first["clients"], "clients_more": first["more"],
                    "clients_after": first["after"]}

        return await self._store.run(read)

    async def directory_clients(self, conn: Connection, msg: DirectoryClients) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            return clients_page(store, msg.after, lambda part: self._dispatcher.extended(
                frames.DIRECTORY_CLIENTS, store, msg, part))

        return await self._store.run(read)

    async def schedule_query(self, conn: Connection, msg: ScheduleQuery) -> dict[str, Any]:
        start, end = time_field(msg.start, "start"), time_field(msg.end, "end")
        if end <= start:
            raise invalid("end must be after start", field="end")
        if end - start > MAX_QUERY_RANGE:
            raise invalid(f"a query may span at most {MAX_QUERY_RANGE.days} days", field="end")
        after = parse_cursor(msg.after) if msg.after is not None else None

        def decorate(store: Store, reply: dict[str, Any]) -> dict[str, Any]:
            return self._dispatcher.extended(frames.SCHEDULE_QUERY, store, msg, reply)

        def read(store: Store) -> dict[str, Any]:
            page = read_page(store, start, end, msg.trainer_id, after, decorate)
            return {**page, "epoch": self._store.epoch}

        return await self._store.run(read)
