"""``trainer.*``, ``room.*``, ``session_type.*`` and ``directory.import``: the pipeline's write hooks.

Each create checks its fields (:func:`checked`, shared with the import), each
update only the fields it changes; a delete is refused while sessions refer to
the row (``conflict``, ``reason: in_use``, with the count), and archiving
(``active: false``) keeps the row for them.
"""

from __future__ import annotations

from typing import Any

from ...domain import colors
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import Message, decode, present
from ..pipeline import Change
from ..store import Store
from . import rows
from .messages import (
    ById,
    DirectoryImport,
    RoomCreate,
    RoomUpdate,
    SessionTypeCreate,
    SessionTypeUpdate,
    TrainerCreate,
    TrainerUpdate,
)

#: Per wire kind: (SQL table, the create message, the event prefix, the reply/event key).
KINDS: dict[str, tuple[str, type[Message], str, str]] = {
    "trainer": ("trainers", TrainerCreate, "trainer", "trainer"),
    "room": ("locations", RoomCreate, "room", "location"),
    "session_type": ("session_types", SessionTypeCreate, "session_type", "session_type"),
}
_WORDS = {"trainers": "trainer", "locations": "room", "session_types": "session type"}


def wire(store: Store, table: str, row_id: int) -> dict[str, Any]:
    if table == "trainers":
        return rows.trainer(store, row_id)
    return rows.room(store, row_id) if table == "locations" else rows.session_type(store, row_id)


def _name(store: Store, table: str, value: str, but: int | None = None) -> str:
    text = value.strip()
    if not text:
        raise invalid("name must not be empty", field="name")
    if rows.name_taken(store, table, text, but):
        raise invalid(f"there is already a {_WORDS[table]} named {text!r}", field="name")
    return text


def _color(value: str) -> str:
    why = colors.refusal(value)
    if why is not None:
        raise invalid(why, field="color")
    return value.lower()


def _specialties(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v.strip()]


def _linkable(store: Store, user_id: int, trainer_id: int | None) -> None:
    user = rows.user_row(store, user_id)
    if user["trainer_id"] is not None and user["trainer_id"] != trainer_id:
        raise invalid(f"account {user['username']!r} is already linked to trainer {user['trainer_id']}",
                      field="user_id")


def checked(store: Store, table: str, msg: Message) -> dict[str, Any]:
    """A new row's column values from its create message (``invalid`` naming a field)."""
    given = present(msg)
    values: dict[str, Any] = {"name": _name(store, table, given["name"])}
    if isinstance(msg, TrainerCreate):
        values["color"] = _color(msg.color) if msg.color is not None else colors.DEFAULT_TRAINER_COLOR
        values["specialties"] = _specialties(msg.specialties)
        if msg.user_id is not None:
            _linkable(store, msg.user_id, None)
    elif isinstance(msg, RoomCreate):
        values["capacity"] = msg.capacity
        values["sessions_at_once"] = msg.sessions_at_once
    elif isinstance(msg, SessionTypeCreate):
        values["color"] = _color(msg.color) if msg.color is not None else colors.DEFAULT_TYPE_COLOR
        values["duration_min"] = msg.duration_min
        values["credits"] = msg.credits
        values["capacity"] = msg.capacity
    return values


def _create(change: Change, kind: str, msg: Message, values: dict[str, Any]) -> dict[str, Any]:
    table, _, prefix, key = KINDS[kind]
    store = change.store
    row_id = rows.insert(store, table, values)
    linked: list[int] = []
    if isinstance(msg, TrainerCreate) and msg.user_id is not None:
        linked = rows.link_user(store, row_id, msg.user_id)
    data = wire(store, table, row_id)
    change.emit(f"{prefix}:created", {key: data}, primary=not change.notes.get("bulk"))
    emit_users(change, linked)
    return data


def emit_users(change: Change, user_ids: list[int]) -> None:
    for uid in user_ids:
        change.emit("user:updated", {"user": rows.user_wire(rows.user_row(change.store, uid))})


def creator(kind: str) -> Any:
    def create(change: Change) -> None:
        table, message, _, key = KINDS[kind]
        assert isinstance(change.msg, message)
        data = _create(change, kind, change.msg, checked(change.store, table, change.msg))
        change.reply = {key: data}
    return create


