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
from typing import Any

from sqlalchemy import update

from ...domain.permissions import allowed
from ...protocol.entities import Role
from ...protocol.errors import not_found
from ...protocol.messages import Empty
from .. import loops
from ..admin.accounts import keep_an_admin
from ..connection import Connection
from ..features import FeatureContext
from ..group import presence_rows
from ..group.service import StudioGroup
from ..notifier_api import Notice, Recipients
from ..pipeline import Stage
from ..store import Account, HubEvent, Store
from ..tables import users
from . import activity, chat, locks, sessions, settings
from .messages import (
    ActivityQuery,
    ChatDelete,
    ChatEdit,
    ChatHistory,
    ChatReact,
    ChatSend,
    Disconnect,
    LockHeld,
    LockRequest,
    LockTarget,
    PresenceUpdate,
    SetRole,
    SettingsChange,
)
from .presence import Presence, Report

log = logging.getLogger(__name__)

#: Seconds between looks for lapsed leases in the database (besides this instance's own, on time).
LEASE_CHECK_S = 5.0


@dataclasses.dataclass(frozen=True)
class CollabConfig:
    """Timings (seconds). Tests shorten them; ``clock`` (presence) and ``wall`` (locks) are injectable."""

    presence_timeout: float = 30.0
    idle_after: float = 120.0
    away_after: float = 600.0
    #: Presence events per user per second (the server's ``Limits.presence_rate`` sets it).
    presence_rate: float = 1.0
    lease_s: float = 60.0
    sweep_s: float = 0.1
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time


def _emit(store: Store, kind: str, data: dict[str, Any], actor: Account | None,
          audience: frozenset[int] | None = None) -> None:
    with store.transaction() as tx:
        tx.emit(kind, data, actor.user if actor else None, audience)


