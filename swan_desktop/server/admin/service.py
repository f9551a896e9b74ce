"""``StudioAdmin``: installs studio administration into a running server.

- ``trainer.*``, ``room.*``, ``session_type.*``, ``timeoff.*``, ``studio.setup.set``,
  ``directory.import`` and ``account.update`` are pipeline mutations (write hooks
  in :mod:`.directory`, :mod:`.timeoff_hooks`, :mod:`.studio`, :mod:`.accounts`);
- ``account.create``, ``account.reset_password`` and ``account.set_password`` are
  handlers: they hash the password on the server's hash pool first, then run the
  change through the same pipeline (``FeatureContext.change``) — a hook runs on the
  store's worker thread, which must never spend argon2's time. As handlers their
  replies are never kept in the request log, so a one-time password is never stored;
- ``availability.set`` (the calendar's) gets an ownership check: an admin, or a
  trainer for their own linked trainer;
- new bookings are refused an archived trainer, room or session type (:mod:`.archived`);
- ``directory.query`` gains archiving, room capacity, account links, time off and
  the studio's profile.
"""

from __future__ import annotations

from typing import Any

from ...protocol import frames
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import Empty, Message
from ..connection import SIGNED_OUT, Connection
from ..features import FeatureContext
from ..pipeline import Stage
from ..store import Account, Store
from . import accounts, archived, directory, rows, studio, timeoff_hooks
from .messages import (
    AccountCreate,
    AccountUpdate,
    ById,
    DirectoryImport,
    ResetPassword,
    RoomCreate,
    RoomUpdate,
    SessionTypeCreate,
    SessionTypeUpdate,
    SetPassword,
    StudioSetupSet,
    TimeOffAdd,
    TrainerCreate,
    TrainerUpdate,
)
from .passwords import PasswordWork, check_new, one_time

DEACTIVATED_CODE = 4003
DEACTIVATED_REASON = "your account was deactivated"

_ENTITIES: tuple[tuple[str, type[Message], type[Message]], ...] = (
    ("trainer", TrainerCreate, TrainerUpdate),
    ("room", RoomCreate, RoomUpdate),
    ("session_type", SessionTypeCreate, SessionTypeUpdate),
)


