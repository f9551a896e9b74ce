"""Chat rooms (studio-wide and one per schedule day): messages, mentions, reactions (worker thread).

The whole history stays on the server; clients keep the last 500 per room.
Kinds: ``chat`` (people), ``system`` (generated from schedule changes),
``conflict`` (a strategy overwrote or dropped a value), ``announcement`` (admins).
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from ...domain.permissions import may_override_overlap
from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.timefmt import format_ts, now_utc
from ...protocol.validation import require_int
from ..store import Account, Store, Tx
from .schema import conn

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


def _wire(r: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": r["id"], "room": r["room"], "kind": r["kind"],
        "author": {"id": r["author_id"], "name": r["author_name"]},
        "text": "" if r["deleted"] else r["text"], "mentions": json.loads(r["mentions"]),
        "reactions": json.loads(r["reactions"]), "session_id": r["session_id"],
        "created_at": r["created_at"], "edited_at": r["edited_at"], "deleted": bool(r["deleted"]),
    }


def message(store: Store, message_id: int) -> dict[str, Any]:
    row = conn(store).execute("SELECT * FROM chat_messages WHERE id = ?", (message_id,)).fetchone()
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
    cur = conn(store).execute(
        "INSERT INTO chat_messages(room, kind, author_id, author_name, text, mentions, session_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (room, kind, author.id if author else None, author.name if author else author_name, text,
         json.dumps(mentions), session_id, format_ts(now_utc())))
    msg = message(store, int(cur.lastrowid or 0))
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
    conn(store).execute("UPDATE chat_messages SET text = ?, mentions = ?, edited_at = ? WHERE id = ?",
                        (text, json.dumps(mentioned(store, text)), format_ts(now_utc()), msg["id"]))
    updated = message(store, msg["id"])
    tx.emit("chat:edited", {"message": updated}, actor.user)
    return {"message": updated}


def delete(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    msg = _own(store, actor, data)
    conn(store).execute("UPDATE chat_messages SET deleted = 1, edited_at = ? WHERE id = ?",
                        (format_ts(now_utc()), msg["id"]))
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
    conn(store).execute("UPDATE chat_messages SET reactions = ? WHERE id = ?",
                        (json.dumps(reactions, sort_keys=True), msg["id"]))
    updated = message(store, msg["id"])
    tx.emit("chat:reacted", {"message": updated}, actor.user)
    return {"message": updated}


def history(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    """``chat.history``: up to ``limit`` (≤ 500) messages of a room before ``before``, oldest first."""
    room = check_room(data.get("room"))
    limit = require_int(data.get("limit", MAX_HISTORY), "limit")
    if not 1 <= limit <= MAX_HISTORY:
        raise invalid(f"limit must be between 1 and {MAX_HISTORY}", field="limit")
    sql = "SELECT * FROM chat_messages WHERE room = ?"
    args: list[object] = [room]
    if data.get("before") is not None:
        sql += " AND id < ?"
        args.append(require_int(data["before"], "before"))
    rows = conn(store).execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
    return {"room": room, "messages": [_wire(r) for r in reversed(rows)]}
