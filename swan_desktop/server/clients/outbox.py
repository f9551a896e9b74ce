"""The client-email outbox: sends the rows of ``client_emails`` that are due (see
:mod:`.emails` for how they are queued).

:class:`Outbox` marks a batch ``sending`` in a transaction of its own *before* it talks to the
mail server and each ``sent`` or ``failed`` after, so a server that stops between the two never
sends one again (at most once; it is listed as ``failed`` with the reason). Each is written when
it goes (:func:`compose`): to the address and consent the client's record has then, under the
studio's settings then, and a series' first occurrence names the later ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, insert, select, update

from ...domain.ics import export_sessions
from ...protocol.entities import Session, Status
from ...protocol.timefmt import format_ts, now_utc
from .. import loops
from ..calendar import studio as calendar_studio
from ..collab import settings
from ..collab.tables import session_versions
from ..notifications import smtp
from ..store import Store, session_from_row
from ..worker import AsyncStore
from . import groups, records
from .emails import (
    DAILY_MOST,
    NOT_SENT,
    RESEND,
    SWITCHED_OFF,
    TOO_LATE,
    TOO_MANY,
    WITHDRAWN,
    address,
    reminder_settings,
    wanted,
)
from .tables import client_email_sends, client_emails

log = logging.getLogger(__name__)

POLL_S = 30.0
#: After a pass, wakes within this long are one pass: a storm of session changes (each may queue
#: an email) costs a few passes a second, not a database read per committed group.
COALESCE_S = 0.25
BATCH = 50


def _claim(store: Store, now: datetime, limit: int = BATCH) -> list[dict[str, Any]]:
    """Due rows, marked ``sending`` in one transaction (so each is handed out once), with the other
    change notices waiting for the clients of those among them (they go in one email)."""
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
        changing = {r["client_id"] for r in rows if r["kind"] == "change"}
        if changing:  # their other change notices, due or not: one email
            taken = {r["id"] for r in rows}
            waiting = select(client_emails).where(
                client_emails.c.status == "pending", client_emails.c.kind == "change",
                client_emails.c.client_id.in_(changing)).order_by(client_emails.c.id)
            rows += [dict(r) for r in store.db.execute(waiting).mappings() if r["id"] not in taken]
        if rows:
            store.db.execute(
                update(client_emails)
                .where(client_emails.c.id.in_([r["id"] for r in rows]))
                .values(status="sending")
            )
    return rows


def _emails(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Claimed rows as the emails they make: one client's change notices together, the rest one
    each."""
    out: list[list[dict[str, Any]]] = []
    changes: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["kind"] != "change":
            out.append([row])
        elif row["client_id"] in changes:
            changes[row["client_id"]].append(row)
        else:
            changes[row["client_id"]] = [row]
            out.append(changes[row["client_id"]])
    return out


