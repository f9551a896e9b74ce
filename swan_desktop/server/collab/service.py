"""``Collaboration``: presence, locks, conflict strategies, chat, activity and admin user actions.

Installed into a :class:`~swan_desktop.server.app.SwanServer` at start: it
creates its tables, registers its request handlers with the dispatcher, takes
over ``session.create/update/delete`` (to add locks, merging and the activity
feed), and runs one sweep task that notices departures, silent connections,
idle users and lapsed locks.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, update

from ...protocol import frames
from ...protocol.entities import Role
from ...protocol.errors import ProtocolError, invalid, not_found
from ...protocol.frames import Request
from ...protocol.validation import require_int
from .. import schedule
from ..connection import Connection
from ..handlers import Dispatcher
from ..notifier_api import Notice, Recipients
from ..store import Account, Store
from ..tables import tokens, users
from . import activity, chat, locks, sessions, settings
from .presence import Presence, Report

if TYPE_CHECKING:
    from ..app import SwanServer

log = logging.getLogger(__name__)

Handler = Callable[[Connection, Request], Awaitable[dict[str, Any]]]


@dataclasses.dataclass(frozen=True)
class CollabConfig:
    """Timings (seconds). Tests shorten them; ``clock`` (presence) and ``wall`` (locks) are injectable."""

    presence_timeout: float = 30.0
    idle_after: float = 120.0
    away_after: float = 600.0
    presence_rate: float = 20.0
    lease_s: float = 60.0
    sweep_s: float = 0.1
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time


def _emit(store: Store, kind: str, data: dict[str, Any], actor: Account | None,
          audience: frozenset[int] | None = None) -> None:
    with store.transaction() as tx:
        tx.emit(kind, data, actor.user if actor else None, audience)


class Collaboration:
    def __init__(self, server: SwanServer, config: CollabConfig | None = None) -> None:
        self.server = server
        self.config = config or CollabConfig()
        self.presence = Presence(self._announce, lambda: self.config.clock())
        self._conns: dict[Connection, int] = {}
        self._conn_locks: dict[Connection, dict[int, int]] = {}
        self._expiries: dict[int, float] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        #: The ``session.*`` mutations as installed (see :meth:`wrap_mutation`).
        self.mutations: dict[str, schedule.Mutation] = {}

    @property
    def store(self) -> Any:
        return self.server.store

    # -- lifecycle -------------------------------------------------------
    async def start(self, dispatcher: Dispatcher) -> None:
        wall = lambda: self.config.wall()  # noqa: E731 - read the config at call time
        self.mutations = {frames.SESSION_CREATE: sessions.create(wall),
                          frames.SESSION_UPDATE: sessions.update(wall),
                          frames.SESSION_DELETE: sessions.delete(wall)}
        for rtype, fn in self.mutations.items():
            dispatcher.table[rtype] = self._mutation(fn)
        dispatcher.table[frames.AUTHENTICATE] = self._after_auth(dispatcher.table[frames.AUTHENTICATE])
        dispatcher.table[frames.HEARTBEAT] = self._touching(dispatcher.table[frames.HEARTBEAT])
        handlers: dict[str, Handler] = {
            "presence.update": self.presence_update, "presence.query": self.presence_query,
            "lock.acquire": self.lock_acquire, "lock.renew": self.lock_renew,
            "lock.release": self.lock_release, "lock.request": self.lock_request,
            "lock.break": self.lock_break, "lock.query": self.lock_query,
            "chat.send": self.chat_send, "chat.edit": self.chat_edit, "chat.delete": self.chat_delete,
            "chat.react": self.chat_react, "chat.history": self.chat_history,
            "activity.query": self.activity_query,
            "studio.settings.get": self.settings_get, "studio.settings.set": self.settings_set,
            "user.set_role": self.user_set_role, "user.disconnect": self.user_disconnect,
        }
        for rtype, handler in handlers.items():
            dispatcher.register(rtype, handler)
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_loop())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        for task in list(self._tasks):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("collaboration task failed", exc_info=task.exception())

    def _announce(self, kind: str, data: dict[str, Any]) -> None:
        self._spawn(self.store.run(_emit, kind, data, None))

    def wrap_mutation(self, dispatcher: Dispatcher, rtype: str,
                      wrap: Callable[[schedule.Mutation], schedule.Mutation]) -> None:
        """Let another feature run around ``session.*`` in the same transaction (after ``start``)."""
        self.mutations[rtype] = wrap(self.mutations[rtype])
        dispatcher.table[rtype] = self._mutation(self.mutations[rtype])

    # -- wrappers around core handlers ---------------------------------------
    def _mutation(self, fn: schedule.Mutation) -> Handler:
        async def handle(conn: Connection, req: Request) -> dict[str, Any]:
            assert conn.account is not None
            self._seen(conn)
            reply = await self.store.run(schedule.run_mutation, conn.account, req.id, fn, req.data)
            if reply["ok"]:
                return dict(reply["data"])
            raise ProtocolError.from_wire(reply["error"])
        return handle

    def _after_auth(self, original: Handler) -> Handler:
        async def handle(conn: Connection, req: Request) -> dict[str, Any]:
            reply = await original(conn, req)
            self._seen(conn)
            return reply
        return handle

    def _touching(self, original: Handler) -> Handler:
        async def handle(conn: Connection, req: Request) -> dict[str, Any]:
            self._seen(conn)
            return await original(conn, req)
        return handle

    def _seen(self, conn: Connection, join: bool = False) -> None:
        """A sign of life: push the silence timeout back (``join``: and appear in presence).

        Only ``presence.update`` joins; other requests (heartbeats included) only
        keep a present user present, so a plain client that never reports
        presence causes no presence events.
        """
        account = conn.account
        if account is None or conn.closed:
            return
        now = asyncio.get_running_loop().time()
        if join:
            self._conns[conn] = account.id
            self.presence.join(account.id, account.name, account.role.value, now)
        elif conn in self._conns:
            self.presence.touch(account.id, now)

    # -- the sweep -----------------------------------------------------------
    async def _sweep_loop(self) -> None:
        while True:
            try:
                await self._sweep()
            except Exception:
                log.exception("collaboration sweep failed")
            await asyncio.sleep(self.config.sweep_s)

    async def _sweep(self) -> None:
        cfg, loop_now = self.config, asyncio.get_running_loop().time()
        open_conns = self.server.connections
        known = set(self._conns) | set(self._conn_locks)
        for conn in [c for c in known if c not in open_conns or c.closed]:
            await self._departed(conn, "quit")
        now = cfg.clock()
        for uid, entry in list(self.presence.entries.items()):
            if loop_now - entry.last_seen > cfg.presence_timeout:
                self.presence.leave(uid, "timeout")
                continue
            state = entry.state(now, cfg.idle_after, cfg.away_after)
            if state != entry.shown and not entry.flush_scheduled:
                self._send_presence(entry.user_id)
        wall = cfg.wall()
        if any(t <= wall for t in self._expiries.values()):
            for sid in await self.store.run(locks.expire_due, wall):
                self._expiries.pop(sid, None)

    async def _departed(self, conn: Connection, reason: str) -> None:
        uid = self._conns.pop(conn, None)
        held = self._conn_locks.pop(conn, {})
        for sid, token in held.items():
            await self.store.run(self._release_sync, None, sid, token, "disconnected")
        if uid is not None and uid not in self._conns.values():
            self.presence.leave(uid, reason)

    def _release_sync(self, store: Store, actor: Account | None, sid: int, token: int | None,
                      reason: str) -> locks.Lock | None:
        with store.transaction() as tx:
            released = locks.release(store, tx, actor, sid, token, reason, self.config.wall())
        if released is not None:
            self._expiries.pop(sid, None)
        return released

    # -- presence ------------------------------------------------------------
    def _send_presence(self, user_id: int) -> None:
        entry = self.presence.entries.get(user_id)
        if entry is None:
            return
        entry.flush_scheduled = False
        loop = asyncio.get_running_loop()
        wait = entry.last_sent + 1.0 / self.config.presence_rate - loop.time()
        if wait > 0:  # coalesce: the latest report goes out when the interval is up
            entry.flush_scheduled = True
            loop.call_later(wait, self._send_presence, user_id)
            return
        cfg = self.config
        if self.presence.announce(entry, entry.state(cfg.clock(), cfg.idle_after, cfg.away_after)):
            entry.last_sent = loop.time()

    async def presence_update(self, conn: Connection, req: Request) -> dict[str, Any]:
        report = Report.from_wire(req.data)
        self._seen(conn, join=True)
        assert conn.account is not None
        entry = self.presence.report(conn.account.id, report, asyncio.get_running_loop().time())
        if not entry.flush_scheduled:
            self._send_presence(entry.user_id)
        return {}

    async def presence_query(self, conn: Connection, req: Request) -> dict[str, Any]:
        self._seen(conn)
        cfg = self.config
        return {"presence": self.presence.snapshot(cfg.idle_after, cfg.away_after)}

    # -- locks -----------------------------------------------------------------
    def _session_id(self, req: Request) -> int:
        return require_int(req.data.get("session_id"), "session_id")

    async def lock_acquire(self, conn: Connection, req: Request) -> dict[str, Any]:
        assert conn.account is not None
        sid, cfg = self._session_id(req), self.config

        def run(store: Store) -> locks.Lock:
            with store.transaction() as tx:
                return locks.acquire(store, tx, conn.account, sid, cfg.wall(), cfg.lease_s)  # type: ignore[arg-type]

        lock = await self.store.run(run)
        self._conn_locks.setdefault(conn, {})[sid] = lock.token
        self._expiries[sid] = lock.expires_at
        self._seen(conn)
        return {"lock": lock.to_wire()}

    async def lock_renew(self, conn: Connection, req: Request) -> dict[str, Any]:
        assert conn.account is not None
        sid, cfg = self._session_id(req), self.config
        token = require_int(req.data.get("token"), "token")

        def run(store: Store) -> locks.Lock:
            with store.transaction():
                return locks.renew(store, conn.account, sid, token, cfg.wall(), cfg.lease_s)  # type: ignore[arg-type]

        lock = await self.store.run(run)
        self._expiries[sid] = lock.expires_at
        self._seen(conn)
        return {"lock": lock.to_wire()}

    async def lock_release(self, conn: Connection, req: Request) -> dict[str, Any]:
        sid = self._session_id(req)
        token = require_int(req.data.get("token"), "token")
        released = await self.store.run(self._release_sync, conn.account, sid, token, "released")
        self._conn_locks.get(conn, {}).pop(sid, None)
        return {"released": released is not None}

    async def lock_break(self, conn: Connection, req: Request) -> dict[str, Any]:
        sid = self._session_id(req)
        released = await self.store.run(self._release_sync, conn.account, sid, None, "broken")
        if released is None:
            raise not_found(f"session {sid} is not locked", field="session_id")
        return {"released": True}

    async def lock_request(self, conn: Connection, req: Request) -> dict[str, Any]:
        assert conn.account is not None
        sid, now = self._session_id(req), self.config.wall()
        note = req.data.get("message", "")
        if not isinstance(note, str) or len(note) > 500:
            raise invalid("message must be a string of at most 500 characters", field="message")
        lock = await self.store.run(locks.get, sid)
        if lock is None or not lock.live(now):
            raise not_found(f"session {sid} is not locked", field="session_id")
        asker = conn.account.user
        await self.store.run(_emit, "lock:requested",
                             {"session_id": sid, "by": {"id": asker.id, "name": asker.name},
                              "message": note}, conn.account, frozenset({lock.user_id}))
        return {"lock": lock.to_wire()}

    async def lock_query(self, conn: Connection, req: Request) -> dict[str, Any]:
        live = await self.store.run(locks.live_locks, self.config.wall())
        return {"locks": [lk.to_wire() for lk in live]}

    # -- chat, activity, settings ---------------------------------------------------
    async def _run(self, conn: Connection, req: Request, fn: schedule.Mutation) -> dict[str, Any]:
        assert conn.account is not None
        reply = await self.store.run(schedule.run_mutation, conn.account, req.id, fn, req.data)
        if not reply["ok"]:
            raise ProtocolError.from_wire(reply["error"])
        return dict(reply["data"])

    async def _notify_mentions(self, author: Account, msg: dict[str, Any], already: list[int]) -> None:
        targets = frozenset(msg["mentions"]) - set(already) - {author.id}
        if targets:
            await self.server.notifier.notify(
                Recipients(user_ids=targets),
                Notice(f"{author.name} mentioned you", msg["text"], category="user", source="chat",
                       links={"message": msg["id"]}))

    async def chat_send(self, conn: Connection, req: Request) -> dict[str, Any]:
        assert conn.account is not None
        reply = await self._run(conn, req, chat.send)
        await self._notify_mentions(conn.account, reply["message"], [])
        return reply

    async def chat_edit(self, conn: Connection, req: Request) -> dict[str, Any]:
        assert conn.account is not None
        before = await self.store.run(chat.message, require_int(req.data.get("id"), "id"))
        reply = await self._run(conn, req, chat.edit)
        await self._notify_mentions(conn.account, reply["message"], before["mentions"])
        return reply

    async def chat_delete(self, conn: Connection, req: Request) -> dict[str, Any]:
        return await self._run(conn, req, chat.delete)

    async def chat_react(self, conn: Connection, req: Request) -> dict[str, Any]:
        return await self._run(conn, req, chat.react)

    async def chat_history(self, conn: Connection, req: Request) -> dict[str, Any]:
        return dict(await self.store.run(chat.history, req.data))

    async def activity_query(self, conn: Connection, req: Request) -> dict[str, Any]:
        return dict(await self.store.run(activity.query, req.data))

    async def settings_get(self, conn: Connection, req: Request) -> dict[str, Any]:
        return {"settings": await self.store.run(settings.read)}

    async def settings_set(self, conn: Connection, req: Request) -> dict[str, Any]:
        return await self._run(conn, req, settings.change)

    # -- admin -------------------------------------------------------------------------
    def _user_connections(self, user_id: int) -> list[Connection]:
        return [c for c in self.server.connections if c.account is not None and c.account.id == user_id]

    async def user_set_role(self, conn: Connection, req: Request) -> dict[str, Any]:
        uid = require_int(req.data.get("user_id"), "user_id")
        try:
            role = Role(str(req.data.get("role")))
        except ValueError:
            raise invalid("role must be admin, trainer or viewer", field="role") from None
        assert conn.account is not None
        account = await self.store.run(_set_role, conn.account, uid, role)
        for other in self._user_connections(uid):  # effective on open connections at once
            other.account = account
        self.presence.rename(uid, role.value)
        return {"user": account.user.to_wire()}

    async def user_disconnect(self, conn: Connection, req: Request) -> dict[str, Any]:
        uid = require_int(req.data.get("user_id"), "user_id")
        revoke = req.data.get("revoke", False)
        if not isinstance(revoke, bool):
            raise invalid("revoke must be true or false", field="revoke")
        if revoke:
            await self.store.run(_revoke_tokens, uid)
        targets = self._user_connections(uid)
        for other in targets:
            await other.ws.close(4000, "disconnected by an administrator")
            await self._departed(other, "disconnected")
        return {"closed": len(targets), "revoked": revoke}


def _set_role(store: Store, actor: Account, user_id: int, role: Role) -> Account:
    target = store.account(user_id)
    if target is None:
        raise not_found(f"no user with id {user_id}", field="user_id")
    with store.transaction() as tx:
        store.db.execute(update(users).where(users.c.id == user_id).values(role=role.value))
        updated = dataclasses.replace(target, role=role)
        tx.emit("user:updated", {"user": updated.user.to_wire()}, actor.user)
    return updated


def _revoke_tokens(store: Store, user_id: int) -> None:
    with store.transaction():
        store.db.execute(delete(tokens).where(tokens.c.user_id == user_id))

