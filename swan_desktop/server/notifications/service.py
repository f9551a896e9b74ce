"""``NotificationService``: the server's :class:`~..notifier_api.Notifier`.

It stores notifications with per-recipient state, tells each recipient's PCs
through ``notification:*`` events, answers the ``notification.*`` requests,
derives notices from committed schedule events (hub reaction), scans for
sessions still unconfirmed a day ahead, watches for bursts of failed sign-ins
and emails those who opted in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from ...domain.permissions import allowed
from ...protocol.entities import Role
from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.messages import Empty, SessionFields, SessionUpdate, present, time_field
from ...protocol.timefmt import format_ts, now_utc
from ..connection import Connection
from ..features import FeatureContext
from ..hub import Hub
from ..notifier_api import PRIORITIES, Notice, Recipients
from ..pipeline import Change, Stage
from ..store import Account, HubEvent, Store
from ..worker import AsyncStore
from . import prefs, records, smtp, triggers
from .messages import (
    Announcement,
    EmailConfirm,
    NotificationAction,
    NotificationMark,
    NotificationQuery,
    PrefsChange,
)
from .records import ACKNOWLEDGE, OPEN_CLIENT, Action
from .tables import notification_deliveries

log = logging.getLogger(__name__)

#: Failed sign-ins for one username within the window that make a security alert.
FAILED_SIGN_INS = 5
FAILED_WINDOW = timedelta(minutes=5)
SCAN_INTERVAL_S = 300.0
DIGEST_INTERVAL_S = 3600.0
_RANK = {p: i for i, p in enumerate(PRIORITIES)}


class NotificationService:
    def __init__(self, store: AsyncStore, hub: Hub, *, smtp_config: smtp.SmtpConfig | None = None,
                 clock: Callable[[], datetime] = now_utc) -> None:
        self._store = store
        #: The server's own mail settings (``--smtp-*``).
        self.smtp_config = smtp_config
        #: The mail server in use now: the studio's when an admin set one (given by the clients
        #: feature, which keeps it), else the server's.
        self.studio_mail: Callable[[], Awaitable[smtp.SmtpConfig | None]] | None = None
        #: The time the service believes it is (tests move it instead of waiting).
        self.clock = clock
        self.scan_interval_s = SCAN_INTERVAL_S
        self.digest_interval_s = DIGEST_INTERVAL_S
        self._tasks: set[asyncio.Task[Any]] = set()
        #: Those of them that turn committed events into notifications (:meth:`reacted`).
        self._reacting: set[asyncio.Task[Any]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)
        #: Whether committed schedule events and failed sign-ins create notifications (on in production;
        #: tests of other features that count events exactly turn it off).
        self.triggers = True
        hub.react(self._on_events)

    # -- lifecycle ------------------------------------------------------------
    def install(self, ctx: FeatureContext) -> None:
        """Register the ``notification.*`` requests; marks and actions are changes (the pipeline)."""
        ctx.request("notification.query", NotificationQuery, self.query)
        ctx.mutation("notification.mark", NotificationMark)
        ctx.hook("notification.mark", Stage.WRITE, lambda change: _mark(change, self.clock()))
        ctx.mutation("notification.action", NotificationAction)
        ctx.hook("notification.action", Stage.WRITE, lambda change: _action(change, self.clock()))
        ctx.request("notification.announce", Announcement, self.announce)
        ctx.request("notification.prefs.get", Empty, self.prefs_get)
        ctx.request("notification.prefs.set", PrefsChange, self.prefs_set)
        ctx.request("notification.email.confirm", EmailConfirm, self.email_confirm)
        ctx.request("notification.email.resend", Empty, self.email_resend)

    async def mail_config(self) -> smtp.SmtpConfig | None:
        """The mail server notices and codes go through now (the studio's, else the server's)."""
        return await self.studio_mail() if self.studio_mail is not None else self.smtp_config

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._loops = [loop.create_task(self._every(lambda: self.scan_interval_s, self.scan_unconfirmed)),
                       loop.create_task(self._every(lambda: self.digest_interval_s, self.flush_digests))]

    async def stop(self) -> None:
        for task in [*self._loops, *self._tasks]:
            task.cancel()
        for task in [*self._loops, *self._tasks]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loops.clear()
        self._tasks.clear()

    async def idle(self) -> None:
        """Wait until every background job started so far (reactions, emails) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def reacted(self) -> None:
        """Wait until the notifications of every change committed so far are made (not their
        emails): a client's erasure must find them, so none is written after it."""
        while self._reacting:
            await asyncio.gather(*list(self._reacting), return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("notification job failed", exc_info=task.exception())

    async def _every(self, interval: Callable[[], float],
                     job: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        while True:
            await asyncio.sleep(interval())
            try:
                await job()
            except Exception:
                log.exception("periodic notification job failed")

    # -- creating ---------------------------------------------------------------
    async def notify(self, recipients: Recipients, notice: Notice) -> None:
        actions: tuple[Action, ...] = (OPEN_CLIENT,) if "client" in notice.links else ()
        if _RANK[notice.priority] >= _RANK["high"]:
            actions += (ACKNOWLEDGE,)
        await self.create(recipients, notice, actions, mark=notice.once)

    async def create(self, recipients: Recipients, notice: Notice, actions: tuple[Action, ...] = (),
                     mark: str | None = None) -> int | None:
        made = await self._store.run(records.create, recipients, notice, actions, mark=mark,
                                     at=self.clock())
        if made is None:
            return None
        nid, users = made
        self._spawn(self._email(nid, users, notice))
        return nid

    def _on_events(self, events: list[HubEvent]) -> None:
        if not self.triggers:
            return
        noted = [e for e in events if triggers.may_notify(e)]
        if noted:
            task = self._spawn(self._react(noted))
            self._reacting.add(task)
            task.add_done_callback(self._reacting.discard)

    async def _react(self, events: list[HubEvent]) -> None:
        for planned in await self._store.run(triggers.notices_for, events):
            await self.create(planned.recipients, planned.notice, planned.actions, planned.mark)

    async def scan_unconfirmed(self) -> int:
        """Report sessions starting within 24 h that are still unconfirmed, and (once a studio day)
        past sessions left open; returns how many notices were new."""
        made = 0
        now = self.clock()
        for scan in (triggers.unconfirmed_soon, triggers.left_open):
            for planned in await self._store.run(scan, now):
                if await self.create(planned.recipients, planned.notice, planned.actions, planned.mark):
                    made += 1
        return made

    def sign_in_failed(self, username: str | None, address: str = "") -> None:
        """Called by the authenticator for each refused password (loop thread).

        ``username`` is the account's own name when the account exists, None
        otherwise: what an unauthenticated peer typed is never quoted.
        """
        if not self.triggers:
            return
        now = self.clock()
        key = f"user:{username}" if username is not None else f"address:{address}"
        seen = self._failures[key]
        seen.append(now)
        while seen and now - seen[0] > FAILED_WINDOW:
            seen.popleft()
        if len(seen) >= FAILED_SIGN_INS:
            count = len(seen)
            seen.clear()
            minutes = int(FAILED_WINDOW.total_seconds() // 60)
            who = f"the user “{username}”" if username is not None else "an unknown user name"
            where = f" from {address}" if address else ""
            notice = Notice("Repeated failed sign-ins",
                            f"{count} failed sign-ins for {who}{where} within {minutes} minutes.",
                            category="security", priority="critical", source="auth")
            self._spawn(self.notify(Recipients.admins(), notice))

    # -- email -----------------------------------------------------------------
    async def _email(self, nid: int, users: list[int], notice: Notice) -> None:
        config = await self.mail_config()
        if config is None:
            return
        for user_id, address, wanted in await self._store.run(prefs.email_targets, users):
            if _RANK[notice.priority] >= _RANK[wanted["min_priority"]]:
                msg = smtp.build_message(config.sender, address, f"[Swan] {notice.title}",
                                         f"{notice.message}\n\nPriority: {notice.priority}\n"
                                         f"Category: {notice.category}\n")
                self._spawn(smtp.send_with_retries(config, msg, self._recorder([nid], user_id)))
            elif notice.priority == "low" and wanted["digest"]:
                await self._store.run(records.record_delivery, nid, user_id, "email", "digest", 0)

    def _recorder(self, nids: list[int], user_id: int) -> smtp.Recorder:
        async def record(status: str, attempts: int, detail: str) -> None:
            for nid in nids:
                await self._store.run(records.record_delivery, nid, user_id, "email", status, attempts,
                                      detail)
        return record

    async def flush_digests(self) -> int:
        """Send each user one email listing their waiting low-priority notices; returns emails sent."""
        config = await self.mail_config()
        if config is None:
            return 0
        sent = 0
        for user_id, address, items in await self._store.run(_digest_batches):
            lines = [f"- {n['created_at']} [{n['category']}] {n['title']}: {n['message']}" for n in items]
            msg = smtp.build_message(config.sender, address, f"[Swan] Digest: {len(items)} notifications",
                                     "Low-priority notifications since the last digest:\n\n"
                                     + "\n".join(lines) + "\n")
            if await smtp.send_with_retries(config, msg, self._recorder([n["id"] for n in items], user_id)):
                sent += 1
        return sent

    # -- requests ---------------------------------------------------------------
    async def query(self, conn: Connection, msg: NotificationQuery) -> dict[str, Any]:
        filters = present(msg)
        for key in ("since", "until"):
            if filters.get(key) is not None:
                filters[key] = format_ts(time_field(filters[key], key))
        return await self._store.run(records.query, _account(conn).id, filters)

    async def announce(self, conn: Connection, msg: Announcement) -> dict[str, Any]:
        if not msg.title.strip():
            raise invalid("title must be text of 1–200 characters", field="title")
        roles = frozenset(r.value for r in Role) if msg.role is None else frozenset({msg.role})
        account = _account(conn)
        notice = Notice(msg.title.strip(), msg.message, category="user", priority=msg.priority,
                        source=f"announcement by {account.name}", links={"user": account.id})
        actions = (ACKNOWLEDGE,) if _RANK[msg.priority] >= _RANK["high"] else ()
        nid = await self.create(Recipients(roles=roles), notice, actions)
        return {"id": nid}

    async def prefs_get(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        return {"prefs": await self._store.run(prefs.prefs, _account(conn).id)}

    async def prefs_set(self, conn: Connection, msg: PrefsChange) -> dict[str, Any]:
        """A new address waits for its code, emailed now (one attempt): the reply's
        ``confirmation`` says whether it went, or why not."""
        account = _account(conn)
        config = await self.mail_config()
        wire, code = await self._store.run(prefs.set_prefs, account.id, present(msg), self.clock(),
                                           config is not None)
        reply: dict[str, Any] = {"prefs": wire}
        if code is not None:
            reply["confirmation"] = await self._send_code(config, account, code)
        return reply

    async def email_resend(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        account = _account(conn)
        config = await self.mail_config()
        code = await self._store.run(prefs.resend, account.id, self.clock(), config is not None)
        return {"confirmation": await self._send_code(config, account, code)}

    async def _send_code(self, config: smtp.SmtpConfig | None, account: Account, code: prefs.Code
                         ) -> dict[str, Any]:
        if config is None or not code.code:
            return {"to": code.address, "sent": False,
                    "detail": "no mail server is set up: an admin gives the studio's in Clients › Emails"}
        hours = int(prefs.CODE_TTL.total_seconds() // 3600)
        body = (f"{code.code} is the code that confirms this address for {account.name}'s Swan "
                "notifications.\n\nType it in Swan Desktop under Settings › Notifications › Email. "
                f"It holds for {hours} hour{'s' if hours != 1 else ''}.\n\nIf you did not ask for it, "
                "ignore this email: nothing more is sent to this address unless the code is typed in.\n")
        msg = smtp.build_message(config.sender, code.address, "[Swan] Your confirmation code", body)
        detail = await smtp.send_now(config, msg)
        if detail:
            log.warning("the confirmation code for user %s was not sent: %s", account.id, detail)
        return {"to": code.address, "sent": not detail, "detail": detail}

    async def email_confirm(self, conn: Connection, msg: EmailConfirm) -> dict[str, Any]:
        return {"prefs": await self._store.run(prefs.confirm, _account(conn).id, msg.code, self.clock())}


def _account(conn: Connection) -> Account:
    assert conn.account is not None
    return conn.account


def _mark(change: Change, at: datetime) -> None:
    msg = change.msg
    assert isinstance(msg, NotificationMark)
    change.reply = {"updated": records.apply_mark(change.store, change.tx, change.actor.id, list(msg.ids),
                                                  msg.op, at)}


def _action(change: Change, at: datetime) -> None:
    """Run one of a notification's buttons; a schedule change goes through the session's own
    pipeline (locks, the booking workflow and the activity feed apply)."""
    msg, store, actor = change.msg, change.store, change.actor
    assert isinstance(msg, NotificationAction)
    note = records.for_user(store, actor.id, msg.id)
    if note is None:
        raise not_found(f"no notification {msg.id} for you", field="id")
    found = next((a for a in note["actions"] if a["id"] == msg.action), None)
    if found is None:
        raise invalid(f"notification {msg.id} has no action {msg.action!r}", field="action")
    if found["dangerous"] and not msg.confirm:
        raise invalid(f"“{found['label']}” needs confirm: true", field="confirm", reason="confirm_required")
    result: dict[str, Any] = {}
    if found["id"] == "confirm_session":
        if not allowed(actor.role, "session.update"):
            raise ProtocolError(ErrorCode.FORBIDDEN, f"role {actor.role.value!r} may not confirm sessions")
        sid = triggers.session_link(note)
        session = store.session(sid) if sid is not None else None
        if session is None:
            raise not_found("the session of this notification no longer exists", field="id")
        update = SessionUpdate(id=session.id, version=session.version,
                               changes=SessionFields(status="confirmed"))
        result = change.pipeline.nested(change, "session.update", update)
    elif found["id"] == "open_session":
        result = {"open": _session_to_open(store, triggers.session_link(note))}
    elif found["id"] == "open_client":
        result = {"open": {"client": note.get("links", {}).get("client")}}
    records.apply_mark(store, change.tx, actor.id, [msg.id], "acknowledge", at)
    change.reply = result


def _session_to_open(store: Store, session_id: int | None) -> dict[str, Any]:
    """What "Open session" answers: the session and when it starts, so a desktop that has not
    loaded that day (a notice about next month) goes to it; ``start`` is null once it was deleted."""
    session = store.session(session_id) if session_id is not None else None
    return {"session": session_id, "start": format_ts(session.start) if session is not None else None}


#: A digest line claimed by the server sending it (its status until the send's outcome is recorded).
CLAIMED = "sending"


def _digest_batches(store: Store) -> list[tuple[int, str, list[dict[str, Any]]]]:
    """The waiting digest lines by user, claimed in one write transaction: in a studio group every
    instance runs this loop, and the write lock lets only one of them claim a line (each email once)."""
    d = notification_deliveries.c
    out = []
    with store.transaction():
        rows = store.db.execute(select(d.notification_id, d.user_id)
                                .where(d.channel == "email", d.status == "digest")
                                .order_by(d.user_id, d.notification_id)).mappings()
        by_user: dict[int, list[int]] = defaultdict(list)
        for r in rows:
            by_user[r["user_id"]].append(r["notification_id"])
        for user_id, nids in by_user.items():
            address = prefs.prefs(store, user_id)["email"]
            items = [n for n in (records.for_user(store, user_id, nid) for nid in nids) if n is not None]
            if address and items:
                out.append((user_id, str(address), items))
                store.db.execute(update(notification_deliveries).where(
                    d.channel == "email", d.status == "digest", d.user_id == user_id,
                    d.notification_id.in_([n["id"] for n in items])).values(status=CLAIMED))
    return out
