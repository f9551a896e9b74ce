"""Wall-clock arithmetic in a time zone (``zoneinfo``), the way the schedule is read.

The schedule is drawn on the studio's wall clock: rows are the hours a clock
on the studio's wall shows, a day runs from its midnight to the next, and a
drag moves a session in quarter hours of that clock. A fixed UTC offset
(``datetime.astimezone()`` with no zone) is right only until the clocks
change; here every local time is a ``ZoneInfo``-aware datetime, days and
minutes are counted on the wall clock, and instants go to UTC once, at the
edge (the wire, the store).

The two days a year the clocks change:

* spring forward: an hour of wall-clock time does not exist. A wall time in
  it is read as the same distance past the change (02:30 in Berlin on the
  spring day is 03:30), so a click in the missing row means the hour after;
* fall back: an hour of wall-clock time happens twice. Both passes share one
  row; ``fold`` (PEP 495) says which pass a time is in, and a time built from
  a row is the first pass unless a fold is given.

Aware datetimes in the same zone compare and subtract as wall times, fold
ignored (PEP 495); elapsed time and instants are taken in UTC here.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from time import monotonic
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 24 * 60
SNAP_MINUTES = 15
_ZONEINFO_DIR = "zoneinfo/"


def zone_named(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name`` (None when empty or unknown)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_zone() -> tzinfo:
    """This computer's time zone, by IANA name where it can be found.

    ``TZ`` first (a name or a zone file), then where ``/etc/localtime`` points,
    then that file itself; a fixed offset (today's) only when none of those
    exists (a system without the zone database).
    """
    spec = os.environ.get("TZ", "").lstrip(":")
    if spec:
        zone = zone_named(spec) if not spec.startswith("/") else _zone_file(Path(spec))
        if zone is not None:
            return zone
    global _system_zone
    now = monotonic()
    if _system_zone is not None and now - _system_zone[0] < SYSTEM_ZONE_TTL_S:
        return _system_zone[1]
    system = _read_system_zone()
    _system_zone = (now, system)
    return system


#: How long the system's zone (where /etc/localtime points) is taken as read: views
#: ask for it many times a second, and finding it touches the file system.
SYSTEM_ZONE_TTL_S = 1.0
_system_zone: tuple[float, tzinfo] | None = None


def _read_system_zone() -> tzinfo:
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
    except OSError:
        target = ""
    if _ZONEINFO_DIR in target:
        zone = zone_named(target.split(_ZONEINFO_DIR, 1)[1])
        if zone is not None:
            return zone
    zone = _zone_file(localtime)
    if zone is not None:
        return zone
    fixed = datetime.now().astimezone().tzinfo
    return fixed if fixed is not None else UTC


def _zone_file(path: Path) -> ZoneInfo | None:
    try:
        with path.open("rb") as f:
            return ZoneInfo.from_file(f, key=str(path))
    except (OSError, ValueError):
        return None


def view_zone(studio_zone: str) -> tzinfo:
    """The zone the schedule is shown in: the studio's when known, else this computer's."""
    return zone_named(studio_zone) or local_zone()


# -- wall time <-> instants -------------------------------------------------------


def resolve(wall: datetime, zone: tzinfo, fold: int = 0) -> datetime:
    """The aware datetime in ``zone`` for the naive wall time ``wall``.

    ``fold`` picks the pass through a repeated hour; a wall time the clocks
    skip is moved forward by the gap (02:30 → 03:30 on a spring day).
    """
    naive = wall.replace(tzinfo=None)
    aware = naive.replace(tzinfo=zone, fold=fold)
    canonical = aware.astimezone(UTC).astimezone(zone)
    if canonical.replace(tzinfo=None, fold=0) != naive:  # skipped: read with the offset before the gap
        canonical = naive.replace(tzinfo=zone, fold=0).astimezone(UTC).astimezone(zone)
    return canonical


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """An aware instant as the wall clock in ``zone`` shows it (fold set on a repeated hour)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no instant; give it a time zone")
    return moment.astimezone(UTC).astimezone(zone)


def to_utc(moment: datetime) -> datetime:
    """The UTC instant of an aware datetime (what the wire and the store keep)."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no instant; give it a time zone")
    return moment.astimezone(UTC)


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The date a wall clock in ``zone`` shows at ``moment``."""
    return in_zone(moment, zone).date()


def today_in(zone: tzinfo) -> date:
    """Today's date on a wall clock in ``zone``."""
    return datetime.now(UTC).astimezone(zone).date()


# -- days ---------------------------------------------------------------------------


def day_start(day: date, zone: tzinfo) -> datetime:
    """The first instant of ``day`` in ``zone`` (its midnight, or just after a skipped one)."""
    return resolve(datetime.combine(day, time()), zone)


def day_end(day: date, zone: tzinfo) -> datetime:
    """The first instant after ``day``: the next day's start (23, 24 or 25 hours later)."""
    return day_start(day + timedelta(days=1), zone)


def days_range_utc(first: date, days: int, zone: tzinfo) -> tuple[datetime, datetime]:
    """UTC bounds of ``days`` whole local days from ``first``, for a query or a store range."""
    return to_utc(day_start(first, zone)), to_utc(day_start(first + timedelta(days=days), zone))


def add_days(moment: datetime, days: int, zone: tzinfo) -> datetime:
    """The same wall-clock time ``days`` later (or earlier), whatever the clocks did between."""
    local = in_zone(moment, zone)
    return resolve(local.replace(tzinfo=None) + timedelta(days=days), zone, local.fold)


# -- minutes since midnight (the grid's rows) ---------------------------------------


def minutes_into(moment: datetime, day: date, zone: tzinfo) -> float:
    """Wall-clock minutes of ``moment`` counted from ``day``'s midnight in ``zone``.

    Negative before the day, past 1440 after it. Both passes through a repeated
    hour give the same minutes (they share a row).
    """
    local = in_zone(moment, zone)
    whole = (local.date() - day).days * DAY_MINUTES + local.hour * 60 + local.minute
    return whole + (local.second + local.microsecond / 1_000_000) / 60


def at_minutes(day: date, minutes: float, zone: tzinfo, fold: int = 0) -> datetime:
    """The aware time ``minutes`` of wall clock after ``day``'s midnight (see ``resolve``)."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return resolve(wall, zone, fold)


def at_hour(day: date, hour: int, zone: tzinfo) -> datetime:
    """``hour``:00 on ``day``'s wall clock in ``zone``."""
    return at_minutes(day, hour * 60, zone)


def skipped_minutes(day: date, zone: tzinfo, step: int = SNAP_MINUTES) -> tuple[tuple[int, int], ...]:
    """Wall-clock minute ranges of ``day`` the clocks skip (the spring change), by ``step``."""
    if elapsed_minutes(day_start(day, zone), day_end(day, zone)) >= DAY_MINUTES:
        return ()
    out: list[tuple[int, int]] = []
    for m in range(0, DAY_MINUTES, step):
        if minutes_into(at_minutes(day, m, zone), day, zone) == m:
            continue
        if out and out[-1][1] == m:
            out[-1] = (out[-1][0], m + step)
        else:
            out.append((m, m + step))
    return tuple(out)


# -- snapping ------------------------------------------------------------------------


def snap_minutes(minutes: float, step: int = SNAP_MINUTES) -> int:
    """The nearest multiple of ``step`` (halves go up, as a hand on a dial would)."""
    return math.floor(minutes / step + 0.5) * step


def snap(moment: datetime, zone: tzinfo, step: int = SNAP_MINUTES) -> datetime:
    """``moment`` moved to the nearest ``step``-minute mark of the wall clock in ``zone``.

    The pass through a repeated hour is kept.
    """
    local = in_zone(moment, zone)
    day = local.date()
    return at_minutes(day, snap_minutes(minutes_into(local, day, zone), step), zone, local.fold)


def elapsed_minutes(start: datetime, end: datetime) -> float:
    """Real minutes from ``start`` to ``end`` (not wall-clock ones)."""
    return (to_utc(end) - to_utc(start)).total_seconds() / 60


def wall_span(start: datetime, end: datetime, day: date, zone: tzinfo) -> tuple[float, float]:
    """The wall-clock minutes (from ``day``'s midnight) a ``start``–``end`` stretch covers.

    Usually the wall times of both ends; a stretch that ends in the second
    pass through a repeated hour, earlier on the wall clock than it began,
    reaches at least as far as the real time it lasts.
    """
    lo = minutes_into(start, day, zone)
    hi = minutes_into(end, day, zone)
    return lo, max(hi, lo + elapsed_minutes(start, end))
