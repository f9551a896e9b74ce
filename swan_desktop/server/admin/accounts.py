"""``account.*``: staff accounts — the pipeline's hooks and their SQL.

``account.create`` and ``account.reset_password`` are answered by handlers
(:mod:`.service`) that make and hash the one-time password off the loop first
and then run the change through these hooks, the hash in
``change.notes["admin.password_hash"]``; the password itself is added to the
reply after the commit and is never stored nor kept in the request log.
``account.update`` is an ordinary mutation; its after-commit reaction closes a
deactivated user's connections.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy import update as sql_update

from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import present
from ..pipeline import Change
from ..storage import dialect
from ..store import Store
from ..tables import tokens, users
from . import rows
from .messages import AccountCreate, AccountUpdate, ResetPassword, SetPassword

HASH = "admin.password_hash"
#: The token hash of the connection changing its own password: the one token that survives.
KEEP_TOKEN = "admin.keep_token"
#: What ``account.update`` tells its reaction: the user and whether it was deactivated.
UPDATED = "admin.account_updated"
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def listing(store: Store) -> dict[str, Any]:
    found = store.db.execute(select(users).order_by(users.c.id)).mappings()
    return {"accounts": [rows.account_wire(r) for r in found]}


def _active_admins(store: Store) -> int:
    return int(store.db.execute(select(func.count()).select_from(users).where(
        users.c.role == "admin", users.c.active == 1)).scalar() or 0)


def _check_trainer_link(store: Store, trainer_id: int, user_id: int | None, field: str) -> None:
    rows.row(store, "trainers", trainer_id)
    query = select(users.c.username).where(users.c.trainer_id == trainer_id)
    if user_id is not None:
        query = query.where(users.c.id != user_id)
    other = store.db.execute(query.limit(1)).mappings().first()
    if other is not None:
        raise invalid(f"trainer {trainer_id} is already linked to account {other['username']!r}", field=field)


def create(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, AccountCreate)
    username, name = msg.username.strip(), msg.name.strip()
    if not _USERNAME.fullmatch(username):
        raise invalid("username: letters, digits and . _ @ - only, starting with a letter or digit",
                      field="username")
    if store.db.execute(select(users.c.id).where(func.lower(users.c.username) == username.lower())).first():
        raise invalid(f"the username {username!r} is taken", field="username")
    if not name:
        raise invalid("name must not be empty", field="name")
    if msg.trainer_id is not None:
        try:
            _check_trainer_link(store, msg.trainer_id, None, "trainer_id")
        except ProtocolError as err:
            raise ProtocolError(err.code, err.message, {"field": "trainer_id"}) from None
    new_id = dialect.new_id(store.db.execute(insert(users).values(
        username=username, name=name, role=msg.role, password_hash=change.notes[HASH],
        trainer_id=msg.trainer_id, active=1)))
    row = rows.user_row(store, new_id)
    change.emit("user:created", {"user": rows.user_wire(row)}, primary=True)
    if msg.trainer_id is not None:
        change.emit("trainer:updated", {"trainer": rows.trainer(store, msg.trainer_id)})
    change.reply = {"account": rows.account_wire(row)}


def reset_password(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, ResetPassword)
    rows.user_row(store, msg.user_id)
    store.db.execute(sql_update(users).where(users.c.id == msg.user_id)
                     .values(password_hash=change.notes[HASH]))
    store.delete_user_tokens(msg.user_id)
    change.reply = {}


def set_own_password(change: Change) -> None:
    """A new password of one's own; every other sign-in of the account is revoked with it."""
    assert isinstance(change.msg, SetPassword)
    db, uid = change.store.db, change.actor.id
    db.execute(sql_update(users).where(users.c.id == uid).values(password_hash=change.notes[HASH]))
    keep = change.notes.get(KEEP_TOKEN)
    db.execute(delete(tokens).where(tokens.c.user_id == uid, tokens.c.token_hash != (keep or "")))
    change.reply = {}


def update(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, AccountUpdate)
    before = rows.user_row(store, msg.user_id)
    given = present(msg.changes)
    if not given:
        raise invalid("changes is empty", field="changes")
    values: dict[str, Any] = {}
    if "name" in given:
        if not given["name"].strip():
            raise invalid("name must not be empty", field="changes.name")
        values["name"] = given["name"].strip()
    if "role" in given:
        values["role"] = given["role"]
    if "active" in given:
        values["active"] = int(given["active"])
    if "trainer_id" in given:
        if given["trainer_id"] is not None:
            try:
                _check_trainer_link(store, given["trainer_id"], msg.user_id, "changes.trainer_id")
            except ProtocolError as err:
                raise ProtocolError(err.code, err.message, {"field": "changes.trainer_id"}) from None
        values["trainer_id"] = given["trainer_id"]
    keep_an_admin(store, before, values)
    rows.update(store, "users", msg.user_id, values)
    deactivated = bool(before["active"]) and values.get("active") == 0
    if deactivated:
        store.delete_user_tokens(msg.user_id)
    after = rows.user_row(store, msg.user_id)
    change.emit("user:updated", {"user": rows.user_wire(after)}, primary=True)
    for trainer_id in {before["trainer_id"], after["trainer_id"]} - {None}:
        if before["trainer_id"] != after["trainer_id"]:
            change.emit("trainer:updated", {"trainer": rows.trainer(store, trainer_id)})
    change.notes[UPDATED] = {"user_id": msg.user_id, "deactivated": deactivated}
    change.reply = {"account": rows.account_wire(after)}


def keep_an_admin(store: Store, before: Any, values: dict[str, Any]) -> None:
    """Refuse to demote or deactivate the last active admin (``conflict``, ``reason: last_admin``).

    *before* is the account's row (its ``role`` and ``active``), *values* what is to change; the
    rule of ``account.update`` and ``user.set_role`` alike."""
    was_admin = before["role"] == "admin" and bool(before["active"])
    role, active = values.get("role", before["role"]), values.get("active", before["active"])
    stays_admin = role == "admin" and active == 1
    if was_admin and not stays_admin and _active_admins(store) <= 1:
        text = "this is the last active admin account; make another admin first"
        raise ProtocolError(ErrorCode.CONFLICT, text, {"reason": "last_admin", "message": text})
