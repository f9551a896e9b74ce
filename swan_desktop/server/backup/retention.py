"""Which daily backups to keep: the newest of each of the last 7 days that have one, and the newest of
each of the 4 weeks (ISO) before those."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

PREFIX = "swan-"
SUFFIX = ".sqlite3"
DAILY, WEEKLY = 7, 4
_NAME = re.compile(rf"{PREFIX}(\d{{8}}T\d{{6}}Z){re.escape(SUFFIX)}")


def name_for(when: datetime) -> str:
    return f"{PREFIX}{when.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"


def when(path: Path) -> datetime | None:
    """When the backup ``path`` was made, from its name (None for other files)."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def backups(directory: Path) -> list[tuple[datetime, Path]]:
    """The backups in ``directory``, newest first."""
    found = [(made, p) for p in directory.glob(f"{PREFIX}*{SUFFIX}") if (made := when(p)) is not None]
    return sorted(found, reverse=True)


def keep(made: list[datetime], daily: int = DAILY, weekly: int = WEEKLY) -> set[datetime]:
    """The moments (of ``made``) whose backups are kept."""
    newest: dict[date, datetime] = {}
    for moment in made:
        day = moment.date()
        if day not in newest or moment > newest[day]:
            newest[day] = moment
    days = sorted(newest, reverse=True)
    kept = {newest[day] for day in days[:daily]}
    covered = {day.isocalendar()[:2] for day in days[:daily]}
    extra = 0
    for day in days[daily:]:
        week = day.isocalendar()[:2]
        if week in covered:
            continue
        if extra == weekly:
            break
        covered.add(week)
        kept.add(newest[day])
        extra += 1
    return kept


def prune(directory: Path) -> list[Path]:
    """Delete the backups :func:`keep` does not keep; the deleted ones."""
    found = backups(directory)
    kept = keep([made for made, _ in found])
    gone = [p for made, p in found if made not in kept]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone
