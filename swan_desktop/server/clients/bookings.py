"""``booking.add/remove``, ``waitlist.join/leave`` and the clients feature's steps in ``session.*``.

A booking change bumps the session's version and sends ``session:updated``
with its group fields; removing a client refunds them by the cancellation
window rule (as cancelling a session does) and offers the freed place to the
first on the waitlist (kept in the change's notes: staff are notified after
the commit; the client gets an email when they consented).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from ...protocol.entities import Session, Status
from ...protocol.errors import invalid, not_found
from ...protocol.timefmt import format_ts
from .. import schedule
from ..calendar import credits
from ..calendar import studio as calendar_studio
from ..calendar.booking import refund_window
from ..pipeline import Change
from ..store import Store
from . import emails, groups, records
from .messages import BookingAdd, BookingRemove, WaitlistJoin, WaitlistLeave
from .tables import waitlist

OFFER = "clients.offer"


# -- waitlists --------------------------------------------------------------------------------
#: Clients one session's waitlist holds at most: every change sends the whole list to every desktop.
MAX_WAITLIST = 100


def _waiting(store: Store, session_id: int) -> int:
    query = select(func.count()).select_from(waitlist).where(waitlist.c.session_id == session_id)
    return int(store.db.execute(query).scalar_one())


def waitlist_of(store: Store, session_id: int) -> list[dict[str, Any]]:
    rows = store.db.execute(
        select(waitlist).where(waitlist.c.session_id == session_id).order_by(waitlist.c.id)
    ).mappings()
    return [
        {
            "id": r["id"],
            "session_id": r["session_id"],
            "client_id": r["client_id"],
            "position": n,
            "created_at": r["created_at"],
        }
        for n, r in enumerate(rows, start=1)
    ]


def _announce_waitlist(change: Change, session_id: int) -> None:
    change.emit(
        "waitlist:changed", {"session_id": session_id, "waitlist": waitlist_of(change.store, session_id)}
    )


def join(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, WaitlistJoin)
    session = schedule.load(store, msg.session_id)
    records.row(store, msg.client_id, "client_id")
    if msg.client_id in groups.client_ids(store, session):
        raise invalid(f"client {msg.client_id} is already booked on session {session.id}", field="client_id")
    cap, booked = groups.capacity(store, session), len(groups.members(store, session))
    if booked < cap:
        raise invalid(
            f"session {session.id} has a free place ({booked} of {cap}); book it with booking.add",
            field="session_id",
        )
    if store.db.execute(
        select(waitlist.c.id).where(
            waitlist.c.session_id == session.id, waitlist.c.client_id == msg.client_id
        )
    ).first():
        raise invalid(f"client {msg.client_id} is already on the waitlist", field="client_id")
    if _waiting(store, session.id) >= MAX_WAITLIST:
        raise invalid(f"session {session.id}'s waitlist is full ({MAX_WAITLIST} clients)", field="session_id")
    store.db.execute(
        insert(waitlist).values(
            session_id=session.id, client_id=msg.client_id, created_at=format_ts(change.now)
        )
    )
    listed = waitlist_of(store, session.id)
    entry = next(e for e in listed if e["client_id"] == msg.client_id)
    change.emit("waitlist:changed", {"session_id": session.id, "waitlist": listed}, primary=True)
    change.reply = {"entry": entry}


def leave(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, WaitlistLeave)
    found = store.db.execute(select(waitlist.c.session_id).where(waitlist.c.id == msg.id)).first()
    if found is None:
        raise not_found(f"no waitlist entry with id {msg.id}", field="id")
    store.db.execute(delete(waitlist).where(waitlist.c.id == msg.id))
    change.emit(
        "waitlist:changed",
        {"session_id": found.session_id, "waitlist": waitlist_of(store, found.session_id)},
        primary=True,
    )
    change.reply = {}


# -- booking.add / booking.remove ----------------------------------------------------------------
def store_session(change: Change, before: Session, after: Session, previous: list[dict[str, Any]]) -> None:
    """Store ``after`` as the next version of ``before`` and announce the change of its clients
    (``previous``: who they were)."""
    stored = after.with_changes(version=before.version + 1, updated_at=change.now, updated_by=change.actor.id)
    change.store.replace_session(stored)
    change.before, change.after = before, stored
    wire = groups.session_wire(change.store, stored)
    now_clients = groups.members(change.store, stored)
    changes: dict[str, Any] = {"clients": now_clients}
    old = before.to_wire()
    for key in ("client_id", "client_name"):
        if old[key] != wire[key]:
            changes[key] = wire[key]
    change.emit(
        "session:updated",
        {
            "session": wire,
            "changes": changes,
            "previous": {"clients": previous, **{k: old[k] for k in changes if k in old}},
        },
        primary=True,
    )
    change.reply = {"session": wire}


def add(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, BookingAdd)
    session = schedule.load(store, msg.session_id)
    if session.status in (Status.CANCELLED, Status.BLOCKED, Status.COMPLETED):
        raise invalid(f"a {session.status.value} session takes no bookings", field="session_id")
    client = records.row(store, msg.client_id, "client_id")
    if client["archived"]:
        raise invalid(f"client {client['name']!r} is archived", field="client_id")
    previous = groups.members(store, session)
    after = groups.add(store, session, msg.client_id, client["name"], format_ts(change.now))
    store.db.execute(
        delete(waitlist).where(waitlist.c.session_id == session.id, waitlist.c.client_id == msg.client_id)
    )
    store_session(change, session, after, previous)
    _announce_waitlist(change, session.id)
    emails.booked(store, after, msg.client_id, change.now)


def remove(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, BookingRemove)
    session = schedule.load(store, msg.session_id)
    previous = groups.members(store, session)
    after = groups.remove(store, session, msg.client_id)
    window = session.start - calendar_studio.cancellation_window(store)
    credits.restore(store, change.tx, change.actor, session, change.now, window, client_id=msg.client_id)
    store_session(change, session, after, previous)
    emails.cancelled(store, session, msg.client_id, change.now)
    if len(previous) - 1 < groups.capacity(store, session):  # still full when its type was made smaller
        offer(change, session)


def offer(change: Change, session: Session) -> None:
    """The first on the waitlist not yet offered the place is offered it (the caller knows a place
    is free)."""
    store = change.store
    first = (
        store.db.execute(
            select(waitlist)
            .where(waitlist.c.session_id == session.id, waitlist.c.offered_at.is_(None))
            .order_by(waitlist.c.id)
            .limit(1)
        )
        .mappings()
        .first()
    )
    if first is None:
        return
    store.db.execute(
        update(waitlist).where(waitlist.c.id == first["id"]).values(offered_at=format_ts(change.now))
    )
    name = records.row(store, first["client_id"])["name"]
    change.notes[OFFER] = {
        "session_id": session.id,
        "client_id": first["client_id"],
        "client_name": name,
        "trainer_id": session.trainer_id,
        "start": format_ts(session.start),
    }
    emails.queue(store, session, first["client_id"], "offer", change.now)
    _announce_waitlist(change, session.id)


# -- steps in session.create / update / delete ----------------------------------------------------
def created(change: Change) -> None:
    """A booked client hears of it: a confirmation and a reminder; of a new recurring series, the
    first occurrence ahead is confirmed (its email holds the rest) and the others get their
    reminder only (one booking, not a confirmation per week)."""
    after = change.after
    if after is None or after.client_id is None or after.status not in _BOOKED:
        return
    if _first_told(change, after.client_id, change.now):
        emails.confirm(change.store, after, after.client_id, change.now)  # a new session: no emails yet
    else:
        emails.queue(change.store, after, after.client_id, "reminder", change.now)


def refuse_a_client_twice(change: Change) -> None:
    """``session.update`` giving a group session a ``client_id`` already among its other clients
    is refused as ``booking.add`` refuses a client already booked (``invalid``, field
    ``client_id``): the session would list them twice and drop its own client untold."""
    before, after = change.before, change.after
    if before is None or after is None or after.client_id in (None, before.client_id):
        return
    for other in groups.extras(change.store, before.id):
        if other["client_id"] == after.client_id:
            raise invalid(f"{other['name']} is already booked on this session", field="client_id")


_BOOKED = (Status.SCHEDULED, Status.CONFIRMED, Status.REQUESTED)


def updated(change: Change) -> None:
    """Credits of a group's other clients follow the status (the first client's are the calendar's);
    emails follow cancellations, sessions booked again, moves and a new client."""
    before, after = change.before, change.after
    if before is None or after is None:
        return
    store, now = change.store, change.now
    if after.status is Status.COMPLETED and before.status is not Status.COMPLETED:
        for client_id in _others(store, after):
            credits.charge(store, change.tx, change.actor, after, now, client_id=client_id)
    if after.status is Status.CANCELLED and before.status is not Status.CANCELLED:
        window = refund_window(change, after)
        for client_id in _others(store, after):
            credits.restore(store, change.tx, change.actor, after, now, window, client_id=client_id)
        for client_id in groups.client_ids(store, after):
            if _first_told(change, client_id, now):
                emails.cancelled(store, after, client_id, now)
            else:  # a series cancelled: the first occurrence's notice names this one too
                emails.drop(store, after.id, client_id)
        return
    if before.status is Status.CANCELLED and after.status in _BOOKED:  # booked again
        for client_id in groups.client_ids(store, after):
            emails.restored(store, after, client_id, now, tell=_first_told(change, client_id, now))
    if after.start != before.start:
        emails.moved(store, after)
    if after.status in _BOOKED and after.start > now and _differs(before, after):
        newly_booked = after.client_id if after.client_id != before.client_id else None  # confirmed below
        for client_id in groups.client_ids(store, after):
            if client_id != newly_booked and _first_told(change, client_id, now):
                emails.changed(store, after, client_id, now)
    if after.client_id != before.client_id and before.client_id is not None:
        # The session's client corrected: the first one's waiting emails go, and if they were told
        # of the booking they are told it is off for them (or they would come).
        emails.drop(store, after.id, before.client_id)
        if before.status in _BOOKED and before.start > now:
            emails.gone(store, before, before.client_id, now)
    if after.client_id is not None and after.client_id != before.client_id and after.status in _BOOKED:
        emails.booked(store, after, after.client_id, now)


#: What a booked client is told of when it changes: when, where and with whom.
_TOLD = frozenset({"start", "end", "location", "trainer_id"})
#: The parent change's note (a series' update): the clients told already.
_TOLD_NOTE = "clients-told"
#: A deletion's note: the session's clients, read before it went.
_MEMBERS = "clients-of-deleted"


def _differs(before: Session, after: Session) -> set[str]:
    return {name for name in _TOLD if getattr(before, name) != getattr(after, name)}


def _first_told(change: Change, client_id: int, now: datetime, session: Session | None = None) -> bool:
    """Whether this change (of ``session``, by default the session after it) is the one to tell
    ``client_id`` of: any change of a single session; of a series' occurrences (created, moved,
    cancelled or deleted together), the first one ahead, whose email holds the later ones (see
    :func:`.outbox.compose`)."""
    if change.parent is None:
        return True
    told = change.parent.notes.setdefault(_TOLD_NOTE, set())
    session = session or change.after
    if client_id in told or session is None or session.start <= now:
        return False
    told.add(client_id)
    return True


def _others(store: Store, session: Session) -> list[int]:
    """A group session's clients beyond the first (read only when their credits move)."""
    return [m["client_id"] for m in groups.extras(store, session.id)]


def deleting(change: Change) -> None:
    """Before a session is deleted: its clients (a group's places go with it)."""
    if change.before is not None:
        change.notes[_MEMBERS] = groups.client_ids(change.store, change.before)


def deleted(change: Change) -> None:
    """What waited to be sent about the session goes; its clients booked ahead who were told of it
    are told it is cancelled (once for a series)."""
    before = change.before
    if before is None:
        return
    emails.drop(change.store, before.id)
    if before.status in _BOOKED and before.start > change.now:
        for client_id in change.notes.get(_MEMBERS, ()):
            if _first_told(change, client_id, change.now, before):
                emails.gone(change.store, before, client_id, change.now)