def updater(kind: str) -> Any:
    def update(change: Change) -> None:
        table, _, prefix, key = KINDS[kind]
        msg, store = change.msg, change.store
        assert isinstance(msg, TrainerUpdate | RoomUpdate | SessionTypeUpdate)
        before = rows.row(store, table, msg.id)
        given = present(msg.changes)
        if not given:
            raise invalid("changes is empty", field="changes")
        values: dict[str, Any] = {}
        linked: list[int] = []
        for name, value in given.items():
            field = f"changes.{name}"
            try:
                if name == "name":
                    values["name"] = _name(store, table, value, but=msg.id)
                elif name == "color":
                    values["color"] = _color(value)
                elif name == "specialties":
                    values["specialties"] = _specialties(value)
                elif name == "active":
                    values["active"] = int(value)
                elif name == "user_id":
                    if value is not None:
                        _linkable(store, value, msg.id)
                else:
                    values[name] = value
            except ProtocolError as err:
                raise ProtocolError(err.code, err.message, {**(err.data or {}), "field": field}) from None
        rows.update(store, table, msg.id, values)
        if "user_id" in given:
            linked = rows.link_user(store, msg.id, given["user_id"])
        data = wire(store, table, msg.id)
        event: dict[str, Any] = {key: data}
        if table == "locations" and "name" in values and values["name"] != before["name"]:
            event["renamed_from"] = before["name"]
            event["sessions_renamed"] = rows.rename_room_in_sessions(store, msg.id, before["name"],
                                                                    values["name"])
        change.emit(f"{prefix}:updated", event, primary=True)
        emit_users(change, linked)
        change.reply = {key: data}
        lowered = values.get("sessions_at_once") if table == "locations" else None
        if lowered is not None and lowered < before["sessions_at_once"]:  # bookings ahead may overfill it
            over = rows.room_overfull(store, data["name"], lowered, change.now)
            if over:
                change.reply["sessions_over"] = over
        if values.get("active") == 0 and before["active"]:
            # archiving leaves them booked as they are: the office is told how many to reassign
            change.reply["sessions_ahead"] = rows.sessions_using(store, table, msg.id, ahead_of=change.now)
    return update


def deleter(kind: str) -> Any:
    def delete(change: Change) -> None:
        table, _, prefix, _ = KINDS[kind]
        msg, store = change.msg, change.store
        assert isinstance(msg, ById)
        found = rows.row(store, table, msg.id)
        used = rows.sessions_using(store, table, msg.id)
        if used:
            word = _WORDS[table]
            text = (f"{word} {found['name']!r} is used by {used} session(s) and cannot be deleted; "
                    f"archive it instead (active: false) to keep their history")
            raise ProtocolError(ErrorCode.CONFLICT, text,
                                {"reason": "in_use", "sessions": used, "message": text})
        linked = rows.users_of(store, msg.id) if table == "trainers" else []
        rows.delete(store, table, msg.id)
        change.emit(f"{prefix}:deleted", {"id": msg.id}, primary=True)
        emit_users(change, linked)
        change.reply = {}
    return delete


# -- directory.import -------------------------------------------------------------------------
#: The import's tables: (wire table, kind).
IMPORTS = (("trainers", "trainer"), ("rooms", "room"), ("session_types", "session_type"))


def import_rows(change: Change) -> None:
    """Create every row, or none: refused ``invalid`` with each bad row's table, index, field and words."""
    msg, store = change.msg, change.store
    assert isinstance(msg, DirectoryImport)
    errors: list[dict[str, Any]] = []
    planned: list[tuple[str, Message, dict[str, Any]]] = []
    for wire_table, kind in IMPORTS:
        table, message, _, _ = KINDS[kind]
        seen: dict[str, int] = {}
        linked: set[int] = set()
        for index, data in enumerate(getattr(msg, wire_table)):
            try:
                row_msg = decode(message, data) if isinstance(data, dict) else None
                if row_msg is None:
                    raise invalid("each row must be an object")
                values = checked(store, table, row_msg)
                key = values["name"].casefold()
                if key in seen:
                    raise invalid(f"the same name as row {seen[key]}", field="name")
                user_id = getattr(row_msg, "user_id", None)
                if user_id is not None and user_id in linked:
                    raise invalid("another row links the same account", field="user_id")
            except ProtocolError as err:
                errors.append({"table": wire_table, "row": index, "field": _field(err),
                               "message": err.message})
                continue
            seen[key] = index
            if user_id is not None:
                linked.add(user_id)
            planned.append((kind, row_msg, values))
    if errors:
        raise invalid(f"{len(errors)} row(s) cannot be imported; nothing was imported", rows=errors)
    created = {wire_table: 0 for wire_table, _ in IMPORTS}
    plural = {kind: wire_table for wire_table, kind in IMPORTS}
    change.notes["bulk"] = True
    for kind, row_msg, values in planned:
        _create(change, kind, row_msg, values)
        created[plural[kind]] += 1
    change.reply = {"created": created}


def _field(err: ProtocolError) -> str | None:
    data = err.data or {}
    if "field" in data:
        return str(data["field"])
    names = data.get("fields")
    return str(names[0]) if isinstance(names, list) and names else None