class Collaboration:
    def __init__(self, ctx: FeatureContext, config: CollabConfig | None = None) -> None:
        self.ctx = ctx
        self.config = config or CollabConfig()
        self.presence = Presence(self._announce, lambda: self.config.clock())
        self._conns: dict[Connection, int] = {}
        self._conn_locks: dict[Connection, dict[int, int]] = {}
        self._expiries: dict[int, float] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self._next_lease_check = 0.0
        #: The instances on the database: presence is written there, so every instance answers for all
        #: (None: kept only in memory, as a server without the group machinery).
        self.group: StudioGroup | None = None

    @property
    def store(self) -> Any:
        return self.ctx.store

    # -- lifecycle -------------------------------------------------------
    def install(self) -> None:
        """Register the requests and the pipeline hooks (before the server listens)."""
        ctx = self.ctx
        sessions.install(ctx.hook)
        ctx.observe(self._seen)
        ctx.request("presence.update", PresenceUpdate, self.presence_update)
        ctx.request("presence.query", Empty, self.presence_query)
        ctx.request("lock.acquire", LockTarget, self.lock_acquire)
        ctx.request("lock.renew", LockHeld, self.lock_renew)
        ctx.request("lock.release", LockHeld, self.lock_release)
        ctx.request("lock.request", LockRequest, self.lock_request)
        ctx.request("lock.break", LockTarget, self.lock_break)
        ctx.request("lock.query", Empty, self.lock_query)
        for rtype, message, write in (("chat.send", ChatSend, chat.send), ("chat.edit", ChatEdit, chat.edit),
                                      ("chat.delete", ChatDelete, chat.delete),
                                      ("chat.react", ChatReact, chat.react),
                                      ("studio.settings.set", SettingsChange, settings.change)):
            ctx.mutation(rtype, message)
            ctx.hook(rtype, Stage.WRITE, write)
        ctx.hook("chat.edit", Stage.PREPARE, chat.remember_mentions)
        ctx.after_commit("chat.send", self._notify_mentions)
        ctx.after_commit("chat.edit", self._notify_mentions)
        ctx.request("chat.history", ChatHistory, self.chat_history)
        ctx.request("activity.query", ActivityQuery, self.activity_query)
        ctx.request("studio.settings.get", Empty, self.settings_get)
        ctx.request("user.set_role", SetRole, self.user_set_role)
        ctx.request("user.disconnect", Disconnect, self.user_disconnect)
        ctx.on_events(self._users_changed)

    async def start(self) -> None:
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_loop())
        if self.group is not None:
            self.group.on_revived = self._announce_again

    async def stop(self) -> None:
        await loops.cancel(self._sweeper)
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
        group = self.group
        if group is None or group.identity is None:
            self._spawn(self.store.run(_emit, kind, data, None))
        else:
            self._spawn(self.store.run(presence_rows.record, group.id, kind, data, group.live_after()))

    def _announce_again(self) -> None:
        """This instance had been taken for gone (its users left for the others): they join again."""
        for entry in self.presence.entries.values():
            self._announce("presence:joined", {"presence": entry.to_wire(entry.shown)})

    def _seen(self, conn: Connection, join: bool = False) -> None:
        """A sign of life: push the silence timeout back (``join``: and appear in presence).

        Only ``presence.update`` joins; other requests (heartbeats included) only
        keep a present user present, so a plain client that never reports
        presence causes no presence events.
        """
        account = conn.account
        if account is None or conn.closed:
            return
        now = self.config.clock()
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
        cfg = self.config
        open_conns = self.ctx.connections()
        known = set(self._conns) | set(self._conn_locks)
        for conn in [c for c in known if c not in open_conns or c.closed or c.account is None]:
            await self._departed(conn, "quit")
        now = cfg.clock()
        for uid, entry in list(self.presence.entries.items()):
            if now - entry.last_seen > cfg.presence_timeout:
                self.presence.leave(uid, "timeout")
                continue
            state = entry.state(now, cfg.idle_after, cfg.away_after)
            if state != entry.shown and not entry.flush_scheduled:
                self._send_presence(entry.user_id)
        wall = cfg.wall()
        # Every few seconds also the leases this instance does not know of: granted through another
        # instance (gone since, or slower to sweep) or before a restart. One instance releases each.
        if any(t <= wall for t in self._expiries.values()) or wall >= self._next_lease_check:
            self._next_lease_check = wall + LEASE_CHECK_S
            for sid in await self.store.run(locks.expire_due, wall):
                self._expiries.pop(sid, None)

    async def _departed(self, conn: Connection, reason: str) -> None:
        uid = self._conns.pop(conn, None)
        held = self._conn_locks.pop(conn, {})
        for sid, token in held.items():
            await self.store.run(self._release_sync, None, sid, token, "disconnected")
        if uid is not None and uid not in self._conns.values():
            self.presence.leave(uid, reason)

    def _users_changed(self, events: list[HubEvent]) -> None:
        """An account made a viewer (``user.set_role``, ``account.update``) or deactivated lets go
        of the sessions it was editing at once: it may no longer save them, and the others would
        wait out its leases (up to a minute) for nothing."""
        gone = {int(user["id"]) for e in events if e.event.kind == "user:updated"
                for user in (e.event.data.get("user") or {},)
                if "id" in user and (user.get("active") is False
                                     or not allowed(Role(user.get("role", "viewer")), "session.update"))}
        if gone:
            self._spawn(self._let_go(gone))

    async def _let_go(self, user_ids: set[int]) -> None:
        for sid in await self.store.run(locks.release_users, user_ids, "role", self.config.wall()):
            self._expiries.pop(sid, None)

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

    async def presence_update(self, conn: Connection, msg: PresenceUpdate) -> dict[str, Any]:
        report = Report(msg.activity, msg.session_id, msg.day)
        self._seen(conn, join=True)
        assert conn.account is not None
        entry = self.presence.report(conn.account.id, report, self.config.clock())
        if not entry.flush_scheduled:
            self._send_presence(entry.user_id)
        return {}

    async def presence_query(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        cfg = self.config
        mine = self.presence.snapshot(cfg.idle_after, cfg.away_after)
        if self.group is None or self.group.identity is None:
            return {"presence": mine}
        here = {p["user"]["id"] for p in mine}
        elsewhere = [p for p in await self.group.others_presence() if p["user"]["id"] not in here]
        return {"presence": mine + elsewhere}

    # -- locks -----------------------------------------------------------------
    async def lock_acquire(self, conn: Connection, msg: LockTarget) -> dict[str, Any]:
        account, sid, cfg = conn.account, msg.session_id, self.config
        assert account is not None

        def run(store: Store) -> locks.Lock:
            with store.transaction() as tx:
                return locks.acquire(store, tx, account, sid, cfg.wall(), cfg.lease_s)

        lock = await self.store.run(run)
        self._conn_locks.setdefault(conn, {})[sid] = lock.token
        self._expiries[sid] = lock.expires_at
        return {"lock": lock.to_wire(with_token=True)}

    async def lock_renew(self, conn: Connection, msg: LockHeld) -> dict[str, Any]:
        account, sid, cfg = conn.account, msg.session_id, self.config
        assert account is not None

        def run(store: Store) -> locks.Lock:
            with store.transaction():
                return locks.renew(store, account, sid, msg.token, cfg.wall(), cfg.lease_s)

        lock = await self.store.run(run)
        self._expiries[sid] = lock.expires_at
        return {"lock": lock.to_wire(with_token=True)}

    async def lock_release(self, conn: Connection, msg: LockHeld) -> dict[str, Any]:
        sid = msg.session_id
        released = await self.store.run(self._release_sync, conn.account, sid, msg.token, "released")
        self._conn_locks.get(conn, {}).pop(sid, None)
        return {"released": released is not None}

    async def lock_break(self, conn: Connection, msg: LockTarget) -> dict[str, Any]:
        sid = msg.session_id
        released = await self.store.run(self._release_sync, conn.account, sid, None, "broken")
        if released is None:
            raise not_found(f"session {sid} is not locked", field="session_id")
        return {"released": True}

    async def lock_request(self, conn: Connection, msg: LockRequest) -> dict[str, Any]:
        assert conn.account is not None
        sid, now = msg.session_id, self.config.wall()
        lock = await self.store.run(locks.get, sid)
        if lock is None or not lock.live(now):
            raise not_found(f"session {sid} is not locked", field="session_id")
        asker = conn.account.user
        await self.store.run(_emit, "lock:requested",
                             {"session_id": sid, "by": {"id": asker.id, "name": asker.name},
                              "message": msg.message}, conn.account, frozenset({lock.user_id}))
        return {"lock": lock.to_wire()}

    async def lock_query(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        live = await self.store.run(locks.live_locks, self.config.wall())
        return {"locks": [lk.to_wire() for lk in live]}

    # -- chat, activity, settings ---------------------------------------------------
    async def _notify_mentions(self, author: Account, msg: Any, reply: dict[str, Any],
                               notes: dict[str, Any]) -> None:
        message = reply["message"]
        already = notes.get("chat.mentioned before", [])
        targets = frozenset(message["mentions"]) - set(already) - {author.id}
        if targets:
            await self.ctx.notifier.notify(
                Recipients(user_ids=targets),
                Notice(f"{author.name} mentioned you", message["text"], category="user", source="chat",
                       links={"message": message["id"]}))

    async def chat_history(self, conn: Connection, msg: ChatHistory) -> dict[str, Any]:
        return dict(await self.store.run(chat.history, msg))

    async def activity_query(self, conn: Connection, msg: ActivityQuery) -> dict[str, Any]:
        return dict(await self.store.run(activity.query, msg))

    async def settings_get(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        return {"settings": await self.store.run(settings.read)}

    # -- admin -------------------------------------------------------------------------
    def _user_connections(self, user_id: int) -> list[Connection]:
        return [c for c in self.ctx.connections() if c.account is not None and c.account.id == user_id]

    async def user_set_role(self, conn: Connection, msg: SetRole) -> dict[str, Any]:
        uid, role = msg.user_id, Role(msg.role)
        assert conn.account is not None
        account = await self.store.run(_set_role, conn.account, uid, role)
        for other in self._user_connections(uid):  # effective on open connections at once
            other.account = account
        self.presence.rename(uid, role.value)
        return {"user": account.user.to_wire()}

    async def user_disconnect(self, conn: Connection, msg: Disconnect) -> dict[str, Any]:
        uid = msg.user_id
        if msg.revoke:
            await self.store.run(_revoke_tokens, uid)
        targets = self._user_connections(uid)
        for other in targets:
            await other.ws.close(4000, "disconnected by an administrator")
            await self._departed(other, "disconnected")
        return {"closed": len(targets), "revoked": msg.revoke}


def _set_role(store: Store, actor: Account, user_id: int, role: Role) -> Account:
    target = store.account(user_id)
    if target is None:
        raise not_found(f"no user with id {user_id}", field="user_id")
    with store.transaction() as tx:
        keep_an_admin(store, {"role": target.role.value, "active": target.active}, {"role": role.value})
        store.db.execute(update(users).where(users.c.id == user_id).values(role=role.value))
        store.delete_user_tokens(user_id)  # signing in again is needed for the new role
        updated = dataclasses.replace(target, role=role)
        tx.emit("user:updated", {"user": updated.directory_wire()}, actor.user)
    return updated


def _revoke_tokens(store: Store, user_id: int) -> None:
    with store.transaction():
        store.delete_user_tokens(user_id)

