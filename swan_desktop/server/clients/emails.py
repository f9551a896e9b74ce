"""Emails to clients: booking confirmations (with an ``.ics``), reminders and cancellation notices.

Queued inside the change that causes them (:func:`queue`), as rows of
``client_emails`` with a unique (session, client, kind): a retried or repeated
change cannot queue one twice. :class:`Outbox` sends what is due: it marks a
row ``sending`` in a transaction of its own *before* it talks to the mail
server and ``sent`` after, so a server that stops between the two never sends
it again (at most once; it is listed as ``failed`` with the reason). Only
clients with an email and ``consent.reminders`` get them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import case, select, union, update

from ...domain.ics import export_sessions
from ...protocol.entities import Session, Status
from ...protocol.errors import invalid
from ...protocol.messages import present
from ...protocol.timefmt import format_ts, now_utc, parse_ts
from ..calendar import studio as calendar_studio
from ..collab import settings
from ..collab.tables import studio_settings
from ..notifications import smtp
from ..pipeline import Change
from ..storage import dialect
from ..store import Store, session_from_row
from ..worker import AsyncStore
from . import groups, mail, records
from .messages import ReminderSettings
from .tables import client_emails, session_clients

log = logging.getLogger(__name__)

KINDS = ("confirmation", "reminder", "cancellation", "offer", "change")
_SUBJECTS = {
    "confirmation": "Booking confirmed",
    "change": "Booking changed",
    "reminder": "Reminder",
    "cancellation": "Booking cancelled",
    "offer": "A place is free",
}
_SET = dialect.upsert(studio_settings, ("value",))
POLL_S = 30.0
#: After a pass, wakes within this long are one pass: a storm of session changes (each may queue
#: an email) costs a few passes a second, not a database read per committed group.
COALESCE_S = 0.25
BATCH = 50
#: Why an email to a client whose personal data was erased before it went is never sent.
NOT_SENT = "not sent: the client's personal data was erased"
#: Why one is not sent when the client's record, by the time it is due, has no email address or
#: no longer agrees to reminders (it goes to the address the record has then).
WITHDRAWN = "not sent: the client has no email address or no longer agrees to emails"
#: Why one is not sent when the studio switched that kind of email off after it was queued.
SWITCHED_OFF = "not sent: the studio switched these emails off"


# -- settings ----------------------------------------------------------------------------------
def reminder_settings(store: Store) -> dict[str, Any]:
    values = settings.read(store)
    return {
        "hours_before": int(values.get("reminder_hours_before") or 24),
        "confirmations": values.get("reminder_confirmations", "true") == "true",
        "cancellations": values.get("reminder_cancellations", "true") == "true",
        "enabled": values.get("reminder_enabled", "true") == "true",
    }


def set_settings(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, ReminderSettings)
    given = present(msg)
    if not given:
        raise invalid("give at least one of hours_before, confirmations, cancellations, enabled, smtp")
    smtp_fields = given.pop("smtp", None)
    if smtp_fields is not None:
        mail.write(change.store, smtp_fields)
    was_on = reminder_settings(change.store)["enabled"]
    for key, value in given.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        change.store.db.execute(_SET, {"key": f"reminder_{key}", "value": text})
    if "hours_before" in given:
        _redue(change.store, int(given["hours_before"]), change.now)
    if given.get("enabled") and not was_on:
        _resume(change.store, change.now)
    current = reminder_settings(change.store)
    change.emit("studio:settings-changed", {"settings": settings.read(change.store)}, primary=True)
    change.reply = {"settings": current}


# -- queueing (inside a change's transaction) --------------------------------------------------------
def _address(store: Store, client_id: int) -> str:
    from ..tables import clients

    row = store.db.execute(
        select(clients.c.email, clients.c.consent_reminders).where(clients.c.id == client_id)
    ).first()
    return str(row.email) if row is not None and row.email and row.consent_reminders else ""


def queue(store: Store, session: Session, client_id: int, kind: str, now: datetime) -> bool:
    """Queue one email (once per session, client and kind); False when it is not to be sent."""
    to = _address(store, client_id)
    rules = reminder_settings(store)
    if not to or session.start <= now or not _wanted(rules, kind):
        return False
    due = now
    if kind == "reminder":
        due = max(now, session.start - timedelta(hours=rules["hours_before"]))
    result = store.db.execute(
        dialect.insert_ignore(client_emails),
        {
            "session_id": session.id,
            "client_id": client_id,
            "kind": kind,
            "due_at": format_ts(due),
            "status": "pending",
            "to_addr": to,
            "subject": _SUBJECTS[kind],
            "created_at": format_ts(now),
        },
    )
    return bool(result.rowcount)


def _wanted(rules: dict[str, Any], kind: str) -> bool:
    """Whether the studio sends emails of ``kind`` (its reminder settings)."""
    switch = {"confirmation": "confirmations", "change": "confirmations", "cancellation": "cancellations",
              "reminder": "enabled"}
    return kind not in switch or bool(rules[switch[kind]])


def booked(store: Store, session: Session, client_id: int, now: datetime) -> None:
    queue(store, session, client_id, "confirmation", now)
    queue(store, session, client_id, "reminder", now)


def remind_ahead(store: Store, now: datetime, client_id: int | None = None) -> None:
    """Reminders for the sessions ahead of every client who can be emailed (or of one client),
    where they have none: booked while reminders were off, or before the client gave an address
    or their consent. One read and one insert: a studio's bookings a year ahead are tens of
    thousands."""
    from ..tables import clients, sessions

    rules = reminder_settings(store)
    if not rules["enabled"]:
        return
    pairs = union(
        select(sessions.c.id.label("session_id"), sessions.c.client_id.label("client_id"))
        .where(sessions.c.client_id.is_not(None)),
        select(session_clients.c.session_id, session_clients.c.client_id),
    ).subquery()
    moment = format_ts(now)
    query = (
        select(sessions.c.id, sessions.c.start, clients.c.id.label("client"), clients.c.email)
        .select_from(pairs.join(sessions, sessions.c.id == pairs.c.session_id)
                     .join(clients, clients.c.id == pairs.c.client_id))
        .where(sessions.c.start > moment, sessions.c.status != Status.CANCELLED.value,
               clients.c.email != "", clients.c.consent_reminders != 0)
    )
    if client_id is not None:
        query = query.where(pairs.c.client_id == client_id)
    before = timedelta(hours=rules["hours_before"])
    rows = [{"session_id": r.id, "client_id": r.client, "kind": "reminder", "status": "pending",
             "due_at": format_ts(max(now, parse_ts(r.start) - before)), "to_addr": r.email,
             "subject": _SUBJECTS["reminder"], "created_at": moment}
            for r in store.db.execute(query)]
    if rows:
        store.db.execute(dialect.insert_ignore(client_emails), rows)


def _resume(store: Store, now: datetime) -> None:
    """Reminders switched back on: the ones dropped because they were off go again if their session
    is still ahead, and the sessions booked meanwhile get theirs."""
    from ..tables import sessions

    ahead = select(sessions.c.id).where(sessions.c.start > format_ts(now),
                                        sessions.c.status != Status.CANCELLED.value)
    store.db.execute(
        update(client_emails)
        .where(client_emails.c.kind == "reminder", client_emails.c.status == "dropped",
               client_emails.c.detail == SWITCHED_OFF, client_emails.c.to_addr != "",
               client_emails.c.session_id.in_(ahead))
        .values(status="pending", detail="")
    )
    remind_ahead(store, now)


def changed(store: Store, session: Session, client_id: int, now: datetime) -> None:
    """The booked session's time, room or trainer changed: the client is told, with the session's
    ``.ics`` (the same UID, a higher SEQUENCE: their calendar moves the event). One row per
    (session, client): a later change sends it again. Nothing while the confirmation has not gone
    yet (it is written when it goes, so it has the change)."""
    to = _address(store, client_id)
    if not to or session.start <= now or not _wanted(reminder_settings(store), "change"):
        return
    theirs = (client_emails.c.session_id == session.id, client_emails.c.client_id == client_id)
    confirming = store.db.execute(select(client_emails.c.id).where(
        *theirs, client_emails.c.kind == "confirmation", client_emails.c.status == "pending")).first()
    if confirming is not None or queue(store, session, client_id, "change", now):
        return
    done = client_emails.c.status.in_(("sent", "failed", "dropped"))
    store.db.execute(
        update(client_emails)
        .where(*theirs, client_emails.c.kind == "change", done)
        .values(status="pending", due_at=format_ts(now), to_addr=to, detail="", message_id=None, sent_at=None)
    )


def cancelled(store: Store, session: Session, client_id: int, now: datetime) -> None:
    drop(store, session.id, client_id)
    queue(store, session, client_id, "cancellation", now)


def drop(store: Store, session_id: int, client_id: int | None = None) -> None:
    """Unsent emails about a session (for one client) that no longer apply."""
    query = update(client_emails).where(
        client_emails.c.session_id == session_id,
        client_emails.c.status == "pending",
        client_emails.c.kind.in_(("confirmation", "reminder", "offer")),
    )
    if client_id is not None:
        query = query.where(client_emails.c.client_id == client_id)
    store.db.execute(query.values(status="dropped"))


def _redue(store: Store, hours: int, now: datetime) -> None:
    """The studio changed ``hours_before``: every reminder still waiting follows it (one statement:
    a studio with a year of bookings ahead has tens of thousands)."""
    from ..tables import sessions

    start = select(sessions.c.start).where(sessions.c.id == client_emails.c.session_id).scalar_subquery()
    due = dialect.hours_earlier(start, hours)
    moment = format_ts(now)
    store.db.execute(
        update(client_emails)
        .where(client_emails.c.status == "pending", client_emails.c.kind == "reminder")
        .values(due_at=case((due < moment, moment), else_=due))
    )


def moved(store: Store, session: Session) -> None:
    """A session moved: its unsent reminders follow the new start."""
    hours = reminder_settings(store)["hours_before"]
    store.db.execute(
        update(client_emails)
        .where(
            client_emails.c.session_id == session.id,
            client_emails.c.status == "pending",
            client_emails.c.kind == "reminder",
        )
        .values(due_at=format_ts(session.start - timedelta(hours=hours)))
    )


# -- sending -------------------------------------------------------------------------------------
def _claim(store: Store, now: datetime, limit: int = BATCH) -> list[dict[str, Any]]:
    """Due rows, marked ``sending`` in one transaction (so each is handed out once)."""
    with store.transaction():
        rows = [
            dict(r)
            for r in store.db.execute(
                select(client_emails)
                .where(client_emails.c.status == "pending", client_emails.c.due_at <= format_ts(now))
                .order_by(client_emails.c.due_at, client_emails.c.id)
                .limit(limit)
            ).mappings()
        ]
        if rows:
            store.db.execute(
                update(client_emails)
                .where(client_emails.c.id.in_([r["id"] for r in rows]))
                .values(status="sending")
            )
    return rows


def _interrupted(store: Store) -> int:
    """Rows a stopped server left ``sending``: perhaps sent, so never again (listed as failed)."""
    with store.transaction():
        result = store.db.execute(
            update(client_emails)
            .where(client_emails.c.status == "sending")
            .values(status="failed", detail="the server stopped while sending")
        )
    return int(result.rowcount)


def _finish(store: Store, row: dict[str, Any], status: str, detail: str, message_id: str | None,
            to: str = "") -> None:
    """The outcome of a claimed row, and the address it went ``to`` (the client's as it was then).
    The mail server's answer may quote the address: if the client was erased while it was in
    flight (its row's address is gone), the address is taken out of it and not written. One
    statement, so that the row's address is read where the outcome is written (on PostgreSQL an
    erasure committed meanwhile by another instance is seen)."""
    scrubbed = detail
    for address in {row["to_addr"], to} - {""}:
        scrubbed = scrubbed.replace(address, records.ERASED)
    erased = client_emails.c.to_addr == ""
    with store.transaction():
        store.db.execute(
            update(client_emails)
            .where(client_emails.c.id == row["id"])
            .values(
                status=status,
                to_addr=case((erased, ""), else_=to or client_emails.c.to_addr),
                detail=case((erased, scrubbed), else_=detail),
                message_id=message_id,
                sent_at=format_ts(now_utc()) if status == "sent" else None,
            )
        )


def compose(store: Store, row: dict[str, Any], sender: str) -> EmailMessage | str:
    """The message for a claimed outbox row, or why it is not sent: the client was erased since it
    was claimed (a batch is claimed at once and sent one by one), their record has no address or
    consent now, the studio switched that kind off, or the session is gone. It goes to the address
    the client's record has now (a reminder is queued days before it is due)."""
    if not store.db.execute(select(client_emails.c.to_addr).where(client_emails.c.id == row["id"])).scalar():
        return NOT_SENT
    to = _address(store, row["client_id"])  # as the client's record is now, not when it was queued
    if not to:
        return WITHDRAWN
    if not _wanted(reminder_settings(store), row["kind"]):
        return SWITCHED_OFF
    session = store.session(row["session_id"])
    if session is None:
        return "the session is gone"
    studio_name = settings.read(store).get("studio_name") or "the studio"
    zone = calendar_studio.zone(store)
    trainer = store.trainer(session.trainer_id)
    kind_row = store.session_type(session.session_type_id) if session.session_type_id else None
    what = kind_row.name if kind_row else "session"
    local = session.start.astimezone(zone)
    when = f"{local:%A %d %B %Y, %H:%M} ({zone.key})"
    name = _client_name(store, row["client_id"])
    who = trainer.name if trainer else "your trainer"
    lines = {
        "confirmation": f"your {what} with {who} is booked for {when}.",
        "reminder": f"a reminder: your {what} is on {when}.",
        "cancellation": f"your {what} on {when} is cancelled.",
        "change": f"your {what} has changed: it is now with {who} on {when}.",
        "offer": f"a place is free in the {what} on {when}. Reply or call us to take it.",
    }
    booking = [session]
    repeats = ""
    if row["kind"] in ("confirmation", "change"):
        booking += _later_in_series(store, session)
        if len(booking) > 1:
            last = booking[-1].start.astimezone(zone)
            repeats = (f"It repeats: {len(booking) - 1} more, the last on {last:%A %d %B %Y}; "
                       "the calendar file attached holds them all.\n")
    elif row["kind"] == "cancellation" and (also := _later_in_series(store, session, row["client_id"])):
        day = f"{also[-1].start.astimezone(zone):%A %d %B %Y}"
        repeats = (f"The next session of this series, on {day}, is cancelled with it.\n" if len(also) == 1
                   else f"The {len(also)} later sessions of this series are cancelled with it, the last on "
                   f"{day}.\n")
    body = (
        f"Hello {name},\n\n{lines[row['kind']]}\n"
        + (f"Room: {session.location}\n" if session.location else "")
        + repeats
        + f"\n{studio_name}\n"
    )
    msg = smtp.build_message(sender, to, f"{studio_name}: {row['subject']}", body)
    if row["kind"] in ("confirmation", "change"):
        ics = export_sessions(
            booking,
            calendar_name=studio_name,
            trainer_name=lambda trainer_id: t.name if (t := store.trainer(trainer_id)) else "",
            type_name=lambda _: what,
        )
        msg.add_attachment(ics, maintype="text", subtype="calendar", filename="booking.ics")
    return msg


def _later_in_series(store: Store, session: Session, cancelled_for: int | None = None) -> list[Session]:
    """The sessions of ``session``'s series after it that still take place (a series' client hears
    of it once: its confirmation or change notice holds them all); with ``cancelled_for``, instead
    those of that client's that are cancelled with no notice of their own (cancelled together with
    ``session``, whose notice names them)."""
    from ..tables import sessions

    if session.series_id is None:
        return []
    query = select(sessions).where(sessions.c.series_id == session.series_id,
                                   sessions.c.start > format_ts(session.start))
    if cancelled_for is None:
        query = query.where(sessions.c.status != Status.CANCELLED.value)
    else:
        told = select(client_emails.c.session_id).where(client_emails.c.client_id == cancelled_for,
                                                        client_emails.c.kind == "cancellation")
        theirs = groups.sessions_of(cancelled_for).subquery()
        query = query.where(sessions.c.status == Status.CANCELLED.value, sessions.c.id.not_in(told),
                            sessions.c.id.in_(select(theirs.c.session_id)))
    return [session_from_row(r) for r in store.db.execute(query.order_by(sessions.c.start)).mappings()]


def _client_name(store: Store, client_id: int) -> str:
    client = store.client(client_id)
    return client.name if client else "there"


class Outbox:
    """Sends due client emails: a pass every :data:`POLL_S` seconds and whenever :meth:`wake` is called
    (wakes during a pass, or within :data:`COALESCE_S` after it, make one more pass)."""

    def __init__(
        self,
        store: AsyncStore,
        config: Callable[[], Awaitable[smtp.SmtpConfig | None]],
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self._store = store
        self._config = config
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: Passes made since start (each reads the mail settings and what is due).
        self.passes = 0

    async def start(self) -> None:
        failed = await self._store.run(_interrupted)
        if failed:
            log.warning("%d client email(s) were being sent when the server stopped; not sent again", failed)
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            self.passes += 1
            try:
                await self.flush()
            except Exception:
                log.exception("sending client emails failed")
            await asyncio.sleep(COALESCE_S)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_S):
                    await self._wake.wait()
            self._wake.clear()

    async def flush(self) -> int:
        """Send everything due now; returns how many were sent."""
        config = await self._config()
        if config is None:
            return 0
        sent = 0
        while rows := await self._store.run(_claim, self.clock()):
            for row in rows:
                sent += await self._send(config, row)
            if len(rows) < BATCH:
                break
        return sent

    async def _send(self, config: smtp.SmtpConfig, row: dict[str, Any]) -> int:
        msg = await self._store.run(compose, row, config.sender)
        if isinstance(msg, str):
            await self._store.run(_finish, row, "dropped", msg, None)
            return 0
        outcome: dict[str, str] = {}

        async def record(status: str, attempts: int, detail: str) -> None:
            outcome.update(status=status, detail=detail)

        ok = await smtp.send_with_retries(config, msg, record)
        await self._store.run(
            _finish, row, "sent" if ok else "failed", outcome.get("detail", ""), str(msg["Message-ID"]),
            str(msg["To"]),
        )
        return int(ok)
