"""``ClientsFeature``: installs client records, packages and the credit ledger, group sessions and
waitlists, reports and emails to clients into a running server.

- ``client.create/update/import``, ``package.*``, ``package.sell/void/refund``, ``credits.adjust``,
  ``booking.add/remove``, ``waitlist.join/leave`` and ``reminder.settings`` are pipeline
  mutations with write hooks;
- ``client.search``, ``client.get``, ``credits.ledger``, ``package.list``, ``waitlist.get`` and
  ``reminder.settings.get`` are reads on the store's thread, ``report.run`` and ``client.export``
  on its reading connection (:mod:`..reader`: changes do not wait behind a year's report); ``reminder.test``
  sends a test email through :mod:`.mail` (a thread, never the loop);
- its steps in ``session.create/update/delete`` (after the calendar's): a group's other
  clients' credits, and the emails a booking, a move or a cancellation brings; in
  ``session.checkin`` (before the calendar's) a group's other client's attendance;
- a daily task lapses expired credits; the :class:`~.outbox.Outbox` sends client emails;
- ``directory.query`` gains ``capacity`` per session type, every page of its clients
  (``directory.clients``, the first in ``directory.query``) ``archived`` per client, and
  ``schedule.query`` the group fields of group sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...protocol import frames
from ...protocol.entities import Role
from ...protocol.errors import ErrorCode, ProtocolError, not_found
from ...protocol.messages import Empty, Message, present
from ...protocol.timefmt import now_utc
from .. import loops
from ..calendar import studio as calendar_studio
from ..calendar.booking import CHECKIN
from ..collab import settings
from ..connection import Connection
from ..features import FeatureContext
from ..hub import HubEvent
from ..notifications.smtp import SmtpConfig
from ..notifier_api import Notice, Recipients
from ..pipeline import Change, Stage
from ..store import Account, Store
from ..tables import clients, session_types
from . import (
    attendance,
    bookings,
    emails,
    erasure,
    export,
    groups,
    ledger,
    lots,
    mail,
    mail_password,
    outbox,
    packages,
    records,
    reports,
    search,
)
from .messages import (
    BookingAdd,
    BookingRemove,
    ClientErase,
    ClientExport,
    ClientFields,
    ClientGet,
    ClientImport,
    ClientSearch,
    ClientUpdate,
    CreditsAdjust,
    CreditsLedger,
    MailPassword,
    PackageCreate,
    PackageRefund,
    PackageSell,
    PackageUpdate,
    PackageVoid,
    ReminderSettings,
    ReminderTest,
    ReportRun,
    WaitlistGet,
    WaitlistJoin,
    WaitlistLeave,
)

log = logging.getLogger(__name__)

#: How often expired credits are lapsed.
LAPSE_INTERVAL_S = 24 * 3600.0
def _update_client(change: Change) -> None:
    """``client.update``; an address or consent given after the client was booked brings the
    reminders of their sessions ahead."""
    records.update_client(change)
    assert isinstance(change.msg, ClientUpdate)
    if {"email", "consent"} & present(change.msg.changes).keys():
        emails.remind_ahead(change.store, change.now, change.msg.id)


_WRITES = (
    ("client.create", ClientFields, records.create),
    ("client.update", ClientUpdate, _update_client),
    ("client.import", ClientImport, records.import_clients),
    ("package.create", PackageCreate, packages.create),
    ("package.update", PackageUpdate, packages.update_package),
    ("package.sell", PackageSell, packages.sell),
    ("package.void", PackageVoid, packages.void),
    ("package.refund", PackageRefund, packages.refund),
    ("credits.adjust", CreditsAdjust, packages.adjust),
    ("booking.add", BookingAdd, bookings.add),
    ("booking.remove", BookingRemove, bookings.remove),
    ("waitlist.join", WaitlistJoin, bookings.join),
    ("waitlist.leave", WaitlistLeave, bookings.leave),
)
#: How long an erasure waits for the notices of changes just made (each is a database write).
NOTICES_WAIT_S = 5.0
#: How long the studio's mail settings read once are used before they are read again.
MAIL_SETTINGS_KEPT_S = 30.0
#: Events after which client emails may be due at once (or may go at once: the studio's mail
#: server set, for those waiting for one).
_MAIL_EVENTS = ("session:", "client:", "studio:settings-changed")


class ClientsFeature:
    def __init__(
        self,
        ctx: FeatureContext,
        smtp: Callable[[], SmtpConfig | None],
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.ctx = ctx
        self.clock = clock
        #: The server's own mail settings (``--smtp-*``); the studio's, when set, come first.
        self.server_smtp = smtp
        #: The studio's mail server as last read, and when (None: read it again). Every notice
        #: and every outbox round asks for it. This server's own ``reminder.settings`` commits
        #: ``studio:settings-changed``, which drops it and moves ``_mail_epoch`` (so a read that
        #: began before is not kept); another instance's change of it is read within
        #: :data:`MAIL_SETTINGS_KEPT_S` (hub reactions hear only this server's own events).
        self._studio_mail: tuple[float, dict[str, Any]] | None = None
        self._mail_epoch = 0
        #: The studio mail server's password given from a desktop (in this machine's keyring).
        self.mail_password = mail_password.KeptPassword(lambda: ctx.store.epoch, lambda: ctx.store.shared)
        self.outbox = outbox.Outbox(ctx.store, self.smtp_config, clock)
        self.outbox.held_back = self._held_back
        self._lapse_task: asyncio.Task[None] | None = None
        #: Waits until the notifications of the changes committed so far are made (the server
        #: wires it to its notification service): an erasure then finds them too.
        self.notices_made: Callable[[], Awaitable[None]] | None = None

    def install(self) -> None:
        ctx = self.ctx
        for rtype, message, write in _WRITES:
            ctx.mutation(rtype, message)
            ctx.hook(rtype, Stage.WRITE, write)
        ctx.mutation("reminder.settings", ReminderSettings)
        ctx.hook("reminder.settings", Stage.WRITE, self._set_reminders)
        ctx.after_commit("booking.remove", self._offered)
        ctx.hook(frames.SESSION_CREATE, Stage.AFTER_WRITE, bookings.created, 30)
        ctx.hook(frames.SESSION_UPDATE, Stage.BEFORE_WRITE, bookings.refuse_a_client_twice, 10)
        ctx.hook(frames.SESSION_UPDATE, Stage.AFTER_WRITE, bookings.updated, 30)
        ctx.hook(frames.SESSION_DELETE, Stage.BEFORE_WRITE, bookings.deleting, 30)
        ctx.hook(frames.SESSION_DELETE, Stage.AFTER_WRITE, bookings.deleted, 30)
        # A group session carries its clients, capacity and places taken wherever a session is read
        # or changed: the schedule query, and the session.* replies and events (one dict for both).
        ctx.extend(frames.SCHEDULE_QUERY,
                   lambda store, _msg, reply: groups.decorate(store, reply["sessions"]))
        # a group's other client checks in on their own place, before the calendar's step (50)
        ctx.hook(CHECKIN, Stage.WRITE, attendance.checkin, 40)
        for rtype in (frames.SESSION_CREATE, frames.SESSION_UPDATE, CHECKIN):
            ctx.hook(rtype, Stage.AFTER_WRITE, _with_group_fields, 90)
        ctx.request("client.search", ClientSearch, self.client_search)
        ctx.request("client.get", ClientGet, self.client_get)
        ctx.request("client.export", ClientExport, self.client_export)
        ctx.request("credits.ledger", CreditsLedger, self.credits_ledger)
        ctx.request("package.list", Empty, self.package_list)
        ctx.request("report.run", ReportRun, self.report_run)
        ctx.request("waitlist.get", WaitlistGet, self.waitlist_get)
        ctx.request("reminder.settings.get", Empty, self.reminder_settings)
        ctx.request("reminder.test", ReminderTest, self.reminder_test)
        ctx.request("reminder.mail_password", MailPassword, self.set_mail_password)
        ctx.request("client.erase", ClientErase, self.erase_client)
        ctx.hook("client.erase", Stage.WRITE, erasure.erase)
        ctx.extend(frames.DIRECTORY_QUERY, _type_capacity)
        ctx.hook("session_type.update", Stage.AFTER_WRITE, groups.capacity_lowered)
        ctx.extend(frames.DIRECTORY_CLIENTS, _client_fields)
        ctx.on_events(self._events)

    async def start(self) -> None:
        await self.mail_password.load()
        opened = await self.ctx.store.run(_open_ledger, self.clock())
        if opened:
            log.info("%d client balance(s) got an opening ledger row", opened)
        given = await self.ctx.store.run(_give_back_lapsed, self.clock())
        if given:
            log.warning("%d credit(s) that lapses took from clients' other credits were given back", given)
        await self.outbox.start()
        self._lapse_task = asyncio.get_running_loop().create_task(self._lapse_loop())

    async def stop(self) -> None:
        await loops.cancel(self._lapse_task)
        self._lapse_task = None
        await self.outbox.stop()

    async def lapse(self) -> int:
        """Lapse expired credits now (the daily task does this); returns the credits that lapsed."""
        return int(await self.ctx.store.run(_lapse, self.clock()))

    async def _lapse_loop(self) -> None:
        while True:
            try:
                lapsed = await self.lapse()
                if lapsed:
                    log.info("%d expired credit(s) lapsed", lapsed)
            except Exception:
                log.exception("lapsing expired credits failed")
            await asyncio.sleep(LAPSE_INTERVAL_S)

    def _events(self, batch: list[HubEvent]) -> None:
        if any(e.event.kind == "studio:settings-changed" for e in batch):
            self._studio_mail = None
            self._mail_epoch += 1
        if any(e.event.kind.startswith(_MAIL_EVENTS) for e in batch):
            self.outbox.wake()

    # -- reads -------------------------------------------------------------------------------
    async def client_search(self, conn: Connection, msg: ClientSearch) -> dict[str, Any]:
        return dict(await self.ctx.store.run(search.search, msg, self.clock()))

    async def client_get(self, conn: Connection, msg: ClientGet) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            window = calendar_studio.cancellation_window(store).total_seconds() / 3600
            return search.card(store, msg.id, self.clock(), window)

        return dict(await self.ctx.store.run(read))

    async def client_export(self, conn: Connection, msg: ClientExport) -> dict[str, Any]:
        return dict(await self.ctx.store.read(export.page, msg))  # beside the changes, not before them

    async def erase_client(self, conn: Connection, msg: ClientErase) -> dict[str, Any]:
        """The long look for what names the client runs on the reading connection; the change then
        rewrites what it found (and what came after) on the writer."""
        found = await self.ctx.store.read(erasure.find, msg, self.clock())
        if self.notices_made is not None:  # a notice of a change just made names the client too
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.notices_made()), NOTICES_WAIT_S)
        return await self.ctx.change(conn, "client.erase", msg, {erasure.FOUND: found})

    async def credits_ledger(self, conn: Connection, msg: CreditsLedger) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            records.row(store, msg.client_id, "client_id")
            return ledger.page(store, msg.client_id, msg.before, msg.limit)

        return dict(await self.ctx.store.run(read))

    async def package_list(self, conn: Connection, msg: Message) -> dict[str, Any]:
        return dict(await self.ctx.store.run(packages.listing))

    async def waitlist_get(self, conn: Connection, msg: WaitlistGet) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            if store.session(msg.session_id) is None:
                raise not_found(f"no session with id {msg.session_id}", field="session_id")
            return {"session_id": msg.session_id, "waitlist": bookings.waitlist_of(store, msg.session_id)}

        return dict(await self.ctx.store.run(read))

    async def report_run(self, conn: Connection, msg: ReportRun) -> dict[str, Any]:
        account = conn.account
        assert account is not None
        if account.role is not Role.ADMIN:
            msg = _own_only(account, msg)
        # On the reading connection: a year's report must not hold up every PC's changes.
        return dict(await self.ctx.store.read(reports.run, msg, self.clock()))

    # -- emails to clients: settings and the mail server ----------------------------------------
    async def smtp_config(self) -> SmtpConfig | None:
        """The mail server emails to clients go through now (the studio's, else the server's)."""
        kept = self._studio_mail
        if kept is not None and time.monotonic() - kept[0] < MAIL_SETTINGS_KEPT_S:
            return mail.effective(kept[1], self.server_smtp(), self.mail_password.value)
        epoch = self._mail_epoch
        studio = await self.ctx.store.run(mail.studio_smtp)
        if epoch == self._mail_epoch:
            self._studio_mail = (time.monotonic(), studio)
        return mail.effective(studio, self.server_smtp(), self.mail_password.value)

    def _set_reminders(self, change: Change) -> None:
        emails.set_settings(change)
        change.reply["smtp"] = mail.wire(mail.studio_smtp(change.store), self.server_smtp(),
                                         self.mail_password.value)

    async def reminder_settings(self, conn: Connection, msg: Message) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            return {"settings": emails.reminder_settings(store),
                    "smtp": mail.wire(mail.studio_smtp(store), self.server_smtp(), self.mail_password.value)}

        return dict(await self.ctx.store.run(read))

    async def set_mail_password(self, conn: Connection, msg: MailPassword) -> dict[str, Any]:
        """Keep (or with "" forget) the studio mail server's password; the reply is the settings
        as ``reminder.settings.get`` gives them, saying whether one is kept — never the password.
        It is refused where it came over the network unencrypted (the studio's email account is
        worth more than a sign-in to the schedule)."""
        if msg.password and not conn.private:
            raise mail_password.refused(
                "plain-connection", "this password came over the network unencrypted, so it is not "
                "kept; connect with TLS (wss://, swan-server's default) or give it on the server's "
                "own computer, and change it at the mail provider if the network is not the studio's")
        await self.mail_password.keep(msg.password)
        self.outbox.wake()  # what waited for the password goes now
        log.info("the studio's mail password was %s by %s", "kept" if msg.password else "forgotten",
                 conn.account.user.name if conn.account is not None else "?")
        return await self.reminder_settings(conn, msg)

    async def reminder_test(self, conn: Connection, msg: ReminderTest) -> dict[str, Any]:
        name = await self.ctx.store.run(lambda store: settings.read(store).get("studio_name") or "Swan")
        return await mail.send_test(await self.smtp_config(), msg.to, str(name))

    async def _held_back(self, rows: list[dict[str, Any]], now: datetime) -> None:
        """A client's emails past their day's share are not sent: the admins hear, with what the
        first of them was about, so that the desk calls the client (a cancellation among them would
        otherwise never reach them). Once a studio day per client, whichever instance holds them
        back and however often it restarts."""
        name, about, day = await self.ctx.store.run(outbox.held_words, rows[0], now)
        client_id = int(rows[0]["client_id"])
        await self.ctx.notifier.notify(Recipients.admins(), Notice(
            "Emails to a client held back",
            f"{name} was sent {emails.DAILY_MOST} emails in the last 24 hours, the most a client is sent "
            f"in a day, so the rest today are not sent ({about}). Call them if a session of theirs "
            "changed.",
            category="schedule", priority="high", source="clients",
            links={"client": client_id}, once=f"held-back:{client_id}:{day}"))

    # -- after a place freed -------------------------------------------------------------------
    async def _offered(
        self, actor: Account, msg: Message, reply: dict[str, Any], notes: dict[str, Any]
    ) -> None:
        offer = notes.get(bookings.OFFER)
        if offer is None:
            return
        trainer_user = await self.ctx.store.run(_trainer_user, offer["trainer_id"])
        recipients = Recipients(
            user_ids=frozenset({trainer_user}) if trainer_user else frozenset(), roles=frozenset({"admin"})
        )
        await self.ctx.notifier.notify(
            recipients,
            Notice(
                "A place is free",
                f"{offer['client_name']} is first on the waitlist for the session at "
                f"{offer['start']}; book them with booking.add",
                category="schedule",
                links={"session": offer["session_id"]},
            ),
        )


def _own_only(account: Account, msg: ReportRun) -> ReportRun:
    """A trainer's report is about their own trainer; credits and revenue are the studio's."""
    if msg.kind in ("credits", "revenue"):
        raise ProtocolError(ErrorCode.FORBIDDEN, f"only an admin may run the {msg.kind} report")
    if account.trainer_id is None:
        raise ProtocolError(ErrorCode.FORBIDDEN, "your account is not linked to a trainer")
    if msg.trainer_id is not None and msg.trainer_id != account.trainer_id:
        raise ProtocolError(
            ErrorCode.FORBIDDEN,
            "a trainer may run reports on their own sessions only",
            {"field": "trainer_id"},
        )
    return ReportRun(kind=msg.kind, start=msg.start, end=msg.end, by=msg.by, trainer_id=account.trainer_id)


def _trainer_user(store: Store, trainer_id: int) -> int | None:
    from ..tables import users

    return store.db.execute(select(users.c.id).where(users.c.trainer_id == trainer_id)).scalar()


def _open_ledger(store: Store, now: datetime) -> int:
    with store.transaction():
        return ledger.opening_rows(store, now)


def _give_back_lapsed(store: Store, now: datetime) -> int:
    with store.transaction() as tx:
        return lots.give_back_lapsed(store, tx, now)


def _lapse(store: Store, now: datetime) -> int:
    with store.transaction() as tx:
        return lots.lapse(store, tx, now)


def _type_capacity(store: Store, msg: Message, reply: dict[str, Any]) -> None:
    """``directory.query``'s session types with their capacity."""
    caps = {r.id: r.capacity for r in store.db.execute(select(session_types.c.id, session_types.c.capacity))}
    for kind in reply.get("session_types", []):
        kind["capacity"] = caps.get(kind["id"], 1)


def _client_fields(store: Store, msg: Message, reply: dict[str, Any]) -> None:
    """A page of the directory's clients (the first is in ``directory.query``) with ``archived``."""
    listed = reply.get("clients", [])
    ids = [client["id"] for client in listed]
    archived = {r.id: bool(r.archived) for r in store.db.execute(
        select(clients.c.id, clients.c.archived).where(clients.c.id.in_(ids)))} if ids else {}
    for client in listed:
        client["archived"] = archived.get(client["id"], False)


def _with_group_fields(change: Change) -> None:
    """Give the change's reply session (the same dict its event carries) the group fields."""
    for key in ("session", "sessions"):
        value = change.reply.get(key)
        wires = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        groups.decorate(change.store, wires)
