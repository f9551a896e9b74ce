"""Chat rooms (studio-wide and one per schedule day): messages, mentions, reactions (worker thread).

The whole history stays on the server; clients keep the last 500 per room.
Kinds: ``chat`` (people), ``system`` (generated from schedule changes),
``conflict`` (a strategy overwrote or dropped a value), ``announcement`` (admins).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import RowMapping, Update, insert, select, update

from ...domain.permissions import may_override_overlap
from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.timefmt import format_ts, now_utc
from ..paging import page
from ..pipeline import Change
from ..store import Account, Store
from .messages import ChatDelete, ChatEdit, ChatHistory, ChatReact, ChatSend
from .tables import chat_messages

KINDS = ("chat", "system", "conflict", "announcement")
MAX_HISTORY = 500
#: Different reactions one message carries at most (each change sends the whole message to every desktop).
MAX_REACTIONS = 20
_MENTION = re.compile(r"@([\w.\-]+)")


def _text(value: str) -> str:
    if not value.strip():
        raise invalid("text must be a non-empty string", field="text")
    return value.strip()


def mentioned(store: Store, text: str) -> list[int]:
    """User ids named as ``@username`` or ``@FirstName`` (case-insensitive)."""
    names = {m.lower() for m in _MENTION.findall(text)}
    if not names:
        return []
    ids = []
    for account in store.accounts():
        first = account.name.split()[0].lower() if account.name else ""
        if account.username.lower() in names or first in names:
            ids.append(account.id)
    return ids


_INSERT = insert(chat_messages)
_INSERT_COLUMNS = ("room", "kind", "author_id", "author_name", "text", "mentions", "reactions", "session_id",
                   "created_at", "edited_at", "deleted")


def _wire(r: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": r["id"], "room": r["room"], "kind": r["kind"],
        "author": {"id": r["author_id"], "name": r["author_name"]},
        "text": "" if r["deleted"] else r["text"], "mentions": json.loads(r["mentions"]),
        "reactions": json.loads(r["reactions"]), "session_id": r["session_id"],
        "created_at": r["created_at"], "edited_at": r["edited_at"], "deleted": bool(r["deleted"]),
    }


def _update(message_id: int) -> Update:
    return update(chat_messages).where(chat_messages.c.id == message_id)


def message(store: Store, message_id: int) -> dict[str, Any]:
    row = store.db.execute(select(chat_messages).where(chat_messages.c.id == message_id)).mappings().first()
    if row is None:
        raise not_found(f"no message with id {message_id}", field="id")
    return _wire(row)


def post(store: Store, change: Change | None, author: Account | None, room: str, kind: str, text: str,
         session_id: int | None = None, author_name: str = "Swan") -> dict[str, Any]:
    """Store a message; announce it as ``chat:posted`` when ``change`` is given.

    System messages pass no ``change``: they travel inside the ``session:*``
    event that caused them (``data.chat``).
    """
    mentions = mentioned(store, text) if kind in ("chat", "announcement") else []
    row = {"room": room, "kind": kind, "author_id": author.id if author else None,
           "author_name": author.name if author else author_name, "text": text,
           "mentions": json.dumps(mentions), "reactions": "{}", "session_id": session_id,
           "created_at": format_ts(now_utc()), "edited_at": None, "deleted": 0}
    insert = store.sql(_INSERT, _INSERT_COLUMNS, returning_key=True)
    row["id"] = insert.new_id(insert.run(store.db, row))
    msg = _wire(row)  # what was written, not read back
    if change is not None:
        change.emit("chat:posted", {"message": msg}, primary=True)
    return msg


def send(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, ChatSend)
    if msg.kind == "announcement" and not may_override_overlap(change.actor.role):
        raise ProtocolError(ErrorCode.FORBIDDEN, "only an admin may post announcements")
    posted = post(change.store, change, change.actor, msg.room, msg.kind, _text(msg.text))
    change.reply = {"message": posted}


def _own(store: Store, actor: Account, message_id: int) -> dict[str, Any]:
    msg = message(store, message_id)
    if msg["author"]["id"] != actor.id:
        raise ProtocolError(ErrorCode.FORBIDDEN, "you can only edit or delete your own messages")
    if msg["deleted"]:
        raise not_found("that message was deleted", field="id")
    return msg


def remember_mentions(change: Change) -> None:
    """Before an edit: who the message named already (they are not told again)."""
    assert isinstance(change.msg, ChatEdit)
    change.notes["chat.mentioned before"] = message(change.store, change.msg.id)["mentions"]


def edit(change: Change) -> None:
    assert isinstance(change.msg, ChatEdit)
    store = change.store
    msg = _own(store, change.actor, change.msg.id)
    text = _text(change.msg.text)
    store.db.execute(_update(msg["id"]).values(text=text, mentions=json.dumps(mentioned(store, text)),
                                               edited_at=format_ts(now_utc())))
    updated = message(store, msg["id"])
    change.emit("chat:edited", {"message": updated}, primary=True)
    change.reply = {"message": updated}


def delete(change: Change) -> None:
    assert isinstance(change.msg, ChatDelete)
    store = change.store
    msg = _own(store, change.actor, change.msg.id)
    store.db.execute(_update(msg["id"]).values(deleted=1, edited_at=format_ts(now_utc())))
    updated = message(store, msg["id"])
    change.emit("chat:deleted", {"message": updated}, primary=True)
    change.reply = {"message": updated}


def react(change: Change) -> None:
    req = change.msg
    assert isinstance(req, ChatReact)
    store = change.store
    msg = message(store, req.id)
    reactions: dict[str, list[int]] = msg["reactions"]
    if req.on and req.emoji not in reactions and len(reactions) >= MAX_REACTIONS:
        raise invalid(f"a message has at most {MAX_REACTIONS} different reactions; add yours to one of them",
                      field="emoji")
    users = set(reactions.get(req.emoji, []))
    users = users | {change.actor.id} if req.on else users - {change.actor.id}
    if users:
        reactions[req.emoji] = sorted(users)
    else:
        reactions.pop(req.emoji, None)
    store.db.execute(_update(msg["id"]).values(reactions=json.dumps(reactions, sort_keys=True)))
    updated = message(store, msg["id"])
    change.emit("chat:reacted", {"message": updated}, primary=True)
    change.reply = {"message": updated}


def history(store: Store, req: ChatHistory) -> dict[str, Any]:
    """``chat.history``: up to ``limit`` (≤ 500) messages of a room before ``before``, oldest first,
    as many as fit one reply (``more`` and a ``before`` cursor when older ones remain)."""
    query = select(chat_messages).where(chat_messages.c.room == req.room)
    if req.before is not None:
        query = query.where(chat_messages.c.id < req.before)
    rows = store.db.execute(query.order_by(chat_messages.c.id.desc()).limit(req.limit + 1)).mappings().all()
    found = page([_wire(r) for r in rows[:req.limit]], older=len(rows) > req.limit)
    return {"room": req.room, "messages": found["items"][::-1], "more": found["more"],
            "before": found["before"]}
