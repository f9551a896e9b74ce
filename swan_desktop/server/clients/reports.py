"""``report.run``: figures per week or month, each computed by the database (GROUP BY the period).

Periods and the range are cut in the studio's time zone (``studio.settings``
``timezone``): ``YYYY-Www`` ISO weeks or ``YYYY-MM`` of the local day, and the
range from ``start`` 00:00 to the end of ``end``, local time (summer time
included). The database converts each stored UTC time to its local day
(:func:`..storage.dialect.day`) and groups by month, or for weeks by day (the
days' sums are folded into ISO weeks here: at most 366 rows a key, and a week
of every row costs the database three date functions). Working and opening hours (a few rows per
trainer) are expanded day by day in Python; sessions are never loaded.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select

from ...domain import rooms
from ...protocol.errors import invalid
from ..calendar import cancellations
from ..calendar import studio as calendar_studio
from ..calendar.tables import trainer_hours
from ..collab import settings
from ..storage import dialect
from ..store import Store
from ..tables import sessions
from .messages import ReportRun
from .tables import credit_ledger, package_sales, packages, session_clients

#: Statuses that take a trainer's time.
_BOOKED = ("scheduled", "confirmed", "completed", "requested")


@dataclass(frozen=True)
class Span:
    """The report's days, and the UTC times they run between in the studio's zone."""

    first: date
    last: date
    zone: ZoneInfo
    low_at: datetime
    high_at: datetime

    @property
    def low(self) -> str:
        return self.low_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def high(self) -> str:
        return self.high_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    def period(self, column: Any, by: str) -> Any:
        """What the database groups by: the local day for weeks (folded into ISO weeks by
        :func:`_rollup`, cheaper than computing the week of every row), the local month for months."""
        cut = dialect.day if by == "week" else dialect.month
        return cut(column, self.zone, self.low_at, self.high_at).label("period")


def _range(msg: ReportRun, zone: ZoneInfo) -> Span:
    try:
        first, last = date.fromisoformat(msg.start), date.fromisoformat(msg.end)
    except ValueError:
        raise invalid("start and end must be dates YYYY-MM-DD", field="start") from None
    if last < first:
        raise invalid("end is before start", field="end")
    if (last - first).days > 3 * 366:
        raise invalid("a report covers at most three years", field="end")
    low = datetime.combine(first, time(), zone).astimezone(UTC)
    high = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    return Span(first, last, zone, low, high)


def _rollup(rows: Any, by: str, keys: int) -> list[tuple[Any, ...]]:
    """Rows ``(period, *keys, *figures)`` from the database, days folded into ISO weeks and rows of
    the same period and keys summed (two queries' rows may be given together). Sorted by period
    and keys."""
    out: dict[tuple[Any, ...], list[Any]] = {}
    for row in rows:
        label = _label(date.fromisoformat(row[0]), "week") if by == "week" else row[0]
        key = (label, *row[1 : keys + 1])
        figures = [v or 0 for v in row[keys + 1 :]]
        held = out.get(key)
        out[key] = figures if held is None else [a + b for a, b in zip(held, figures, strict=True)]
    return sorted(((*k, *v) for k, v in out.items()), key=lambda r: tuple(_order(v) for v in r[: keys + 1]))


def _order(value: Any) -> tuple[int, float, str]:
    """A sort key for a row's period or key: numbers by value (trainer 2 before trainer 10), then
    text, then none."""
    if value is None:
        return (2, 0.0, "")
    if isinstance(value, int | float):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _label(day: date, by: str) -> str:
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def run(store: Store, msg: ReportRun, now: datetime) -> dict[str, Any]:
    rows, totals = _KINDS[msg.kind](store, msg, _range(msg, calendar_studio.zone(store)), now)
    return {
        "kind": msg.kind,
        "by": msg.by,
        "start": msg.start,
        "end": msg.end,
        "rows": rows,
        "totals": totals,
    }


def _in_range(column: Any, low: str, high: str) -> ColumnElement[bool]:
    return and_(column >= low, column < high)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


# -- utilisation ---------------------------------------------------------------------------------
def _utilisation(
    store: Store, msg: ReportRun, span: Span, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    first, last, low, high = span.first, span.last, span.low, span.high
    hours = func.sum(dialect.hours_between(sessions.c.start, sessions.c.end))
    where = and_(_in_range(sessions.c.start, low, high), sessions.c.status.in_(_BOOKED))
    if msg.trainer_id is not None:
        where = and_(where, sessions.c.trainer_id == msg.trainer_id)
    period = span.period(sessions.c.start, msg.by)
    # one pass: per day (or month), trainer and room; the trainers' and the rooms' rows are its sums
    grouped = _rollup(
        store.db.execute(
            select(period, sessions.c.trainer_id, sessions.c.location, hours.label("hours"))
            .where(where)
            .group_by(period, sessions.c.trainer_id, sessions.c.location)
        ),
        msg.by,
        2,
    )
    trainer_sums: dict[tuple[str, int], float] = defaultdict(float)
    room_sums: dict[tuple[str, str], float] = defaultdict(float)
    # a room by its name however sessions spell it ("studio a " is Studio A), and the sessions it
    # holds at once: a floor holding three offers three sessions' hours for each hour it is open
    known = store.locations()
    names = {rooms.key(r.name): r.name for r in known}
    at_once = {r.name: r.sessions_at_once for r in known}
    for p, trainer_id, room, booked in grouped:
        trainer_sums[(p, trainer_id)] += booked or 0
        if room and room.strip():
            room_sums[(p, names.setdefault(rooms.key(room), room.strip()))] += booked or 0
    by_trainer = [(p, t, h) for (p, t), h in trainer_sums.items()]
    by_room = [(p, r, h) for (p, r), h in room_sums.items()]
    working = _working_hours(store, first, last, msg.by, msg.trainer_id)
    opening = _opening_hours(store, first, last, msg.by)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int]] = set()
    for p, trainer_id, booked in by_trainer:
        work = working.get((p, trainer_id), 0.0)
        seen.add((p, trainer_id))
        rows.append(
            {
                "period": p,
                "trainer_id": trainer_id,
                "booked_hours": round(booked or 0, 2),
                "working_hours": round(work, 2),
                "utilisation": _ratio(booked or 0, work),
            }
        )
    for (p, trainer_id), work in working.items():
        if (p, trainer_id) not in seen and work:
            rows.append(
                {
                    "period": p,
                    "trainer_id": trainer_id,
                    "booked_hours": 0.0,
                    "working_hours": round(work, 2),
                    "utilisation": 0.0,
                }
            )
    for p, room, booked in by_room:
        open_h = opening.get(p)
        if open_h is not None:
            open_h *= at_once.get(room, 1)
        rows.append(
            {
                "period": p,
                "room": room,
                "booked_hours": round(booked or 0, 2),
                "open_hours": round(open_h, 2) if open_h is not None else None,
                "utilisation": _ratio(booked or 0, open_h or 0),
            }
        )
    rows.sort(key=lambda r: (r["period"], "room" in r, _order(r.get("trainer_id", r.get("room")))))
    booked_total = sum(r["booked_hours"] for r in rows if "trainer_id" in r)
    work_total = sum(r["working_hours"] for r in rows if "trainer_id" in r)
    return rows, {
        "booked_hours": round(booked_total, 2),
        "working_hours": round(work_total, 2),
        "utilisation": _ratio(booked_total, work_total),
    }


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _span(start: str, end: str) -> float:
    a, b = time.fromisoformat(start), time.fromisoformat(end)
    return (b.hour * 60 + b.minute - a.hour * 60 - a.minute) / 60


def _working_hours(
    store: Store, first: date, last: date, by: str, trainer_id: int | None
) -> dict[tuple[str, int], float]:
    query = select(trainer_hours)
    if trainer_id is not None:
        query = query.where(trainer_hours.c.trainer_id == trainer_id)
    per_day: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for r in store.db.execute(query).mappings():
        per_day[r["trainer_id"]][r["weekday"]] += _span(r["start"], r["end"])
    out: dict[tuple[str, int], float] = defaultdict(float)
    for day in _days(first, last):
        label = _label(day, by)
        for tid, week in per_day.items():
            out[(label, tid)] += week.get(day.weekday(), 0.0)
    return dict(out)


def _opening_hours(store: Store, first: date, last: date, by: str) -> dict[str, float]:
    week: dict[int, float] = defaultdict(float)
    for item in json.loads(settings.read(store).get("opening_hours") or "[]"):
        week[int(item["weekday"])] += _span(item["start"], item["end"])
    if not week:
        return {}
    out: dict[str, float] = defaultdict(float)
    for day in _days(first, last):
        out[_label(day, by)] += week.get(day.weekday(), 0.0)
    return dict(out)


# -- attendance and cancellations ----------------------------------------------------------------
def _places(msg: ReportRun, span: Span, now: datetime, group: bool) -> Any:
    """Per period and trainer: places held before ``now``, attended and no-shows, of the sessions'
    own clients (``group`` False: read from the reports' covering index) or of a group's others."""
    attendance = session_clients.c.attendance if group else sessions.c.attendance
    held = and_(sessions.c.status != "cancelled", sessions.c.start < now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    attended = or_(
        attendance.in_(("present", "late")),
        and_(attendance.is_(None), sessions.c.status == "completed"),
    )
    period = span.period(sessions.c.start, msg.by)
    query = select(
        period,
        sessions.c.trainer_id,
        func.sum(case((held, 1), else_=0)).label("booked"),
        func.sum(case((and_(held, attended), 1), else_=0)).label("attended"),
        func.sum(case((and_(held, attendance == "no_show"), 1), else_=0)).label("no_shows"),
    ).where(_in_range(sessions.c.start, span.low, span.high))
    if group:
        query = query.join(session_clients, session_clients.c.session_id == sessions.c.id)
    else:
        query = query.where(sessions.c.client_id.is_not(None))
    if msg.trainer_id is not None:
        query = query.where(sessions.c.trainer_id == msg.trainer_id)
    return query.group_by(period, sessions.c.trainer_id)


def _attendance(
    store: Store, msg: ReportRun, span: Span, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    grouped = [
        *store.db.execute(_places(msg, span, now, group=False)),
        *store.db.execute(_places(msg, span, now, group=True)),
    ]
    rows = []
    for p, trainer_id, booked, came, missed in _rollup(grouped, msg.by, 1):
        rows.append(
            {
                "period": p,
                "trainer_id": trainer_id,
                "booked": int(booked or 0),
                "attended": int(came or 0),
                "no_shows": int(missed or 0),
                "attendance_rate": _ratio(came or 0, booked or 0),
                "no_show_rate": _ratio(missed or 0, booked or 0),
            }
        )
    booked_t = sum(r["booked"] for r in rows)
    came_t, missed_t = sum(r["attended"] for r in rows), sum(r["no_shows"] for r in rows)
    return rows, {
        "booked": booked_t,
        "attended": came_t,
        "no_shows": missed_t,
        "attendance_rate": _ratio(came_t, booked_t),
        "no_show_rate": _ratio(missed_t, booked_t),
    }


def _cancellations(
    store: Store, msg: ReportRun, span: Span, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    low, high = span.low, span.high
    window_h = float(settings.read(store).get("cancellation_window_h") or 24)
    late = cancellations.late(window_h)
    period = span.period(sessions.c.start, msg.by)
    query = select(
        period,
        sessions.c.trainer_id,
        func.sum(case((late, 1), else_=0)).label("late"),
        func.sum(case((late, 0), else_=1)).label("timely"),
    ).select_from(cancellations.joined(sessions)).where(
        _in_range(sessions.c.start, low, high), sessions.c.status == "cancelled")
    if msg.trainer_id is not None:
        query = query.where(sessions.c.trainer_id == msg.trainer_id)
    rows = [
        {
            "period": p,
            "trainer_id": t,
            "late": int(a or 0),
            "timely": int(b or 0),
            "cancelled": int((a or 0) + (b or 0)),
        }
        for p, t, a, b in _rollup(store.db.execute(query.group_by(period, sessions.c.trainer_id)), msg.by, 1)
    ]
    late_t, timely_t = sum(r["late"] for r in rows), sum(r["timely"] for r in rows)
    return rows, {"late": late_t, "timely": timely_t, "cancelled": late_t + timely_t}


# -- credits and revenue --------------------------------------------------------------------------
def _credits(
    store: Store, msg: ReportRun, span: Span, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    low, high = span.low, span.high
    reason, delta = credit_ledger.c.reason, credit_ledger.c.delta
    period = span.period(credit_ledger.c.at, msg.by)
    query = select(
        period,
        func.sum(case((reason.in_(("sale", "void")), delta), else_=0)).label("sold"),
        func.sum(case((reason == "returned", -delta), else_=0)).label("returned"),
        func.sum(case((reason.in_(("booking", "completion", "refund")), -delta), else_=0)).label("spent"),
        func.sum(case((reason == "expiry", -delta), else_=0)).label("lapsed"),
        func.sum(case((reason == "adjustment", delta), else_=0)).label("adjusted"),
    ).where(_in_range(credit_ledger.c.at, low, high))
    rows = [
        {
            "period": p,
            "sold": int(a or 0),
            "returned": int(r or 0),
            "spent": int(b or 0),
            "lapsed": int(c or 0),
            "adjusted": int(d or 0),
        }
        for p, a, r, b, c, d in _rollup(store.db.execute(query.group_by(period)), msg.by, 0)
    ]
    return rows, {k: sum(row[k] for row in rows) for k in ("sold", "returned", "spent", "lapsed", "adjusted")}


def _revenue(
    store: Store, msg: ReportRun, span: Span, now: datetime
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    low, high = span.low, span.high
    period = span.period(package_sales.c.sold_at, msg.by)
    query = (
        select(
            period,
            package_sales.c.package_id,
            packages.c.name,
            func.count().label("sales"),
            func.sum(package_sales.c.price_paid_cents).label("cents"),
            func.sum(package_sales.c.credits).label("credits"),
            literal(0).label("refunds"),
        )
        .join(packages, packages.c.id == package_sales.c.package_id)
        .where(_in_range(package_sales.c.sold_at, low, high), package_sales.c.voided_at.is_(None))
        .group_by(period, package_sales.c.package_id, packages.c.name)
    )
    # money given back (package.refund) counts in the period it was given, whenever the sale was
    refunded = span.period(package_sales.c.refunded_at, msg.by)
    refunds = (
        select(refunded, package_sales.c.package_id, packages.c.name, literal(0), literal(0), literal(0),
               func.sum(package_sales.c.refund_cents))
        .join(packages, packages.c.id == package_sales.c.package_id)
        .where(_in_range(package_sales.c.refunded_at, low, high))
        .group_by(refunded, package_sales.c.package_id, packages.c.name)
    )
    voided = store.db.execute(
        select(func.count(), func.sum(package_sales.c.price_paid_cents))
        .where(_in_range(package_sales.c.sold_at, low, high), package_sales.c.voided_at.is_not(None))
    ).one()
    currency = settings.read(store).get("currency") or "EUR"
    rows = [
        {
            "period": p,
            "package_id": pid,
            "package": name,
            "sales": int(n),
            "revenue_cents": int(c or 0),
            "credits": int(k or 0),
            "refunds_cents": int(back or 0),
        }
        for p, pid, name, n, c, k, back in _rollup([*store.db.execute(query), *store.db.execute(refunds)],
                                                   msg.by, 2)
    ]
    return rows, {
        "sales": sum(r["sales"] for r in rows),
        "revenue_cents": sum(r["revenue_cents"] for r in rows),
        "credits": sum(r["credits"] for r in rows),
        "refunds_cents": sum(r["refunds_cents"] for r in rows),
        "currency": currency,
        # sales of the range voided since (made by mistake): not counted above
        "voided_sales": int(voided[0] or 0),
        "voided_cents": int(voided[1] or 0),
    }


_KINDS = {
    "utilisation": _utilisation,
    "attendance": _attendance,
    "cancellations": _cancellations,
    "credits": _credits,
    "revenue": _revenue,
}