class StudioAdmin:
    def __init__(self, ctx: FeatureContext) -> None:
        self.ctx = ctx
        #: Set by the server once its hash pool runs (see :meth:`use_passwords`).
        self.passwords: PasswordWork | None = None

    def use_passwords(self, work: PasswordWork) -> None:
        self.passwords = work

    def install(self) -> None:
        ctx = self.ctx
        for kind, create, update in _ENTITIES:
            for action, message, write in (("create", create, directory.creator(kind)),
                                           ("update", update, directory.updater(kind)),
                                           ("delete", ById, directory.deleter(kind))):
                ctx.mutation(f"{kind}.{action}", message)
                ctx.hook(f"{kind}.{action}", Stage.WRITE, write)
        for rtype in (frames.SESSION_CREATE, frames.SESSION_UPDATE):
            # At prepare (after the core parsed the values), so a recurring booking is checked once too.
            ctx.hook(rtype, Stage.PREPARE, archived.refuse_archived, 10)
        ctx.mutation("directory.import", DirectoryImport)
        ctx.hook("directory.import", Stage.WRITE, directory.import_rows)
        ctx.mutation("timeoff.add", TimeOffAdd)
        ctx.hook("timeoff.add", Stage.VALIDATE, timeoff_hooks.own_trainer_only)
        ctx.hook("timeoff.add", Stage.WRITE, timeoff_hooks.add)
        ctx.mutation("timeoff.remove", ById)
        ctx.hook("timeoff.remove", Stage.PREPARE, timeoff_hooks.load)
        ctx.hook("timeoff.remove", Stage.VALIDATE, timeoff_hooks.own_trainer_only)
        ctx.hook("timeoff.remove", Stage.WRITE, timeoff_hooks.remove)
        ctx.hook("availability.set", Stage.VALIDATE, timeoff_hooks.own_trainer_only)
        ctx.hook("availability.set", Stage.VALIDATE, timeoff_hooks.check_week, 60)
        ctx.request("studio.setup.get", Empty, self.setup_get)
        ctx.mutation("studio.setup.set", StudioSetupSet)
        ctx.hook("studio.setup.set", Stage.WRITE, studio.setup_set)
        ctx.hook("studio.settings.set", Stage.AFTER_WRITE, studio.settings_changed)
        ctx.extend(frames.DIRECTORY_QUERY, _directory)
        ctx.request("account.list", Empty, self.account_list)
        ctx.request("account.create", AccountCreate, self.account_create)
        ctx.hook("account.create", Stage.WRITE, accounts.create)
        ctx.request("account.reset_password", ResetPassword, self.reset_password)
        ctx.hook("account.reset_password", Stage.WRITE, accounts.reset_password)
        ctx.request("account.set_password", SetPassword, self.set_password)
        ctx.hook("account.set_password", Stage.WRITE, accounts.set_own_password)
        ctx.mutation("account.update", AccountUpdate)
        ctx.hook("account.update", Stage.WRITE, accounts.update)
        ctx.after_commit("account.update", self._account_updated)

    # -- queries ---------------------------------------------------------------------------
    async def setup_get(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        return dict(await self.ctx.store.run(studio.setup_get))

    async def account_list(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        return dict(await self.ctx.store.run(accounts.listing))

    # -- passwords: hashed on the hash pool, then the change through the pipeline -----------
    def _work(self) -> PasswordWork:
        if self.passwords is None:
            raise ProtocolError(ErrorCode.INTERNAL, "the server is not ready to set passwords")
        return self.passwords

    async def account_create(self, conn: Connection, msg: AccountCreate) -> dict[str, Any]:
        password = one_time()
        digest = await self._work().hash(password)
        reply = await self.ctx.change(conn, "account.create", msg, {accounts.HASH: digest})
        return {**reply, "password": password}

    async def reset_password(self, conn: Connection, msg: ResetPassword) -> dict[str, Any]:
        password = one_time()
        digest = await self._work().hash(password)
        await self.ctx.change(conn, "account.reset_password", msg, {accounts.HASH: digest})
        await self._sign_out(msg.user_id, "your password was reset; sign in again")
        return {"password": password}

    async def set_password(self, conn: Connection, msg: SetPassword) -> dict[str, Any]:
        assert conn.account is not None
        work = self._work()
        check_new(msg.new)
        if msg.new == msg.current:
            raise invalid("the new password is the current one", field="new")
        uid = conn.account.id
        work.may_change(uid)
        current = await self.ctx.store.run(Store.account, uid)
        if current is None or not await work.check_current(uid, current.password_hash, msg.current,
                                                           conn.address):
            raise invalid("the current password is not right", field="current")
        digest = await work.hash(msg.new)
        reply = await self.ctx.change(conn, "account.set_password", msg,
                                {accounts.HASH: digest, accounts.KEEP_TOKEN: conn.token_hash})
        work.changed(uid)
        await self._sign_out(conn.account.id, "your password was changed on another computer; sign in again",
                             keep=conn)
        return reply

    async def _sign_out(self, user_id: int, why: str, keep: Connection | None = None) -> None:
        """Close every open connection of ``user_id`` but ``keep`` (its tokens are already revoked)."""
        for other in self.ctx.connections():
            if other is not keep and other.account is not None and other.account.id == user_id:
                await other.end(SIGNED_OUT, why)

    # -- after an account changed ------------------------------------------------------------
    async def _account_updated(self, actor: Account, msg: Message, reply: dict[str, Any],
                               notes: dict[str, Any]) -> None:
        updated = notes.get(accounts.UPDATED)
        if updated is None:
            return
        uid = updated["user_id"]
        fresh = await self.ctx.store.run(Store.account, uid)
        for conn in self.ctx.connections():
            if conn.account is None or conn.account.id != uid:
                continue
            if updated["deactivated"]:
                await conn.ws.close(DEACTIVATED_CODE, DEACTIVATED_REASON)
            elif fresh is not None:
                conn.account = fresh  # a new role counts on open connections at once


def _directory(store: Store, msg: Message, reply: dict[str, Any]) -> None:
    rows.extend_directory(store, reply)
    reply["studio"] = studio.profile(store)