def _interrupted(store: Store) -> int:
    """Rows a stopped server left ``sending``: perhaps sent, so never again (listed as failed),
    unless their session changed meanwhile (:data:`.emails.RESEND`): then the new one goes."""
    sending = client_emails.c.status == "sending"
    with store.transaction():
        store.db.execute(update(client_emails).where(sending, client_emails.c.detail == RESEND)
                         .values(status="pending", detail=""))
        result = store.db.execute(
            update(client_emails)
            .where(sending)
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
    for quoted in {row["to_addr"], to} - {""}:
        scrubbed = scrubbed.replace(quoted, records.ERASED)
    erased = client_emails.c.to_addr == ""
    again = client_emails.c.detail == RESEND  # changed again while in flight: it goes once more
    with store.transaction():
        store.db.execute(
            update(client_emails)
            .where(client_emails.c.id == row["id"])
            .values(
                status=case((again, "pending"), else_=status),
                to_addr=case((erased, ""), else_=to or client_emails.c.to_addr),
                detail=case((erased, scrubbed), (again, ""), else_=detail),
                message_id=message_id,
                sent_at=case((again, None), else_=format_ts(now_utc()) if status == "sent" else None),
            )
        )


@dataclass
class _Part:
    """One row's share of an email: its session, and the words for it."""

    row: dict[str, Any]
    session: Session
    what: str
    who: str
    when: str
    #: The sessions its calendar file holds (a series' later occurrences with it).
    booking: list[Session]
    repeats: str


def _why_not(store: Store, row: dict[str, Any]) -> str:
    """Why a claimed row is not sent now ("" when it is): the client was erased since it was
    claimed (a batch is claimed at once and sent one by one), their record has no address or
    consent now, or the studio switched that kind off."""
    if not store.db.execute(select(client_emails.c.to_addr).where(client_emails.c.id == row["id"])).scalar():
        return NOT_SENT
    if not address(store, row["client_id"]):  # as the client's record is now, not when it was queued
        return WITHDRAWN
    if not wanted(reminder_settings(store), row["kind"]):
        return SWITCHED_OFF
    return ""


def _take_a_share(store: Store, client_id: int, now: datetime) -> bool:
    """Whether one more email (not a reminder) may go to the client: fewer than ``DAILY_MOST``
    went to them in the 24 hours before ``now``. If so it is counted, in the same transaction (two
    sends of one outbox are composed one after the other; an email that then fails counts too);
    those over a day old go."""
    e = client_email_sends.c
    since = format_ts(now - timedelta(days=1))
    with store.transaction():
        if store.db.execute(select(func.count()).where(e.client_id == client_id, e.sent_at > since)
                            ).scalar_one() >= DAILY_MOST:
            return False
        store.db.execute(client_email_sends.delete().where(e.sent_at <= since))
        store.db.execute(insert(client_email_sends).values(client_id=client_id, sent_at=format_ts(now)))
    return True


def _part(store: Store, row: dict[str, Any], zone: ZoneInfo) -> _Part | None:
    session = store.session(row["session_id"])
    if session is None and row["kind"] == "cancellation":  # deleted: as it was when it went
        session = _as_it_was(store, row["session_id"])
    if session is None:
        return None
    trainer = store.trainer(session.trainer_id)
    kind_row = store.session_type(session.session_type_id) if session.session_type_id else None
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
    return _Part(row, session, kind_row.name if kind_row else "session",
                 trainer.name if trainer else "your trainer",
                 f"{session.start.astimezone(zone):%A %d %B %Y, %H:%M} ({zone.key})", booking, repeats)


def _line(part: _Part) -> str:
    what, who, when = part.what, part.who, part.when
    return {
        "confirmation": f"your {what} with {who} is booked for {when}.",
        "reminder": f"a reminder: your {what} is on {when}.",
        "cancellation": f"your {what} on {when} is cancelled.",
        "change": f"your {what} has changed: it is now with {who} on {when}.",
        "offer": f"a place is free in the {what} on {when}. Reply or call us to take it.",
    }[part.row["kind"]]


def compose(store: Store, rows: list[dict[str, Any]], sender: str,
            now: datetime) -> tuple[EmailMessage | None, dict[int, str]]:
    """The one message for claimed rows (one row, or one client's change notices: a bulk edit of
    their sessions is one email), and why each row left out is not sent (its ``id``: the reason).
    It goes to the address the client's record has now (a reminder is queued days before it is
    due), and none goes about a session that has begun by ``now``: a reminder or a confirmation
    that waited while the studio's server was off over a weekend, or for a mail server, would
    otherwise reach the client after the session."""
    reasons: dict[int, str] = {}
    parts: list[_Part] = []
    zone = calendar_studio.zone(store)
    for row in rows:
        why = _why_not(store, row)
        part = None if why else _part(store, row, zone)
        if part is not None and part.session.start <= now:
            part, why = None, TOO_LATE
        if part is None:
            reasons[row["id"]] = why or "the session is gone"
        else:
            parts.append(part)
    if not parts:
        return None, reasons
    first = parts[0]
    if first.row["kind"] != "reminder" and not _take_a_share(store, first.row["client_id"], now):
        return None, {**reasons, **{p.row["id"]: TOO_MANY for p in parts}}
    studio_name = settings.read(store).get("studio_name") or "the studio"
    hello = f"Hello {_client_name(store, first.row['client_id'])},\n\n"
    if len(parts) == 1:
        room = f"Room: {first.session.location}\n" if first.session.location else ""
        body = f"{hello}{_line(first)}\n{room}{first.repeats}"
        subject = first.row["subject"]
    else:
        items = "".join(f"- {_line(p)[0].upper()}{_line(p)[1:]}"
                        + (f" Room: {p.session.location}." if p.session.location else "") + "\n"
                        + (f"  {p.repeats}" if p.repeats else "") for p in parts)
        body = f"{hello}these {len(parts)} sessions of yours have changed:\n{items}"
        subject = "Bookings changed"
    msg = smtp.build_message(sender, address(store, first.row["client_id"]), f"{studio_name}: {subject}",
                             f"{body}\n{studio_name}\n")
    if first.row["kind"] in ("confirmation", "change"):
        booking = list({s.id: s for p in parts for s in p.booking}.values())
        ics = export_sessions(
            booking,
            calendar_name=studio_name,
            trainer_name=lambda trainer_id: t.name if (t := store.trainer(trainer_id)) else "",
            type_name=lambda type_id: t.name if type_id and (t := store.session_type(type_id)) else "session",
        )
        msg.add_attachment(ics, maintype="text", subtype="calendar", filename="booking.ics")
    return msg, reasons


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


def held_words(store: Store, row: dict[str, Any], now: datetime) -> tuple[str, str, str]:
    """The client's name, what a row held back was about ("a cancellation of Tue 03 Mar 10:00"),
    and the studio's day now (the office is told once a studio day per client)."""
    zone = calendar_studio.zone(store)
    session = store.session(row["session_id"]) or _as_it_was(store, row["session_id"])
    when = f" of {session.start.astimezone(zone):%a %d %b %H:%M}" if session is not None else ""
    kind = {"change": "change notice", "offer": "place offered"}.get(row["kind"], row["kind"])
    client = store.client(row["client_id"])
    name = client.name if client else f"Client {row['client_id']}"
    return name, f"the first held back: a {kind}{when}", f"{now.astimezone(zone):%Y-%m-%d}"


def _as_it_was(store: Store, session_id: int) -> Session | None:
    """A deleted session, from its last version (the collaboration feature keeps every one)."""
    last = store.db.execute(
        select(session_versions.c.version, session_versions.c.fields)
        .where(session_versions.c.session_id == session_id)
        .order_by(session_versions.c.version.desc()).limit(1)
    ).first()
    if last is None:
        return None
    return Session.from_wire({**json.loads(last.fields), "id": session_id, "version": last.version})


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
        #: Told of a client's emails held back past their day's share (the rows held, and now), so
        #: that the office calls them: a cancellation among them would otherwise never reach them.
        self.held_back: Callable[[list[dict[str, Any]], datetime], Awaitable[None]] | None = None
        #: When this instance last told of each client's: it asks again at most once a day per
        #: client (the notice itself is made once a studio day per client, by its database mark).
        self._told_held: dict[int, datetime] = {}

    async def start(self) -> None:
        failed = await self._store.run(_interrupted)
        if failed:
            log.warning("%d client email(s) were being sent when the server stopped; not sent again", failed)
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        await loops.cancel(self._task)
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

    async def _tell_held(self, rows: list[dict[str, Any]], now: datetime) -> None:
        client_id = rows[0]["client_id"]
        told = self._told_held.get(client_id)
        if self.held_back is None or (told is not None and now - told < timedelta(days=1)):
            return
        self._told_held = {c: t for c, t in self._told_held.items() if now - t < timedelta(days=1)}
        self._told_held[client_id] = now
        await self.held_back(rows, now)

    async def flush(self) -> int:
        """Send everything due now; returns how many were sent."""
        config = await self._config()
        if config is None:
            return 0
        sent = 0
        while rows := await self._store.run(_claim, self.clock()):  # until none: one sent again is due
            for group in _emails(rows):
                sent += await self._send(config, group)
        return sent

    async def _send(self, config: smtp.SmtpConfig, rows: list[dict[str, Any]]) -> int:
        """Send one email for ``rows`` (see :func:`compose`); 1 when it went."""
        now = self.clock()
        msg, reasons = await self._store.run(compose, rows, config.sender, now)
        for row in rows:
            if row["id"] in reasons:
                await self._store.run(_finish, row, "dropped", reasons[row["id"]], None)
        held = [row for row in rows if reasons.get(row["id"]) == TOO_MANY]
        if held:
            await self._tell_held(held, now)
        if msg is None:
            return 0
        outcome: dict[str, str] = {}

        async def record(status: str, attempts: int, detail: str) -> None:
            outcome.update(status=status, detail=detail)

        ok = await smtp.send_with_retries(config, msg, record)
        for row in rows:
            if row["id"] not in reasons:
                await self._store.run(_finish, row, "sent" if ok else "failed", outcome.get("detail", ""),
                                      str(msg["Message-ID"]), str(msg["To"]))
        return int(ok)
