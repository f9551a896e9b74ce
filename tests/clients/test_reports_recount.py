"""``report.run`` against a recount: a varied, seeded studio made through the protocol, each report's
rows counted again here in plain Python and compared whole, row by row and in order.

The studio's zone changes to and from summer time; sessions start near local midnights, near those
changes, at the turn of a week, a month and the ISO year, for four trainers (three with working
hours) in three rooms or none, in every status, some for a group whose clients check in one by one.
Three stretches: months of 2025 (held; cancelled after their start, so late), months of 2031 (not
held yet; cancelled years ahead, so timely) and the days around now, with starts either side of now
and of the cancellation window. Each report is asked over the whole stretch, over each day summer
time changes and over parts cut on days with a session just after midnight and one just before the
end of the day; by week and by month; by an admin for every trainer, by an admin for trainer 3 and by
a trainer (ana, trainer 1: their own sessions only).

The recount follows docs/protocol.md (Reports; a client's attendance), not the server's SQL: a
session counts in the ISO week (``date.isocalendar``) or the month of its start's local day
(``zoneinfo``), and in a range whose local days hold that day; a cancellation is late when the
session's last change came less than the window before its start (or after it); a place is held when
its session started before now and is not cancelled, attended when checked in present or late or,
none given, when the session is completed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.server import Clients, WsClient

from .conftest import group_type, new_client

ROOMS = ("Studio A", "Studio B", "Rooftop", None)
STATUSES = {"scheduled": 18, "confirmed": 14, "completed": 26, "cancelled": 24, "requested": 8,
            "available": 5, "blocked": 5}
ATTENDANCE = {None: 4, "present": 4, "late": 1, "no_show": 2}
#: Not a whole number of seconds: no start is ever exactly the window after a change (whole seconds).
WINDOW_H = 30.1234
BOOKED = ("scheduled", "confirmed", "completed", "requested")
Row = dict[str, Any]
#: A client's place on a session: (client id, attendance).
Place = tuple[int, str | None]
#: A report's asker: who asks, the trainer whose sessions it holds, the ``trainer_id`` sent.
Asker = tuple[WsClient, int | None, int | None]


def _ts(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _label(day: date, by: str) -> str:
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Made:
    """A session as this test made it; ``updated_at`` is its last change (the server's reply)."""

    start: datetime
    minutes: int
    trainer_id: int
    room: str | None
    status: str
    #: Each client's place, (client id, attendance), the session's own client first.
    places: tuple[Place, ...]
    updated_at: datetime

    def day(self, zone: ZoneInfo) -> date:
        return self.start.astimezone(zone).date()


# -- the studio --------------------------------------------------------------------------------------
def _changes(zone: ZoneInfo, first: date, last: date) -> list[datetime]:
    """The UTC moments ``zone`` changes its offset from ``first`` to ``last`` (whole hours here)."""
    at, out = datetime.combine(first, time(), UTC), []
    while at.date() <= last:
        if (at + timedelta(hours=1)).astimezone(zone).utcoffset() != at.astimezone(zone).utcoffset():
            out.append(at + timedelta(hours=1))
        at += timedelta(hours=1)
    return out


def _turns(days: list[date]) -> set[date]:
    """The days a week, a month or the ISO year turns on, and the days either side of that."""
    return {d for d in days if d.weekday() in (0, 6) or d.day in (1, 2) or (d + timedelta(days=1)).day == 1
            or (d.month, d.day) in ((12, 29), (1, 4))}


def _starts(rng: random.Random, zone: ZoneInfo, first: date, last: date, n: int) -> list[datetime]:
    """``n`` starts between ``first`` and ``last`` (local days): most within 90 minutes of the local
    midnight of a day that matters (summer time changes, a week, a month or the year turns), some
    around the change of summer time itself, the rest at a daytime hour of any day."""
    changes = _changes(zone, first, last)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    marked = sorted(_turns(days) | {c.astimezone(zone).date() + timedelta(days=d)
                                    for c in changes for d in (-1, 0, 1)})
    out: list[datetime] = []
    while len(out) < n:
        roll = rng.random()
        if roll < 0.55:
            at = _midnight(rng.choice(marked), zone) + timedelta(minutes=15 * rng.randint(-6, 5))
        elif roll < 0.7:
            at = rng.choice(changes) + timedelta(minutes=15 * rng.randint(-6, 6))
        else:
            clock = time(rng.randint(6, 21), 15 * rng.randint(0, 3))
            at = datetime.combine(rng.choice(days), clock, zone).astimezone(UTC)
        if _midnight(first, zone) <= at < _midnight(last + timedelta(days=1), zone):
            out.append(at)
    return out


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


class Studio:
    """Makes sessions through the protocol as an admin and keeps what it made."""

    def __init__(self, boss: WsClient, rng: random.Random, clients: list[int], group: int) -> None:
        self.boss, self.rng, self.clients, self.group = boss, rng, clients, group
        self.made: list[Made] = []

    async def session(self, start: datetime, status: str | None = None) -> None:
        """A session at ``start``: booked, its group's others added, checked in, then taken to its
        status (a cancelled one now and then completed first)."""
        rng = self.rng
        status = status or _pick(rng, STATUSES)
        minutes, trainer, room = 15 * rng.randint(1, 12), rng.choice((1, 1, 2, 3, 4)), rng.choice(ROOMS)
        own = None if status in ("available", "blocked") else rng.choice(self.clients)
        grouped = own is not None and status != "requested" and rng.random() < 0.3
        first = status if status in ("requested", "available", "blocked") else "scheduled"
        session = (await self.boss.ok("session.create", {
            "start": _ts(start), "end": _ts(start + timedelta(minutes=minutes)), "trainer_id": trainer,
            "client_id": own, "location": room, "status": first, "allow_overlap": True,
            "session_type_id": self.group if grouped else 1}))["session"]
        places: list[Place] = [] if own is None else [(own, None)]
        if grouped:
            for other in rng.sample([c for c in self.clients if c != own], rng.randint(0, 2)):
                added = {"session_id": session["id"], "client_id": other}
                session = (await self.boss.ok("booking.add", added))["session"]
                places.append((other, None))
        if first == "scheduled":
            session = await self._check_in(session, places)
            session = await self._move(session, status)
        assert session["status"] == status
        updated_at = datetime.fromisoformat(session["updated_at"].replace("Z", "+00:00"))
        self.made.append(Made(start, minutes, trainer, room, status, tuple(places), updated_at))

    async def _check_in(self, session: dict[str, Any], places: list[Place]) -> dict[str, Any]:
        for n, (client, _) in enumerate(places):
            came = _pick(self.rng, ATTENDANCE)
            if came is not None:
                which = {} if n == 0 else {"client_id": client}
                checkin = {"id": session["id"], "attendance": came, **which}
                session = (await self.boss.ok("session.checkin", checkin))["session"]
                places[n] = (client, came)
        return session

    async def _move(self, session: dict[str, Any], status: str) -> dict[str, Any]:
        steps = {"scheduled": [], "confirmed": ["confirmed"], "completed": ["completed"],
                 "cancelled": self.rng.choice((["cancelled"], ["completed", "cancelled"]))}[status]
        for step in steps:
            changes = {"status": step, **({"cancel_reason": "ill"} if step == "cancelled" else {})}
            session = (await self.boss.ok("session.update", {
                "id": session["id"], "version": session["version"], "changes": changes}))["session"]
        return session


async def _working_hours(boss: WsClient, rng: random.Random) -> dict[int, dict[int, float]]:
    """Random weekly hours (quarter hours) for trainers 1 to 3 (trainer 4 has none): weekday: hours."""
    working: dict[int, dict[int, float]] = {}
    for trainer in (1, 2, 3):
        hours, working[trainer] = [], {}
        for weekday in sorted(rng.sample(range(7), rng.randint(2, 6))):
            start = rng.randint(6 * 4, 12 * 4)
            end = start + rng.randint(4, 10 * 4)
            hours.append({"weekday": weekday, "start": f"{start // 4:02d}:{15 * (start % 4):02d}",
                          "end": f"{end // 4:02d}:{15 * (end % 4):02d}"})
            working[trainer][weekday] = (end - start) / 4
        await boss.ok("availability.set", {"trainer_id": trainer, "hours": hours})
    return working


async def _opening_hours(boss: WsClient, rng: random.Random) -> dict[int, float] | None:
    """The studio's opening hours (weekday: hours), for two seeds in three."""
    if rng.random() < 0.33:
        return None
    opening = [{"weekday": d, "start": "07:00", "end": "21:30" if d < 5 else "13:00"} for d in range(6)]
    await boss.ok("studio.setup.set", {"opening_hours": opening})
    return {d: 14.5 if d < 5 else 6.0 for d in range(6)}


async def _clear(boss: WsClient, low: datetime, high: datetime) -> None:
    """Delete the demo studio's sessions from ``low`` to ``high``: the days around now are ours."""
    found = await boss.ok("schedule.query", {"start": _ts(low), "end": _ts(high)})
    for s in found["sessions"]:
        await boss.ok("session.delete", {"id": s["id"], "version": s["version"]})


# -- the recount -------------------------------------------------------------------------------------
def _rate(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _near(ratio: float | None) -> Any:
    """A utilisation as the server may round it (its booked hours are a sum of floats)."""
    return None if ratio is None else pytest.approx(ratio, abs=1.01e-4)


def cancellations(made: list[Made], zone: ZoneInfo, by: str) -> list[Row]:
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    for m in made:
        if m.status == "cancelled":
            ahead_h = (m.start - m.updated_at).total_seconds() / 3600
            counts[(_label(m.day(zone), by), m.trainer_id)][0 if ahead_h < WINDOW_H else 1] += 1
    return [{"period": p, "trainer_id": t, "late": late, "timely": timely, "cancelled": late + timely}
            for (p, t), (late, timely) in sorted(counts.items())]


def attendance(made: list[Made], zone: ZoneInfo, by: str, now: datetime) -> list[Row]:
    counts: dict[tuple[str, int], list[int]] = {}
    for m in made:
        if not m.places:
            continue
        held_came_missed = counts.setdefault((_label(m.day(zone), by), m.trainer_id), [0, 0, 0])
        if m.status == "cancelled" or m.start >= now:
            continue
        for _, mark in m.places:
            held_came_missed[0] += 1
            held_came_missed[1] += mark in ("present", "late") or (mark is None and m.status == "completed")
            held_came_missed[2] += mark == "no_show"
    return [{"period": p, "trainer_id": t, "booked": held, "attended": came, "no_shows": missed,
             "attendance_rate": _rate(came, held), "no_show_rate": _rate(missed, held)}
            for (p, t), (held, came, missed) in sorted(counts.items())]


def _weekly(hours: dict[int, float], first: date, last: date, by: str) -> dict[str, float]:
    """A weekly plan's hours (weekday: hours) per period, over the days ``first`` to ``last``."""
    out: dict[str, float] = defaultdict(float)
    for k in range((last - first).days + 1):
        day = first + timedelta(days=k)
        out[_label(day, by)] += hours.get(day.weekday(), 0.0)
    return out


def utilisation(made: list[Made], zone: ZoneInfo, by: str, first: date, last: date,
                working: dict[int, dict[int, float]], opening: dict[int, float] | None) -> list[Row]:
    booked: dict[tuple[str, int], float] = defaultdict(float)
    rooms: dict[tuple[str, str], float] = defaultdict(float)
    for m in made:
        if m.status in BOOKED:
            booked[(_label(m.day(zone), by), m.trainer_id)] += m.minutes / 60
            if m.room:
                rooms[(_label(m.day(zone), by), m.room)] += m.minutes / 60
    work = {(p, t): h for t, week in working.items() for p, h in _weekly(week, first, last, by).items() if h}
    rows: list[Row] = []
    for p, t in sorted(set(booked) | set(work)):
        hours, worked = booked.get((p, t), 0.0), work.get((p, t), 0.0)
        rows.append({"period": p, "trainer_id": t, "booked_hours": hours, "working_hours": worked,
                     "utilisation": _near(_rate(hours, worked))})
    open_h = _weekly(opening, first, last, by) if opening else None
    for (p, room), hours in sorted(rooms.items()):
        open_p = None if open_h is None else open_h[p]
        rows.append({"period": p, "room": room, "booked_hours": hours, "open_hours": open_p,
                     "utilisation": _near(_rate(hours, open_p or 0.0))})
    return sorted(rows, key=lambda r: (r["period"], "room" in r))


def totals(kind: str, rows: list[Row]) -> Row:
    def total(key: str) -> Any:
        return sum(r[key] for r in rows if "trainer_id" in r)

    if kind == "cancellations":
        return {k: total(k) for k in ("late", "timely", "cancelled")}
    if kind == "attendance":
        held, came, missed = total("booked"), total("attended"), total("no_shows")
        return {"booked": held, "attended": came, "no_shows": missed,
                "attendance_rate": _rate(came, held), "no_show_rate": _rate(missed, held)}
    hours, worked = total("booked_hours"), total("working_hours")
    return {"booked_hours": hours, "working_hours": worked, "utilisation": _near(_rate(hours, worked))}


# -- the test ----------------------------------------------------------------------------------------
def _ranges(rng: random.Random, made: list[Made], zone: ZoneInfo, first: date, last: date
            ) -> list[tuple[date, date]]:
    """The whole stretch, each day summer time changes, and three parts from a day with a session
    just after its midnight to one with a session just before its end."""
    changed = sorted({c.astimezone(zone).date() for c in _changes(zone, first, last)})
    local = [m.start.astimezone(zone) for m in made if first <= m.day(zone) <= last]
    early = [at.date() for at in local if at.time() < time(1, 30)] or [first]
    late = [at.date() for at in local if at.time() >= time(22, 30)]
    out = [(first, last), *((d, d) for d in changed)]
    for _ in range(3):
        a = rng.choice(early)
        out.append((a, rng.choice([d for d in late if d >= a] or [last])))
    return out


async def _compare(asker: Asker, studio: Studio, zone: ZoneInfo, span: tuple[date, date], by: str,
                   working: dict[int, dict[int, float]], opening: dict[int, float] | None) -> None:
    ws, trainer, sent = asker
    first, last = span
    made = [m for m in studio.made if first <= m.day(zone) <= last and trainer in (None, m.trainer_id)]
    now = datetime.now(UTC)  # every start is minutes from the moment the server reads its clock
    expected = {
        "cancellations": cancellations(made, zone, by),
        "attendance": attendance(made, zone, by, now),
        "utilisation": utilisation(made, zone, by, first, last,
                                   {t: w for t, w in working.items() if trainer in (None, t)}, opening),
    }
    for kind, rows in expected.items():
        asked = {"kind": kind, "start": str(first), "end": str(last), "by": by}
        report = await ws.ok("report.run", asked if sent is None else {**asked, "trainer_id": sent})
        where = f"{kind} {first}..{last} by {by}, trainer {trainer}"
        assert report["rows"] == rows, where
        assert report["totals"] == totals(kind, rows), where


async def _around_now(boss: WsClient, studio: Studio, zone: ZoneInfo) -> tuple[date, date]:
    """Sessions starting either side of now (held or not yet) and cancelled either side of their
    start and of the cancellation window, in days around today cleared of the demo's sessions."""
    today = datetime.now(zone).date()
    first, last = today - timedelta(days=2), today + timedelta(days=4)
    await _clear(boss, _midnight(first, zone), _midnight(last + timedelta(days=1), zone))
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    for minutes in (-180, -40, 30, 200):
        await studio.session(soon + timedelta(minutes=minutes),
                             studio.rng.choice(("completed", "confirmed", "scheduled")))
    window = int(WINDOW_H * 60)
    for minutes in (-120, 20, 300, window - 30, window + 30, 60 * 60):
        await studio.session(soon + timedelta(minutes=minutes), "cancelled")
    return first, last


@pytest.mark.parametrize(("seed", "zone_name"), [
    (1, "Europe/Lisbon"), (2, "America/Los_Angeles"), (3, "Pacific/Auckland")])
async def test_reports_match_a_recount_of_the_sessions(clients: Clients, seed: int, zone_name: str) -> None:
    rng, zone = random.Random(seed), ZoneInfo(zone_name)
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    await boss.ok("studio.settings.set", {"timezone": zone_name, "cancellation_window_h": WINDOW_H})
    people = [(await new_client(boss, f"Client {n}"))["id"] for n in range(6)]
    studio = Studio(boss, rng, people, await group_type(boss, 3))

    stretches = [(date(2025, 3, 1), date(2026, 1, 11)), (date(2031, 3, 1), date(2031, 11, 30))]
    for (first, last), n in zip(stretches, (60, 30), strict=True):
        for start in _starts(rng, zone, first, last, n):
            await studio.session(start)
    stretches.append(await _around_now(boss, studio, zone))
    working, opening = await _working_hours(boss, rng), await _opening_hours(boss, rng)

    for first, last in stretches:
        for span in _ranges(rng, studio.made, zone, first, last):
            for by in ("week", "month"):
                for asker in ((boss, None, None), (boss, 3, 3), (ana, 1, None)):
                    await _compare(asker, studio, zone, span, by, working, opening)
