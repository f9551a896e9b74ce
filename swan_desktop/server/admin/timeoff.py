"""Trainers' time off: whole local days (in the studio's zone) that block bookings like hours
outside work. Read and written here; :mod:`..calendar.hours` asks :func:`covering`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ...protocol.errors import invalid
from ...protocol.timefmt import format_ts
from ..collab.schema import conn
from ..store import Store

#: The longest one time-off entry may be.
MAX_DAYS = 366


def _wire(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "trainer_id": row["trainer_id"], "start": row["start"], "end": row["end"],
            "reason": row["reason"]}


def listing(store: Store, trainer_id: int) -> list[dict[str, Any]]:
    rows = conn(store).execute("SELECT * FROM time_off WHERE trainer_id = ? ORDER BY start, id",
                               (trainer_id,))
    return [_public(_wire(r)) for r in rows]


def _public(wire: dict[str, Any]) -> dict[str, Any]:
    """As it appears on a trainer: ``{"id", "start", "end", "reason"}``."""
    return {k: v for k, v in wire.items() if k != "trainer_id"}


def all_listing(store: Store) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    for r in conn(store).execute("SELECT * FROM time_off ORDER BY start, id"):
        out.setdefault(r["trainer_id"], []).append(_public(_wire(r)))
    return out


def get(store: Store, off_id: int) -> dict[str, Any] | None:
    row = conn(store).execute("SELECT * FROM time_off WHERE id = ?", (off_id,)).fetchone()
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
    cur = conn(store).execute(
        'INSERT INTO time_off(trainer_id, start, "end", reason, created_by, created_at) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        (trainer_id, first.isoformat(), last.isoformat(), reason, by, format_ts(now)))
    found = get(store, int(cur.lastrowid or 0))
    assert found is not None
    return found


def remove(store: Store, off_id: int) -> None:
    conn(store).execute("DELETE FROM time_off WHERE id = ?", (off_id,))


def covering(store: Store, trainer_id: int, start: datetime, end: datetime,
             tz: ZoneInfo) -> dict[str, Any] | None:
    """The trainer's first time off that overlaps ``[start, end)`` (local days in ``tz``), if any."""
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    row = conn(store).execute(
        'SELECT * FROM time_off WHERE trainer_id = ? AND start <= ? AND "end" >= ? ORDER BY start LIMIT 1',
        (trainer_id, last.isoformat(), first.isoformat())).fetchone()
    return _wire(row) if row else None


def describe(off: dict[str, Any]) -> str:
    span = off["start"] if off["start"] == off["end"] else f"{off['start']} to {off['end']}"
    return f"{span}" + (f" ({off['reason']})" if off["reason"] else "")
