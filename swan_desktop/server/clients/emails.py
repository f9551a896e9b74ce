"""Emails to clients: booking confirmations and change notices (with an ``.ics``), reminders,
cancellation notices and waitlist offers; and the studio's settings for them.

Queued inside the change that causes them (:func:`queue`), as rows of ``client_emails`` with a
unique (session, client, kind): a retried or repeated change cannot queue one twice (a change
notice is re-armed by a later change). Only clients with an email and ``consent.reminders`` get
them. :mod:`.outbox` sends what is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, union, update
from sqlalchemy.sql.elements import ColumnElement

from ...protocol.entities import Session, Status
from ...protocol.errors import invalid
from ...protocol.messages import present
from ...protocol.timefmt import format_ts, parse_ts
from ..collab import settings
from ..collab.tables import studio_settings
from ..pipeline import Change
from ..storage import dialect
from ..store import Store
from . import mail
from .messages import ReminderSettings
from .tables import client_emails, session_clients

KINDS = ("confirmation", "reminder", "cancellation", "offer", "change")
_SUBJECTS = {
    "confirmation": "Booking confirmed",
    "change": "Booking changed",
    "reminder": "Reminder",
    "cancellation": "Booking cancelled",
    "offer": "A place is free",
}
_SET = dialect.upsert(studio_settings, ("value",))
#: How long a change notice waits before it goes: further changes meanwhile (the session moved
#: again, the client's other sessions changed in a bulk edit) go in the same email.
CHANGE_GRACE = timedelta(minutes=2)
#: Why an email to a client whose personal data was erased before it went is never sent.
NOT_SENT = "not sent: the client's personal data was erased"
#: Why one is not sent when the client's record, by the time it is due, has no email address or
#: no longer agrees to reminders (it goes to the address the record has then).
WITHDRAWN = "not sent: the client has no email address or no longer agrees to emails"
#: The mark of a notice being sent while its session changed again: it goes once more after.
RESEND = "to be sent again: the session changed while this was being sent"
#: Why a cancellation notice not sent yet never is: the session was booked again.
BOOKED_AGAIN = "not sent: the session was booked again"
#: Why one is not sent when the studio switched that kind of email off after it was queued.
SWITCHED_OFF = "not sent: the studio switched these emails off"
#: Why one is not sent once its session has begun: it could not go while it was of use (the
#: server was not running, or no mail server was set, when it was due).
TOO_LATE = "not sent: the session had begun before it could go"
#: The most emails one client is sent in any 24 hours (reminders aside): bookings taken off and put
#: back, or sessions made and deleted, over and over from one desk would otherwise flood the
#: client's inbox, and get the studio's mail server listed as a sender of spam.
DAILY_MOST = 20
#: Why one past that is not sent (the desk calls the client instead).
TOO_MANY = (f"not sent: {DAILY_MOST} emails went to this client in the last 24 hours, the most a client "
            "is sent in a day")


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
def address(store: Store, client_id: int) -> str:
    from ..tables import clients

    row = store.db.execute(
        select(clients.c.email, clients.c.consent_reminders).where(clients.c.id == client_id)
    ).first()
    return str(row.email) if row is not None and row.email and row.consent_reminders else ""


def queue(store: Store, session: Session, client_id: int, kind: str, now: datetime) -> bool:
    """Queue one email (once per session, client and kind); False when it is not to be sent."""
    to = _sendable(store, session, client_id, kind, now)
    return bool(to) and _insert(store, session, client_id, kind, now, to)


def _sendable(store: Store, session: Session, client_id: int, kind: str, now: datetime) -> str:
    """The client's address if an email of ``kind`` about ``session`` is to go to them ("" if not)."""
    to = address(store, client_id)
    if not to or session.start <= now or not wanted(reminder_settings(store), kind):
        return ""
    return to


def _insert(store: Store, session: Session, client_id: int, kind: str, now: datetime, to: str) -> bool:
    """The row, unless the (session, client, kind) has one already; whether it was new."""
    due = _due(kind, now)
    if kind == "reminder":
        due = max(now, session.start - timedelta(hours=reminder_settings(store)["hours_before"]))
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


def _due(kind: str, now: datetime) -> datetime:
    """When an email of ``kind`` queued now goes (a reminder's own time aside)."""
    return now + CHANGE_GRACE if kind == "change" else now


def wanted(rules: dict[str, Any], kind: str) -> bool:
    """Whether the studio sends emails of ``kind`` (its reminder settings)."""
    switch = {"confirmation": "confirmations", "change": "confirmations", "cancellation": "cancellations",
              "reminder": "enabled"}
    return kind not in switch or bool(rules[switch[kind]])


