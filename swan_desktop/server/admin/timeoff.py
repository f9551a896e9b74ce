"""Trainers' time off: whole local days (in the studio's zone) that block bookings like hours
outside work. Read and written here; :mod:`..calendar.hours` asks :func:`covering`.

A trainer's time off travels with the trainer (``directory.query``, ``trainer:updated``), so it is
kept bounded: only entries that ended at most :data:`KEPT_DAYS` ago are listed (older ones are
history: still stored, still blocking a booking on their days), and a trainer holds at most
:data:`MAX_KEPT` listed entries, each with a short reason. Without that, a trainer account adding
time off in a loop would grow every desktop's sign-in reply past the frame a desktop accepts.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select

from ...protocol.errors import invalid
from ...protocol.timefmt import format_ts
from ..calendar import studio
from ..storage import dialect
from ..store import Store
from .tables import time_off

#: The longest one time-off entry may be.
MAX_DAYS = 366
#: Time off that ended longer ago than this many days is no longer listed on the trainer.
KEPT_DAYS = 366
#: Listed entries (ended within :data:`KEPT_DAYS`, or still ahead) one trainer may hold.
MAX_KEPT = 200


def kept_since(store: Store, now: datetime) -> str:
    """The first end date (``YYYY-MM-DD``, the studio's days) of time off still listed."""
    today = now.astimezone(studio.zone(store)).date()
    return (today - timedelta(days=KEPT_DAYS)).isoformat()


def _wire(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "trainer_id": row["trainer_id"], "start": row["start"], "end": row["end"],
            "reason": row["reason"]}


def listing(store: Store, trainer_id: int, now: datetime) -> list[dict[str, Any]]:
    t = time_off.c
    query = (select(time_off).where(t.trainer_id == trainer_id, t.end >= kept_since(store, now))
             .order_by(t.start, t.id))
    return [_public(_wire(r)) for r in store.db.execute(query).mappings()]


def _public(wire: dict[str, Any]) -> dict[str, Any]:
    """As it appears on a trainer: ``{"id", "start", "end", "reason"}``."""
    return {k: v for k, v in wire.items() if k != "trainer_id"}


def all_listing(store: Store, now: datetime) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    t = time_off.c
    query = select(time_off).where(t.end >= kept_since(store, now)).order_by(t.start, t.id)
    for r in store.db.execute(query).mappings():
        out.setdefault(r["trainer_id"], []).append(_public(_wire(r)))
    return out


def get(store: Store, off_id: int) -> dict[str, Any] | None:
    row = store.db.execute(select(time_off).where(time_off.c.id == off_id)).mappings().first()
    return _wire(row) if row else None


def parse_span(start: str, end: str) -> tuple[date, date]:
    """Inclusive ``YYYY-MM-DD`` dates, checked (``invalid`` naming the field)."""
    days = []
    for name, text in (("start", start), ("end", end)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise invalid(f"{name} must be a date YYYY-MM-DD", field=name) from None
    first, last = days
    if last < first:
        raise invalid("end must be on or after start", field="end")
    if (last - first).days >= MAX_DAYS:
        raise invalid(f"time off may span at most {MAX_DAYS} days; add another entry", field="end")
    return first, last


def add(store: Store, trainer_id: int, first: date, last: date, reason: str, by: int,
        now: datetime) -> dict[str, Any]:
    """A new entry; refused (``invalid``) once the trainer holds :data:`MAX_KEPT` listed ones."""
    since = kept_since(store, now)
    if last.isoformat() >= since:
        t = time_off.c
        held = store.db.execute(select(func.count()).select_from(time_off).where(
            t.trainer_id == trainer_id, t.end >= since)).scalar_one()
        if held >= MAX_KEPT:
            raise invalid(f"this trainer already has {MAX_KEPT} time-off entries in the past year and ahead; "
                          "remove some, or cover several days with one entry", field="start")
    new_id = dialect.new_id(store.db.execute(insert(time_off).values(
        trainer_id=trainer_id, start=first.isoformat(), end=last.isoformat(), reason=reason, created_by=by,
        created_at=format_ts(now))))
    found = get(store, new_id)
    assert found is not None
    return found


def remove(store: Store, off_id: int) -> None:
    store.db.execute(delete(time_off).where(time_off.c.id == off_id))


def covering(store: Store, trainer_id: int, start: datetime, end: datetime,
             tz: ZoneInfo) -> dict[str, Any] | None:
    """The trainer's first time off that overlaps ``[start, end)`` (local days in ``tz``), if any."""
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    t = time_off.c
    row = store.db.execute(select(time_off).where(
        t.trainer_id == trainer_id, t.start <= last.isoformat(), t.end >= first.isoformat())
        .order_by(t.start).limit(1)).mappings().first()
    return _wire(row) if row else None


def describe(off: dict[str, Any]) -> str:
    span = off["start"] if off["start"] == off["end"] else f"{off['start']} to {off['end']}"
    return f"{span}" + (f" ({off['reason']})" if off["reason"] else "")
