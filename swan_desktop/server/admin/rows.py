"""The directory rows an admin manages — trainers, rooms, session types — read and written in SQL.

Call on the store's thread (inside the change's transaction for writes). A
trainer's ``user_id`` is read from ``users.trainer_id``, the one direction the
link is stored in.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ...protocol.errors import not_found
from ..calendar import hours
from ..collab.schema import conn
from ..store import Store
from . import timeoff

#: The admin's tables by wire name: (SQL table, what the sessions table names it by).
TABLES = {"trainers": "trainers", "rooms": "locations", "session_types": "session_types"}


def db(store: Store) -> sqlite3.Connection:
    return conn(store)


# -- wire forms ----------------------------------------------------------------------------
def trainer_wire(store: Store, row: sqlite3.Row) -> dict[str, Any]:
    linked = users_of(store, row["id"])
    return {"id": row["id"], "name": row["name"], "color": row["color"],
            "specialties": json.loads(row["specialties"]), "active": bool(row["active"]),
            "user_id": linked[0] if linked else None,
            "hours": hours.to_wire(hours.weekly(store, row["id"])),
            "time_off": timeoff.listing(store, row["id"])}


def users_of(store: Store, trainer_id: int) -> list[int]:
    """The accounts linked to the trainer (at most one, as the admin requests keep it)."""
    return [r["id"] for r in db(store).execute("SELECT id FROM users WHERE trainer_id = ? ORDER BY id",
                                               (trainer_id,))]


def room_wire(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "capacity": row["capacity"], "active": bool(row["active"])}


def type_wire(row: sqlite3.Row) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "duration_min": row["duration_min"], "color": row["color"],
            "credits": row["credits"], "active": bool(row["active"])}


def row(store: Store, table: str, row_id: int) -> sqlite3.Row:
    """The row ``row_id`` of ``table`` (a name from :data:`TABLES`' values), or ``not_found``."""
    found = db(store).execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
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
    """Whether another row of ``table`` has ``name`` (letter case and outer spaces ignored)."""
    found = db(store).execute(f"SELECT id FROM {table} WHERE lower(trim(name)) = lower(?) AND id IS NOT ?",
                              (name.strip(), but)).fetchone()
    return found is not None


# -- writes --------------------------------------------------------------------------------
def insert(store: Store, table: str, values: dict[str, Any]) -> int:
    values = {k: json.dumps(v) if isinstance(v, list) else v for k, v in values.items()}
    cols = ", ".join(f'"{k}"' for k in values)
    marks = ", ".join("?" for _ in values)
    cur = db(store).execute(f"INSERT INTO {table}({cols}) VALUES ({marks})", tuple(values.values()))
    return int(cur.lastrowid or 0)


def update(store: Store, table: str, row_id: int, values: dict[str, Any]) -> None:
    if not values:
        return
    values = {k: json.dumps(v) if isinstance(v, list) else v for k, v in values.items()}
    sets = ", ".join(f'"{k}" = ?' for k in values)
    db(store).execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values.values(), row_id))


def sessions_using(store: Store, table: str, row_id: int) -> int:
    """How many sessions refer to the row (rooms by name, as sessions name them)."""
    c = db(store)
    if table == "trainers":
        found = c.execute("SELECT COUNT(*) FROM sessions WHERE trainer_id = ?", (row_id,)).fetchone()
    elif table == "session_types":
        found = c.execute("SELECT COUNT(*) FROM sessions WHERE session_type_id = ?", (row_id,)).fetchone()
    else:
        found = c.execute("SELECT COUNT(*) FROM sessions WHERE location = "
                          "(SELECT name FROM locations WHERE id = ?)", (row_id,)).fetchone()
    return int(found[0])


def delete(store: Store, table: str, row_id: int) -> None:
    """Delete a row no session refers to, with what only it needed (hours, feeds, time off)."""
    c = db(store)
    if table == "trainers":
        c.execute("DELETE FROM trainer_hours WHERE trainer_id = ?", (row_id,))
        c.execute("DELETE FROM ics_feeds WHERE trainer_id = ?", (row_id,))
        c.execute("DELETE FROM time_off WHERE trainer_id = ?", (row_id,))
        c.execute("UPDATE users SET trainer_id = NULL WHERE trainer_id = ?", (row_id,))
    c.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))


def link_user(store: Store, trainer_id: int, user_id: int | None) -> list[int]:
    """Make ``user_id`` the trainer's only linked account (None: none). The users whose link changed."""
    c = db(store)
    before = users_of(store, trainer_id)
    c.execute("UPDATE users SET trainer_id = NULL WHERE trainer_id = ?", (trainer_id,))
    if user_id is not None:
        c.execute("UPDATE users SET trainer_id = ? WHERE id = ?", (trainer_id, user_id))
    return sorted(set(before) ^ ({user_id} if user_id is not None else set()))


# -- what directory.query adds ------------------------------------------------------------------
def extend_directory(store: Store, reply: dict[str, Any]) -> None:
    c = db(store)
    trainers = {r["id"]: r for r in c.execute("SELECT id, active FROM trainers")}
    links = {r["trainer_id"]: r["id"] for r in c.execute(
        "SELECT trainer_id, MIN(id) AS id FROM users WHERE trainer_id IS NOT NULL GROUP BY trainer_id")}
    offs = timeoff.all_listing(store)
    for t in reply.get("trainers", []):
        found = trainers.get(t["id"])
        t["active"] = bool(found["active"]) if found else True
        t["user_id"] = links.get(t["id"])
        t["time_off"] = offs.get(t["id"], [])
        t.setdefault("hours", [])
    rooms = {r["id"]: room_wire(r) for r in c.execute("SELECT * FROM locations")}
    for loc in reply.get("locations", []):
        loc.update(rooms.get(loc["id"], {}))
    types = {r["id"]: r["active"] for r in c.execute("SELECT id, active FROM session_types")}
    for st in reply.get("session_types", []):
        st["active"] = bool(types.get(st["id"], 1))


# -- staff accounts ------------------------------------------------------------------------------
def account_wire(row: sqlite3.Row) -> dict[str, Any]:
    """An account as admins see it (``account.*`` replies)."""
    return {"id": row["id"], "username": row["username"], "name": row["name"], "role": row["role"],
            "trainer_id": row["trainer_id"], "active": bool(row["active"])}


def user_wire(row: sqlite3.Row) -> dict[str, Any]:
    """An account as everyone sees it (``user:*`` events): the directory's user, with its link and state."""
    return {"id": row["id"], "name": row["name"], "role": row["role"], "trainer_id": row["trainer_id"],
            "active": bool(row["active"])}


def user_row(store: Store, user_id: int, field: str = "user_id") -> sqlite3.Row:
    found = db(store).execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    if found is None:
        raise not_found(f"no account with id {user_id}", field=field)
    return found
