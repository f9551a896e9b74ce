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
from ...protocol.validation import require_int
from ..storage import dialect
from ..store import Account, Store, Tx
from .tables import chat_messages

KINDS = ("chat", "system", "conflict", "announcement")
MAX_TEXT = 4000
MAX_HISTORY = 500
MAX_EMOJI = 16
_ROOM = re.compile(r"^(studio|day:\d{4}-\d{2}-\d{2})$")
_MENTION = re.compile(r"@([\w.\-]+)")


def check_room(room: Any) -> str:
    if not isinstance(room, str) or not _ROOM.match(room):
        raise invalid("room must be 'studio' or 'day:YYYY-MM-DD'", field="room")
    return room


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid("text must be a non-empty string", field="text")
    if len(value) > MAX_TEXT:
        raise invalid(f"text is longer than {MAX_TEXT} characters", field="text")
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


def _wire(r: RowMapping) -> dict[str, Any]:
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


def post(store: Store, tx: Tx | None, author: Account | None, room: str, kind: str, text: str,
         session_id: int | None = None, author_name: str = "Swan") -> dict[str, Any]:
    """Store a message; announce it as ``chat:posted`` when ``tx`` is given.

    System messages pass no ``tx``: they travel inside the ``session:*`` event
    that caused them (``data.chat``).
    """
    mentions = mentioned(store, text) if kind in ("chat", "announcement") else []
    new_id = dialect.new_id(store.db.execute(insert(chat_messages).values(
        room=room, kind=kind, author_id=author.id if author else None,
        author_name=author.name if author else author_name, text=text, mentions=json.dumps(mentions),
        session_id=session_id, created_at=format_ts(now_utc()))))
    msg = message(store, new_id)
    if tx is not None:
        tx.emit("chat:posted", {"message": msg}, author.user if author else None)
    return msg


def send(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - {"room", "text", "kind"})
    if unknown:
        raise invalid(f"unknown field(s): {', '.join(unknown)}", fields=unknown)
    kind = data.get("kind", "chat")
    if kind not in ("chat", "announcement"):
        raise invalid("kind must be chat or announcement (system and conflict come from the server)",
                      field="kind")
    if kind == "announcement" and not may_override_overlap(actor.role):
        raise ProtocolError(ErrorCode.FORBIDDEN, "only an admin may post announcements")
    return {"message": post(store, tx, actor, check_room(data.get("room")), kind, _text(data.get("text")))}


def _own(store: Store, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    msg = message(store, require_int(data.get("id"), "id"))
    if msg["author"]["id"] != actor.id:
        raise ProtocolError(ErrorCode.FORBIDDEN, "you can only edit or delete your own messages")
    if msg["deleted"]:
        raise not_found("that message was deleted", field="id")
    return msg


def edit(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    msg = _own(store, actor, data)
    text = _text(data.get("text"))
    store.db.execute(_update(msg["id"]).values(text=text, mentions=json.dumps(mentioned(store, text)),
                                               edited_at=format_ts(now_utc())))
    updated = message(store, msg["id"])
    tx.emit("chat:edited", {"message": updated}, actor.user)
    return {"message": updated}


def delete(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    msg = _own(store, actor, data)
    store.db.execute(_update(msg["id"]).values(deleted=1, edited_at=format_ts(now_utc())))
    updated = message(store, msg["id"])
    tx.emit("chat:deleted", {"message": updated}, actor.user)
    return {"message": updated}


def react(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    msg = message(store, require_int(data.get("id"), "id"))
    emoji, on = data.get("emoji"), data.get("on", True)
    if not isinstance(emoji, str) or not 0 < len(emoji) <= MAX_EMOJI:
        raise invalid("emoji must be a short non-empty string", field="emoji")
    if not isinstance(on, bool):
        raise invalid("on must be true or false", field="on")
    reactions: dict[str, list[int]] = msg["reactions"]
    users = set(reactions.get(emoji, []))
    users = users | {actor.id} if on else users - {actor.id}
    if users:
        reactions[emoji] = sorted(users)
    else:
        reactions.pop(emoji, None)
    store.db.execute(_update(msg["id"]).values(reactions=json.dumps(reactions, sort_keys=True)))
    updated = message(store, msg["id"])
    tx.emit("chat:reacted", {"message": updated}, actor.user)
    return {"message": updated}


def history(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    """``chat.history``: up to ``limit`` (≤ 500) messages of a room before ``before``, oldest first."""
    room = check_room(data.get("room"))
    limit = require_int(data.get("limit", MAX_HISTORY), "limit")
    if not 1 <= limit <= MAX_HISTORY:
        raise invalid(f"limit must be between 1 and {MAX_HISTORY}", field="limit")
    query = select(chat_messages).where(chat_messages.c.room == room)
    if data.get("before") is not None:
        query = query.where(chat_messages.c.id < require_int(data["before"], "before"))
    rows = store.db.execute(query.order_by(chat_messages.c.id.desc()).limit(limit)).mappings().all()
    return {"room": room, "messages": [_wire(r) for r in reversed(rows)]}