def booked(store: Store, session: Session, client_id: int, now: datetime) -> None:
    """The client is booked on the session: confirmed and reminded. Booked on it again (taken off
    it, or it was cancelled, and put back): a cancellation notice not sent yet is dropped (they
    never heard of it), the confirmation and reminder dropped with it are queued again, and a
    client who was told it was off is sent a change notice saying it is on, when and where."""
    theirs = _theirs(session.id, client_id)
    notice = (*theirs, client_emails.c.kind == "cancellation")
    _forget_dropped(store, session, client_id)
    store.db.execute(update(client_emails).where(*notice, client_emails.c.status == "pending")
                     .values(status="dropped", detail=BOOKED_AGAIN))
    confirm(store, session, client_id, now)
    told = store.db.execute(select(client_emails.c.id).where(
        *notice, client_emails.c.status.in_(("sent", "sending")))).first()
    if told is not None:
        changed(store, session, client_id, now)


def confirm(store: Store, session: Session, client_id: int, now: datetime) -> None:
    """A confirmation and a reminder (a session just made has no emails yet: :func:`booked` is for
    one a client may have come off)."""
    queue(store, session, client_id, "confirmation", now)
    queue(store, session, client_id, "reminder", now)


def _forget_dropped(store: Store, session: Session, client_id: int) -> None:
    """The confirmation and reminder dropped when the client came off the session: never sent, so
    they may be queued again."""
    store.db.execute(client_emails.delete().where(
        *_theirs(session.id, client_id), client_emails.c.kind.in_(("confirmation", "reminder")),
        client_emails.c.status == "dropped"))


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
    ``.ics`` (the same UID, a higher SEQUENCE: their calendar moves the event). Nothing while the
    confirmation has not gone yet (it is written when it goes, so it has the change)."""
    confirming = store.db.execute(select(client_emails.c.id).where(
        *_theirs(session.id, client_id), client_emails.c.kind == "confirmation",
        client_emails.c.status == "pending")).first()
    if confirming is None:
        _again(store, session, client_id, "change", now)


def cancelled(store: Store, session: Session, client_id: int, now: datetime) -> None:
    drop(store, session.id, client_id)
    _again(store, session, client_id, "cancellation", now)


def restored(store: Store, session: Session, client_id: int, now: datetime, *, tell: bool = True) -> None:
    """A cancelled session booked again: as :func:`booked`, or, for a later occurrence of a series
    told once (not ``tell``), only its reminder comes back."""
    if tell:
        booked(store, session, client_id, now)
        return
    _forget_dropped(store, session, client_id)
    queue(store, session, client_id, "reminder", now)


def gone(store: Store, session: Session, client_id: int, now: datetime) -> None:
    """A booked session ahead was deleted. A client told of it (a confirmation or change notice
    sent, or being sent) is sent a cancellation notice, written from the session's last version;
    one told nothing yet hears nothing (what was waiting is dropped)."""
    told = store.db.execute(select(client_emails.c.id).where(
        *_theirs(session.id, client_id), client_emails.c.kind.in_(("confirmation", "change")),
        client_emails.c.status.in_(("sent", "sending")))).first()
    if told is not None:
        _again(store, session, client_id, "cancellation", now)


def _theirs(session_id: int, client_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return client_emails.c.session_id == session_id, client_emails.c.client_id == client_id


def _again(store: Store, session: Session, client_id: int, kind: str, now: datetime) -> None:
    """Queue ``kind`` for the client, or send the one they had again: there is one row per
    (session, client, kind), and a session may be moved, or cancelled, more than once."""
    to = _sendable(store, session, client_id, kind, now)
    if not to or _insert(store, session, client_id, kind, now, to):
        return
    theirs = (*_theirs(session.id, client_id), client_emails.c.kind == kind)
    store.db.execute(
        update(client_emails)
        .where(*theirs, client_emails.c.status.in_(("sent", "failed", "dropped")))
        .values(status="pending", due_at=format_ts(_due(kind, now)), to_addr=to, detail="", message_id=None,
                sent_at=None)
    )
    # being sent now, as it was before this change: marked to go once more (outbox._finish)
    store.db.execute(update(client_emails).where(*theirs, client_emails.c.status == "sending")
                     .values(detail=RESEND))


def drop(store: Store, session_id: int, client_id: int | None = None) -> None:
    """Unsent emails about a session (for one client) that no longer apply."""
    query = update(client_emails).where(
        client_emails.c.session_id == session_id,
        client_emails.c.status == "pending",
        client_emails.c.kind.in_(("confirmation", "reminder", "offer", "change")),
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
