"""``client.erase``: a client's personal data taken out of the studio's records, on request (a
person's right to erasure), while the studio keeps what it must: sessions, attendance, credits,
sales and their amounts, now under "Erased client #ID".

An admin erases a client who is archived and has nothing booked ahead, typing the client's name
as it is (the desktop asks for it) so a wrong id erases nobody. In one transaction:

- the client's row: name ``Erased client #ID``; email, phone, birthday, emergency contact,
  notes and tags emptied; consents off; ``erased_at`` set (nothing may change it after);
- the client's sessions (``sessions.client_name``) and their earlier versions;
- what the server keeps that names the client: the event log and the idempotency replies
  (every client record and every session of theirs in them, found by id, names of every
  spelling the client ever had), the activity feed and chat of their sessions, the
  notifications about them or those sessions, the emails sent to them (address, subject and
  the mail server's answer, which may quote the address); those not yet sent are dropped, and
  one in flight has the address taken out of its answer when it is written
  (:func:`.outbox._finish`);
- their places on waitlists.

Free text staff wrote elsewhere (a session's notes, a credit adjustment's note, chat not tied
to one of the client's sessions) is not searched: it may name anyone, and is the studio's to
edit. Backups made before keep the client until they age out (see ``docs/security.md``).

One ``client:erased`` event (the erased record and the ids of the client's sessions) lets every
desktop put the new name on the sessions it holds.

The look for what names the client (the event log and the idempotency replies: a busy studio's
month of replies is a quarter of a second's scan) runs first on the reading connection
(:func:`find`), beside every PC's changes; the change then reads again only the rows found and
those written since (:func:`erase`), once the notices of the changes committed before it are made
(the handler waits for them, up to 5 s: they are written after their change, from its event).
``client.erase`` is a handler, not kept in the idempotency log: sent again after it was done, it
is refused as ``erased``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Table, and_, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from ...protocol.entities import Status
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.timefmt import format_ts
from ..collab.tables import activity, chat_messages, session_versions
from ..notifications.tables import notifications
from ..pipeline import Change
from ..store import Store
from ..tables import clients, events, request_log, sessions
from ..wire import stored_json
from . import bookings, records
from .emails import NOT_SENT
from .messages import ClientErase
from .records import ERASED
from .search import like_pattern
from .tables import client_emails, session_clients, waitlist

#: The fields of a client record that are personal, and what they become.
ERASED_FIELDS: dict[str, Any] = {"email": "", "phone": "", "birthday": None, "emergency_contact": "",
                                 "notes": "", "tags": [], "consent": {"reminders": False, "marketing": False}}


def erased_name(client_id: int) -> str:
    return f"Erased client #{client_id}"


#: The change's note: what the reading connection found beforehand (:func:`find`).
FOUND = "erasure.found"


@dataclass(frozen=True)
class Found:
    """The rows of the event log, of the idempotency replies and of the notifications that may
    name the client, found on the reading connection before the change — a scan of a busy
    studio's 30 days of replies takes about a quarter of a second, which the writer, and every
    PC's saves behind it, must not wait for — and how far that read went: the change reads again
    only these rows, and those added since."""

    events: tuple[int, ...]
    replies: tuple[tuple[int, str], ...]
    #: Notifications about the client or their sessions that name them.
    notices: tuple[int, ...]
    names: frozenset[str]
    through_seq: int
    since: str
    through_notice: int


def check(store: Store, msg: ClientErase, now: datetime) -> tuple[RowMapping, list[int]]:
    """The client's row and their sessions' ids, or the refusal (which does not name the client)."""
    row = records.row(store, msg.id)
    if row["erased_at"] is not None:
        raise ProtocolError(ErrorCode.CONFLICT, f"client {msg.id} was erased already",
                            {"reason": "erased"})
    if msg.name.strip() != row["name"]:
        raise invalid("type the client's name exactly as it is to erase them", field="name")
    if not row["archived"]:
        raise ProtocolError(ErrorCode.CONFLICT, "archive the client first: only an archived client "
                            "is erased", {"reason": "not-archived"})
    theirs = _sessions_of(store, msg.id)
    ahead = _ahead(store, theirs, now)
    if ahead:
        raise ProtocolError(ErrorCode.CONFLICT, f"the client has {ahead} session(s) ahead: cancel them "
                            "or book another client first", {"reason": "sessions-ahead", "sessions": ahead})
    return row, theirs


def find(store: Store, msg: ClientErase, now: datetime) -> Found:
    """On the reading connection: the refusals first, then the rows that may name the client."""
    row, theirs = check(store, msg, now)
    scrub = Scrub(msg.id, erased_name(msg.id), set(theirs))
    scrub.names.add(row["name"])
    through = store.db.execute(select(func.max(events.c.seq))).scalar() or 0
    since = store.db.execute(select(func.max(request_log.c.created_at))).scalar() or ""
    through_notice = store.db.execute(select(func.max(notifications.c.id))).scalar() or 0
    keys: dict[Table, set[Any]] = {events: set(), request_log: set()}
    for _ in range(2):  # by id, learning every spelling of the name; then by those names too
        for table, column in ((events, events.c.data), (request_log, request_log.c.reply)):
            keys[table] |= _rewrite_json(store, table, column, scrub.mentions(column), scrub, write=False)
    notices = _rewrite_notifications(store, scrub, _naming(scrub), write=False)
    return Found(tuple(sorted(keys[events])), tuple(sorted(keys[request_log])), tuple(sorted(notices)),
                 frozenset(scrub.names), int(through), str(since), int(through_notice))


def erase(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, ClientErase)
    found = change.notes.get(FOUND)
    if not isinstance(found, Found):  # run without its handler: read here
        found = find(store, msg, change.now)
    row, theirs = check(store, msg, change.now)  # again: things may have changed since
    new_name = erased_name(msg.id)
    scrub = Scrub(msg.id, new_name, set(theirs))
    scrub.names |= {row["name"], *found.names}
    scrub.details |= {row["email"], row["phone"]} - {""}
    logs: tuple[tuple[Table, Any, list[ColumnElement[bool]]], ...] = (
        (session_versions, session_versions.c.fields,
         [session_versions.c.session_id.in_(theirs)] if theirs else []),
        (events, events.c.data, [events.c.seq.in_(found.events), events.c.seq > found.through_seq]),
        (request_log, request_log.c.reply,
         [and_(request_log.c.user_id.in_({u for u, _ in found.replies}),  # on the primary key
               request_log.c.request_id.in_({r for _, r in found.replies})),
          request_log.c.created_at >= found.since]))
    for table, column, where in logs:  # first every spelling of the name these hold…
        _rewrite_json(store, table, column, where, scrub, write=False)
    for table, column, where in logs:  # …then each record, and the free text about them, rewritten
        _rewrite_json(store, table, column, where, scrub)
    _erase_row(store, msg.id, new_name, change.now)
    if theirs:
        store.db.execute(update(sessions).where(sessions.c.client_id == msg.id).values(client_name=new_name))
        _rewrite_text(store, activity, (activity.c.summary, activity.c.changes),
                      activity.c.session_id.in_(theirs), scrub)
        _rewrite_text(store, chat_messages, (chat_messages.c.text,), chat_messages.c.session_id.in_(theirs),
                      scrub)
    for notices in (notifications.c.id.in_(found.notices), notifications.c.id > found.through_notice):
        _rewrite_notifications(store, scrub, notices)
    to_them = client_emails.c.client_id == msg.id
    store.db.execute(update(client_emails).where(to_them, client_emails.c.status == "pending")
                     .values(status="dropped", detail=NOT_SENT))
    _rewrite_text(store, client_emails, (client_emails.c.subject, client_emails.c.detail), to_them, scrub)
    store.db.execute(update(client_emails).where(to_them).values(to_addr=""))
    record = records.get(store, msg.id)
    change.emit("client:erased", {"client": record, "sessions": theirs}, primary=True)
    waiting = store.db.execute(select(waitlist.c.session_id).where(waitlist.c.client_id == msg.id))
    for session_id in sorted({int(r[0]) for r in waiting}):  # their places go; every PC hears each list
        store.db.execute(waitlist.delete().where(waitlist.c.client_id == msg.id,
                                                 waitlist.c.session_id == session_id))
        change.emit("waitlist:changed", {"session_id": session_id,
                                         "waitlist": bookings.waitlist_of(store, session_id)})
    change.reply = {"client": record, "sessions": len(theirs)}


def _sessions_of(store: Store, client_id: int) -> list[int]:
    own = select(sessions.c.id).where(sessions.c.client_id == client_id)
    group = select(session_clients.c.session_id).where(session_clients.c.client_id == client_id)
    return sorted({int(r[0]) for r in store.db.execute(own.union(group))})


def _ahead(store: Store, theirs: list[int], now: datetime) -> int:
    if not theirs:
        return 0
    query = select(sessions.c.id).where(sessions.c.id.in_(theirs), sessions.c.start > format_ts(now),
                                        sessions.c.status != Status.CANCELLED.value)
    return len(store.db.execute(query).all())


def _erase_row(store: Store, client_id: int, new_name: str, now: datetime) -> None:
    store.db.execute(update(clients).where(clients.c.id == client_id).values(
        name=new_name, email="", phone="", birthday=None, emergency_contact="", notes="", tags="[]",
        consent_reminders=0, consent_marketing=0, email_key="",
        search_text=records.search_text(new_name, "", "", []), erased_at=format_ts(now)))


class Scrub:
    """Rewrites JSON about one client: every record of theirs (``id`` under ``client``,
    ``clients`` or ``duplicates``) loses its personal fields, and every row that names them by
    ``client_id`` (a session, a group's client) takes the new name. The names it replaces are
    collected, for the free text tied to the client's sessions."""

    def __init__(self, client_id: int, new_name: str, sessions: set[int]) -> None:
        self.client_id = client_id
        self.new_name = new_name
        self.sessions = sessions
        self.names: set[str] = set()
        #: The client's email address and phone number, as free text about them may quote them
        #: (a mail server's refusal names the address).
        self.details: set[str] = set()

    def mentions(self, column: Any) -> list[ColumnElement[bool]]:
        """A cheap pre-filter: rows whose JSON may hold the client's id (spaced or compact) or one
        of the names found so far."""
        n = self.client_id  # the number ended, so that client 101 does not fetch session 101234's rows
        found = [column.like(f'%"{key}":{space}{n}{end}%') for key in ("id", "client_id")
                 for space in ("", " ") for end in (",", "}")]
        found += [column.like(like_pattern(name), escape="\\") for name in self.names]
        return [or_(*found)]

    def _about_theirs(self, value: dict[str, Any]) -> bool:
        """An activity entry, a chat message or a notification about the client or their sessions."""
        links = value.get("links")
        if isinstance(links, dict) and (links.get("session") in self.sessions
                                        or links.get("client") == self.client_id):
            return True
        return value.get("session_id") in self.sessions

    def value(self, value: Any, key: str = "") -> Any:
        if isinstance(value, list):
            return [self.value(v, key) for v in value]
        if not isinstance(value, dict):
            return value
        if self._about_theirs(value):  # its text, not who wrote it (staff may share a client's name)
            value = {k: v if k in ("actor", "author") else self.deep_text(v) for k, v in value.items()}
        out = {k: self.value(v, k) for k, v in value.items()}
        if out.get("client_id") == self.client_id:
            for field in ("client_name", "name"):
                if isinstance(out.get(field), str) and out[field]:
                    self.names.add(out[field])
                    out[field] = self.new_name
        if key in ("client", "clients", "duplicates") and out.get("id") == self.client_id:
            if isinstance(out.get("name"), str) and out["name"]:
                self.names.add(out["name"])
                out["name"] = self.new_name
            for field, erased in ERASED_FIELDS.items():
                if field in out:
                    out[field] = erased
        return out

    def deep_text(self, value: Any) -> Any:
        """:meth:`text` applied to every string in ``value``."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep_text(v) for v in value]
        if isinstance(value, dict):
            return {k: self.deep_text(v) for k, v in value.items()}
        return value

    def text(self, text: str) -> str:
        """``text`` with each name the client had replaced (longest first, so "Rita Lobo" goes
        before "Rita"), and their email address and phone number as :data:`ERASED`; in JSON
        text, as JSON writes them too."""
        swaps = [(name, self.new_name) for name in self.names - {self.new_name}]
        swaps += [(detail, ERASED) for detail in self.details]
        for old, new in sorted(swaps, key=lambda swap: len(swap[0]), reverse=True):
            for form in {old, json.dumps(old)[1:-1]}:
                text = text.replace(form, new)
        return text


def _rewrite_json(store: Store, table: Table, column: Any, where: list[ColumnElement[bool]],
                  scrub: Scrub, *, write: bool = True) -> set[Any]:
    """The JSON of the rows any condition of ``where`` selects (each its own indexed query: an OR
    of them read every row of the table) through ``scrub``, each row once; with ``write`` False
    only to learn the names they hold. Returns the keys of the rows read."""
    key = list(table.primary_key.columns)
    read: set[Any] = set()
    for condition in where:
        for row in store.db.execute(select(*key, column).where(condition)).all():
            row_key = row[0] if len(key) == 1 else tuple(row[:len(key)])
            if row_key in read:
                continue
            read.add(row_key)
            try:
                value = json.loads(row[-1])
            except (TypeError, ValueError):
                continue
            rewritten = scrub.value(value)
            if write and rewritten != value:
                store.db.execute(update(table).where(*_match(key, row))
                                 .values({column.name: stored_json(rewritten)}))
    return read


def _rewrite_text(store: Store, table: Table, columns: Iterable[Any], where: ColumnElement[bool],
                  scrub: Scrub) -> None:
    columns = list(columns)
    key = list(table.primary_key.columns)
    for row in store.db.execute(select(*key, *columns).where(where)).all():
        texts = row[len(key):]
        values = {c.name: scrub.text(t) for c, t in zip(columns, texts, strict=True) if isinstance(t, str)}
        if any(values.get(c.name, t) != t for c, t in zip(columns, texts, strict=True)):
            store.db.execute(update(table).where(*_match(key, row)).values(values))


def _naming(scrub: Scrub) -> ColumnElement[bool]:
    """Notifications whose title or text holds one of the client's names."""
    return or_(*(c.like(like_pattern(name), escape="\\") for name in scrub.names - {scrub.new_name}
                 for c in (notifications.c.title, notifications.c.message)))


def _rewrite_notifications(store: Store, scrub: Scrub, where: ColumnElement[bool], *,
                           write: bool = True) -> set[int]:
    """Notifications (among ``where``) whose link is the client or one of their sessions: their
    title and text rewritten (with ``write``); their ids."""
    about: set[int] = set()
    for nid, links, title, message in store.db.execute(
            select(notifications.c.id, notifications.c.links, notifications.c.title,
                   notifications.c.message).where(where)).all():
        try:
            linked = json.loads(links or "{}")
            if not (linked.get("session") in scrub.sessions or linked.get("client") == scrub.client_id):
                continue
        except (TypeError, ValueError, AttributeError):
            continue
        about.add(int(nid))
        if write:
            store.db.execute(update(notifications).where(notifications.c.id == nid)
                             .values(title=scrub.text(title), message=scrub.text(message)))
    return about


def _match(key: list[Any], row: Any) -> list[ColumnElement[bool]]:
    """The row's primary key (its first values) as conditions."""
    return [column == row[i] for i, column in enumerate(key)]
