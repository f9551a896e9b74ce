"""The directory rows an admin manages — trainers, rooms, session types — read and written through
the store's connection (SQLAlchemy Core).

Call on the store's thread (inside the change's transaction for writes). A
trainer's ``user_id`` is read from ``users.trainer_id``, the one direction the
link is stored in.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, or_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import insert as sql_insert
from sqlalchemy import update as sql_update
from sqlalchemy.engine import RowMapping

from ...domain import overlap, rooms
from ...protocol.entities import Status
from ...protocol.errors import not_found
from ...protocol.timefmt import format_ts, now_utc, parse_ts
from ..calendar import hours
from ..calendar.tables import ics_feeds, trainer_hours
from ..storage import dialect
from ..store import Store
from ..tables import locations, session_types, sessions, trainers, users
from . import timeoff
from .tables import time_off

#: The admin's tables by wire name: (SQL table, what the sessions table names it by).
TABLES = {"trainers": "trainers", "rooms": "locations", "session_types": "session_types"}
_BY_NAME: dict[str, Table] = {"trainers": trainers, "locations": locations, "session_types": session_types,
                              "users": users}

Row = RowMapping


def table_of(name: str) -> Table:
    return _BY_NAME[name]


# -- wire forms ----------------------------------------------------------------------------
def trainer_wire(store: Store, row: Row) -> dict[str, Any]:
    linked = users_of(store, row["id"])
    return {"id": row["id"], "name": row["name"], "color": row["color"],
            "specialties": json.loads(row["specialties"]), "active": bool(row["active"]),
            "user_id": linked[0] if linked else None,
            "hours": hours.to_wire(hours.weekly(store, row["id"])),
            "time_off": timeoff.listing(store, row["id"], now_utc())}


def users_of(store: Store, trainer_id: int) -> list[int]:
    """The accounts linked to the trainer (at most one, as the admin requests keep it)."""
    query = select(users.c.id).where(users.c.trainer_id == trainer_id).order_by(users.c.id)
    return [int(r) for r in store.db.execute(query).scalars()]


def room_overfull(store: Store, name: str, holds: int, now: datetime) -> int:
    """How many of the room's sessions still to come run at a moment when more than ``holds`` run
    in it (its sessions at once lowered under its bookings: they stay booked, the office moves
    some). Sessions name it as written or in another letter case (ASCII folded by the database, the
    rest matched here by key)."""
    s = sessions.c
    found = store.db.execute(select(s.id, s.start, s.end, s.location).where(
        s.end > format_ts(now), s.status.not_in([Status.CANCELLED.value, Status.BLOCKED.value]),
        or_(s.location == name, func.lower(func.trim(s.location)) == name.strip().lower())))
    key = rooms.key(name)
    spans = [(int(i), parse_ts(start), parse_ts(end)) for i, start, end, where in found
             if rooms.key(where) == key]
    return len(overlap.overfull(spans, holds))


def room_wire(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "capacity": row["capacity"],
            "sessions_at_once": row["sessions_at_once"], "active": bool(row["active"])}


def type_wire(row: Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "duration_min": row["duration_min"], "color": row["color"],
            "credits": row["credits"], "active": bool(row["active"]), "capacity": row["capacity"]}


def row(store: Store, table: str, row_id: int) -> Row:
    """The row ``row_id`` of ``table`` (a name from :data:`TABLES`' values), or ``not_found``."""
    t = table_of(table)
    found = store.db.execute(select(t).where(t.c.id == row_id)).mappings().first()
    if found is None:
        what = {"locations": "room", "session_types": "session type"}.get(table, "trainer")
        raise not_found(f"no {what} with id {row_id}", field="id")
    return found


def trainer(store: Store, trainer_id: int) -> dict[str, Any]:
    return trainer_wire(store, row(store, "trainers", trainer_id))


def room(store: Store, room_id: int) -> dict[str, Any]:
    return room_wire(row(store, "locations", room_id))


def session_type(store: Store, type_id: int) -> dict[str, Any]:
    return type_wire(row(store, "session_types", type_id))


def name_taken(store: Store, table: str, name: str, but: int | None = None) -> bool:
    """Whether another row of ``table`` has ``name`` (letter case and outer spaces ignored, in any
    alphabet: compared here, as SQLite's ``lower()`` folds only ASCII, so "Sala Ávila" and "SALA
    ÁVILA" were two rooms; a studio's trainers, rooms and types are a few hundred at most)."""
    t = table_of(table)
    query = select(t.c.id, t.c.name)
    if but is not None:
        query = query.where(t.c.id != but)
    wanted = rooms.key(name)
    return any(rooms.key(str(other)) == wanted for _id, other in store.db.execute(query))


# -- writes --------------------------------------------------------------------------------
def _stored(values: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v) if isinstance(v, list) else v for k, v in values.items()}


def insert(store: Store, table: str, values: dict[str, Any]) -> int:
    return dialect.new_id(store.db.execute(sql_insert(table_of(table)).values(**_stored(values))))


def update(store: Store, table: str, row_id: int, values: dict[str, Any]) -> None:
    if not values:
        return
    t = table_of(table)
    store.db.execute(sql_update(t).where(t.c.id == row_id).values(**_stored(values)))


def room_names(store: Store) -> list[str]:
    """Every room's name, in the directory's order (archived rooms too)."""
    return [str(n) for n in store.db.execute(select(locations.c.name).order_by(locations.c.id)).scalars()]


