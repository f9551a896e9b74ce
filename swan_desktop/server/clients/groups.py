"""Group sessions: a session holds up to its type's ``capacity`` clients. The first is the session's
own ``client_id`` (as every single-client session has); the others are ``session_clients`` rows,
each with their own attendance and credits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, case, delete, func, insert, select, union_all, update

from ...protocol.entities import Session, Status
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import present
from ...protocol.timefmt import format_ts
from ..pipeline import Change
from ..store import Store
from ..tables import clients, session_types, sessions
from .tables import session_clients

#: Built once: they run on every session change (see ``Store.sql``).
_CAPACITY = select(session_types.c.capacity).where(session_types.c.id == bindparam("type_id"))
_EXTRAS = (
    select(session_clients.c.client_id, clients.c.name, session_clients.c.attendance)
    .join(clients, clients.c.id == session_clients.c.client_id)
    .where(session_clients.c.session_id == bindparam("session_id"))
    .order_by(session_clients.c.added_at, session_clients.c.client_id)
)


def _capacity_of(store: Store, type_id: int | None) -> int:
    if type_id is None:
        return 1
    return int(store.sql(_CAPACITY).scalar(store.db, {"type_id": type_id}) or 1)


def capacity(store: Store, session: Session) -> int:
    return _capacity_of(store, session.session_type_id)


def over_capacity(store: Store, type_id: int, now: datetime) -> int:
    """Sessions of the type still to come (not cancelled) that hold more clients than its capacity
    now allows: a capacity lowered keeps the clients booked, and the office is told how many."""
    extra = (select(func.count()).select_from(session_clients)
             .where(session_clients.c.session_id == sessions.c.id).scalar_subquery())
    held = case((sessions.c.client_id.is_(None), 0), else_=1) + extra
    count = select(func.count()).select_from(sessions).where(
        sessions.c.session_type_id == type_id, sessions.c.start > format_ts(now),
        sessions.c.status != Status.CANCELLED.value, held > _capacity_of(store, type_id))
    return int(store.db.execute(count).scalar() or 0)


def capacity_lowered(change: Change) -> None:
    """``session_type.update`` setting ``capacity``: the reply says how many sessions ahead now hold
    more clients than it (``sessions_over_capacity``, when any)."""
    changes, type_id = getattr(change.msg, "changes", None), getattr(change.msg, "id", None)
    if changes is None or not isinstance(type_id, int) or "capacity" not in present(changes):
        return
    over = over_capacity(change.store, type_id, change.now)
    if over:
        change.reply["sessions_over_capacity"] = over


def extras(store: Store, session_id: int) -> list[dict[str, Any]]:
    """The clients beyond the first, in the order they were added."""
    return store.sql(_EXTRAS).all(store.db, {"session_id": session_id})


def members(store: Store, session: Session) -> list[dict[str, Any]]:
    first = (
        [{"client_id": session.client_id, "name": session.client_name, "attendance": session.attendance}]
        if session.client_id is not None
        else []
    )
    return first + extras(store, session.id)


def client_ids(store: Store, session: Session) -> list[int]:
    return [m["client_id"] for m in members(store, session)]


def session_wire(store: Store, session: Session) -> dict[str, Any]:
    """The session as the wire has it, with ``clients``, ``capacity`` and ``booked`` for a group."""
    wire = session.to_wire()
    decorate(store, [wire])
    return wire


def decorate(store: Store, wires: Iterable[dict[str, Any]]) -> None:
    """Add the group fields to those of ``wires`` whose type holds more than one client or that have
    more than one client (one query for the types, one for the extra clients)."""
    wires = list(wires)
    if not wires:
        return
    if len(wires) == 1:  # one session changed: two short statements, each compiled once
        wire = wires[0]
        _decorate(wire, _capacity_of(store, wire.get("session_type_id")), extras(store, wire["id"]))
        return
    caps = {r.id: r.capacity for r in store.db.execute(select(session_types.c.id, session_types.c.capacity))}
    ids = [w["id"] for w in wires]
    more: dict[int, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        rows = store.db.execute(
            select(
                session_clients.c.session_id,
                session_clients.c.client_id,
                clients.c.name,
                session_clients.c.attendance,
            )
            .join(clients, clients.c.id == session_clients.c.client_id)
            .where(session_clients.c.session_id.in_(ids[start : start + 500]))
            .order_by(session_clients.c.added_at, session_clients.c.client_id)
        )
        for r in rows:
            more.setdefault(r.session_id, []).append(
                {"client_id": r.client_id, "name": r.name, "attendance": r.attendance}
            )
    for wire in wires:
        _decorate(wire, int(caps.get(wire.get("session_type_id"), 1) or 1), more.get(wire["id"], []))


def _decorate(wire: dict[str, Any], cap: int, extra: list[dict[str, Any]]) -> None:
    """The group fields on one session's wire form: its clients, capacity and places taken."""
    if cap <= 1 and not extra:
        return
    first = (
        [{"client_id": wire["client_id"], "name": wire["client_name"], "attendance": wire.get("attendance")}]
        if wire.get("client_id") is not None
        else []
    )
    wire["clients"] = first + extra
    wire["capacity"] = cap
    wire["booked"] = len(wire["clients"])


def sessions_of(client_id: int) -> Select[Any]:
    """The ids of every session the client is in (first client or one of a group's)."""
    return (
        union_all(
            select(sessions.c.id.label("session_id")).where(sessions.c.client_id == client_id),
            select(session_clients.c.session_id).where(session_clients.c.client_id == client_id),
        )
        .subquery()
        .select()
    )


def add(store: Store, session: Session, client_id: int, name: str, at: str) -> Session:
    """Book one more client; returns the session as it now is (not yet stored when it changed)."""
    if client_id in client_ids(store, session):
        raise invalid(f"client {client_id} is already booked on session {session.id}", field="client_id")
    cap, booked = capacity(store, session), len(members(store, session))
    if booked >= cap:
        raise ProtocolError(
            ErrorCode.CONFLICT,
            f"session {session.id} is full ({booked} of {cap} places)",
            {"reason": "full", "capacity": cap, "booked": booked},
        )
    if session.client_id is None:
        return session.with_changes(client_id=client_id, client_name=name, attendance=None)
    store.db.execute(insert(session_clients).values(session_id=session.id, client_id=client_id, added_at=at))
    return session


def remove(store: Store, session: Session, client_id: int) -> Session:
    """Take a client off; the next client moves up when the first leaves."""
    if client_id not in client_ids(store, session):
        raise invalid(f"client {client_id} is not booked on session {session.id}", field="client_id")
    if session.client_id != client_id:
        store.db.execute(
            delete(session_clients).where(
                session_clients.c.session_id == session.id, session_clients.c.client_id == client_id
            )
        )
        return session
    rest = extras(store, session.id)
    if not rest:
        return session.with_changes(client_id=None, client_name="", attendance=None)
    nxt = rest[0]
    store.db.execute(
        delete(session_clients).where(
            session_clients.c.session_id == session.id, session_clients.c.client_id == nxt["client_id"]
        )
    )
    return session.with_changes(
        client_id=nxt["client_id"], client_name=nxt["name"], attendance=nxt["attendance"]
    )


def set_attendance(store: Store, session_id: int, client_id: int, attendance: str | None) -> bool:
    result = store.db.execute(
        update(session_clients)
        .where(session_clients.c.session_id == session_id, session_clients.c.client_id == client_id)
        .values(attendance=attendance)
    )
    return bool(result.rowcount)
