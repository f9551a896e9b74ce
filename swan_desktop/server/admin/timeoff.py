"""Trainers' time off: whole local days (in the studio's zone) that block bookings like hours
outside work. Read and written here; :mod:`..calendar.hours` asks :func:`covering`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select

from ...protocol.errors import invalid
from ...protocol.timefmt import format_ts
from ..storage import dialect
from ..store import Store
from .tables import time_off

#: The longest one time-off entry may be.
MAX_DAYS = 366


def _wire(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "trainer_id": row["trainer_id"], "start": row["start"], "end": row["end"],
            "reason": row["reason"]}


def listing(store: Store, trainer_id: int) -> list[dict[str, Any]]:
    t = time_off.c
    query = select(time_off).where(t.trainer_id == trainer_id).order_by(t.start, t.id)
    return [_public(_wire(r)) for r in store.db.execute(query).mappings()]


def _public(wire: dict[str, Any]) -> dict[str, Any]:
    """As it appears on a trainer: ``{"id", "start", "end", "reason"}``."""
    return {k: v for k, v in wire.items() if k != "trainer_id"}


def all_listing(store: Store) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in store.db.execute(select(time_off).order_by(time_off.c.start, time_off.c.id)).mappings():
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