def room_named(store: Store, text: str) -> Row | None:
    """The room ``text`` names (:func:`rooms.named`: letter case and surrounding spaces ignored), or None."""
    name = rooms.named(text, room_names(store))
    if name is None:
        return None
    return store.db.execute(select(locations).where(locations.c.name == name)
                            .order_by(locations.c.id).limit(1)).mappings().first()


def _spellings(store: Store, name: str, names: list[str]) -> list[str]:
    """Every room text sessions hold that names the room ``name`` among ``names``, however typed
    (sessions booked before room texts were matched to the rooms keep what was typed)."""
    texts = store.db.execute(select(sessions.c.location).distinct()
                             .where(sessions.c.location != "")).scalars()
    return [str(t) for t in texts if rooms.named(str(t), names) == name]


def rename_room_in_sessions(store: Store, room_id: int, old: str, new: str) -> int:
    """Sessions name their room: a renamed room renames it in every session that names it
    (in any letter case, with or without surrounding spaces). Call after the room's row changed.

    A relabel of the directory, not an edit of the sessions: their versions stay, so
    no desktop's next edit of one is refused as stale. Returns how many were renamed.
    """
    table = select(locations.c.id, locations.c.name).order_by(locations.c.id)
    before = [old if r.id == room_id else str(r.name) for r in store.db.execute(table)]
    texts = _spellings(store, old, before)
    if not texts:
        return 0
    result = store.db.execute(sql_update(sessions).where(sessions.c.location.in_(texts)).values(location=new))
    return int(result.rowcount or 0)


def sessions_using(store: Store, table: str, row_id: int, *, ahead_of: datetime | None = None) -> int:
    """How many sessions refer to the row (rooms by name, as sessions name them, in any letter case);
    with ``ahead_of``, only those starting after it and not cancelled (still to take place)."""
    count = select(func.count()).select_from(sessions)
    if ahead_of is not None:
        count = count.where(sessions.c.start > format_ts(ahead_of),
                            sessions.c.status != Status.CANCELLED.value)
    if table == "trainers":
        count = count.where(sessions.c.trainer_id == row_id)
    elif table == "session_types":
        count = count.where(sessions.c.session_type_id == row_id)
    else:
        texts = _spellings(store, row(store, "locations", row_id)["name"], room_names(store))
        if not texts:
            return 0
        count = count.where(sessions.c.location.in_(texts))
    return int(store.db.execute(count).scalar() or 0)


def delete(store: Store, table: str, row_id: int) -> None:
    """Delete a row no session refers to, with what only it needed (hours, feeds, time off)."""
    db = store.db
    if table == "trainers":
        db.execute(sql_delete(trainer_hours).where(trainer_hours.c.trainer_id == row_id))
        db.execute(sql_delete(ics_feeds).where(ics_feeds.c.trainer_id == row_id))
        db.execute(sql_delete(time_off).where(time_off.c.trainer_id == row_id))
        db.execute(sql_update(users).where(users.c.trainer_id == row_id).values(trainer_id=None))
    t = table_of(table)
    db.execute(sql_delete(t).where(t.c.id == row_id))


def link_user(store: Store, trainer_id: int, user_id: int | None) -> list[int]:
    """Make ``user_id`` the trainer's only linked account (None: none). The users whose link changed."""
    db = store.db
    before = users_of(store, trainer_id)
    db.execute(sql_update(users).where(users.c.trainer_id == trainer_id).values(trainer_id=None))
    if user_id is not None:
        db.execute(sql_update(users).where(users.c.id == user_id).values(trainer_id=trainer_id))
    return sorted(set(before) ^ ({user_id} if user_id is not None else set()))


# -- what directory.query adds ------------------------------------------------------------------
def extend_directory(store: Store, reply: dict[str, Any]) -> None:
    db = store.db
    active = {r.id: r.active for r in db.execute(select(trainers.c.id, trainers.c.active))}
    links = {r.trainer_id: r.id for r in db.execute(
        select(users.c.trainer_id, func.min(users.c.id).label("id"))
        .where(users.c.trainer_id.is_not(None)).group_by(users.c.trainer_id))}
    offs = timeoff.all_listing(store, now_utc())
    for t in reply.get("trainers", []):
        t["active"] = bool(active.get(t["id"], 1))
        t["user_id"] = links.get(t["id"])
        t["time_off"] = offs.get(t["id"], [])
        t.setdefault("hours", [])
    rooms = {r["id"]: room_wire(r) for r in db.execute(select(locations)).mappings()}
    for loc in reply.get("locations", []):
        loc.update(rooms.get(loc["id"], {}))
    types = {r.id: r.active for r in db.execute(select(session_types.c.id, session_types.c.active))}
    for st in reply.get("session_types", []):
        st["active"] = bool(types.get(st["id"], 1))


# -- staff accounts ------------------------------------------------------------------------------
def account_wire(row: Row) -> dict[str, Any]:
    """An account as admins see it (``account.*`` replies)."""
    return {"id": row["id"], "username": row["username"], "name": row["name"], "role": row["role"],
            "trainer_id": row["trainer_id"], "active": bool(row["active"])}


def user_wire(row: Row) -> dict[str, Any]:
    """An account as everyone sees it (``user:*`` events): the directory's user, with its link and state."""
    return {"id": row["id"], "name": row["name"], "role": row["role"], "trainer_id": row["trainer_id"],
            "active": bool(row["active"])}


def user_row(store: Store, user_id: int, field: str = "user_id") -> Row:
    found = store.db.execute(select(users).where(users.c.id == user_id)).mappings().first()
    if found is None:
        raise not_found(f"no account with id {user_id}", field=field)
    return found
