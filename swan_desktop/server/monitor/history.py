"""The monitor's own tables in the server database: samples in three resolutions, and the probe row.

Every sample is written at 5 s resolution (kept one hour) and folded into a
1-minute bucket (kept 24 hours) and a 10-minute bucket (kept 7 days), so each
range the desktop asks for is answered from disk, also right after a restart.

:class:`MonitorDb` is synchronous and owns a connection of its own to the
database file (with a short busy timeout), used only on the server's database
thread; the tables are made by the server's migrations (:mod:`.tables`).
Its write probe is how the monitor learns whether the database takes
writes at all: a lock held elsewhere makes it fail fast rather than hang.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text

from ..storage import dialect
from .services import SEVERITY, Health
from .tables import monitor_probe, monitor_samples

#: (resolution in seconds, how long it is kept in seconds)
TIERS: tuple[tuple[int, int], ...] = ((5, 3600), (60, 86_400), (600, 7 * 86_400))
#: Range name → (span in seconds, resolution in seconds).
RANGES: dict[str, tuple[int, int]] = {
    "5m": (300, 5),
    "1h": (3600, 5),
    "24h": (86_400, 60),
    "7d": (7 * 86_400, 600),
}
#: Figures that are a level at a moment: a bucket keeps the newest, not the mean.
LAST_VALUE = frozenset({"uptime_s", "db_size_bytes", "event_log_depth", "email_queue_depth",
                        "clashes_last_hour", "refused_last_hour", "server_errors_last_hour"})

Row = dict[str, Any]

_PUT_PROBE = dialect.upsert(monitor_probe, ("at",))
_PUT_SAMPLE = dialect.upsert(monitor_samples, ("data",))


def aggregate(rows: Sequence[Row]) -> Row:
    """Fold finer rows (oldest first) into one bucket: mean of each figure over the rows
    that measured it (newest for levels), worst status and healthy/known counts per service."""
    out: Row = {"n": sum(int(r.get("n", 1)) for r in rows)}
    names = {k for r in rows for k in r if k not in ("t", "n", "services")}
    for name in sorted(names):
        values = [r[name] for r in rows if r.get(name) is not None]
        if not values:
            out[name] = None
        elif name in LAST_VALUE:
            out[name] = values[-1]
        else:
            out[name] = sum(values) / len(values)
    services: dict[str, list[Any]] = {}
    for r in rows:
        for svc, (status, healthy, known) in r.get("services", {}).items():
            acc = services.setdefault(svc, [Health.UNKNOWN.value, 0, 0])
            if SEVERITY[Health(status)] > SEVERITY[Health(acc[0])]:
                acc[0] = status
            acc[1] += healthy
            acc[2] += known
    out["services"] = services
    return out


def grid(range_name: str, now: float) -> tuple[int, list[int]]:
    """The resolution and every bucket start of ``range_name`` ending at ``now``."""
    span, res = RANGES[range_name]
    last = int(now // res) * res
    count = span // res
    return res, [last - (count - 1 - i) * res for i in range(count)]


class MonitorDb:
    """Samples and the write probe, on a connection of the monitor's own."""

    def __init__(self, path: str | Path, busy_timeout_s: float = 1.0) -> None:
        self.path = Path(path)
        self._engine = dialect.open_engine(path, busy_timeout_s)
        self._db = dialect.autocommit(self._engine.connect())

    def close(self) -> None:
        self._db.close()
        self._engine.dispose()

    # -- probe --------------------------------------------------------------
    def probe(self) -> float:
        """One small write transaction; its duration in seconds (raises when the database refuses)."""
        began = time.perf_counter()
        with dialect.write_transaction(self._db):
            self._db.execute(_PUT_PROBE, {"id": 1, "at": time.time()})
        return time.perf_counter() - began

    def size_bytes(self) -> int:
        """The database's size in bytes: on SQLite its file and write-ahead log, on PostgreSQL
        what the server reports for the database (``pg_database_size``)."""
        if dialect.is_postgres(self._db):
            return int(self._db.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(FileNotFoundError):
                total += Path(str(self.path) + suffix).stat().st_size
        return total

    # -- samples ------------------------------------------------------------
    def write(self, sample: Row) -> None:
        """Store a 5 s sample (its ``t`` on the 5 s grid) and refresh the coarser buckets holding it."""
        t = int(sample["t"])
        raw = {k: v for k, v in sample.items() if k != "t"}
        with dialect.write_transaction(self._db):
            self._put(TIERS[0][0], t, raw)
            for (finer, _), (res, _) in itertools.pairwise(TIERS):
                start = t // res * res
                rows = self._rows(finer, start, start + res)
                self._put(res, start, aggregate(rows))
            for res, keep in TIERS:
                self._db.execute(delete(monitor_samples).where(
                    monitor_samples.c.resolution == res, monitor_samples.c.t < t - keep))

    def _put(self, res: int, t: int, row: Row) -> None:
        self._db.execute(_PUT_SAMPLE, {"resolution": res, "t": t, "data": json.dumps(row)})

    def _rows(self, res: int, start: int, end: int) -> list[Row]:
        out = []
        s = monitor_samples.c
        for t, data in self._db.execute(
            select(s.t, s.data).where(s.resolution == res, s.t >= start, s.t < end).order_by(s.t)
        ):
            row = json.loads(data)
            row["t"] = t
            out.append(row)
        return out

    def history(self, range_name: str, now: float, series: Iterable[str] | None = None) -> Row:
        """Columns of ``range_name`` ending at ``now``: every bucket of the grid, ``None`` where
        nothing was measured; per service the worst status of each bucket and the uptime share."""
        res, starts = grid(range_name, now)
        found = {r["t"]: r for r in self._rows(res, starts[0], starts[-1] + res)}
        rows = [found.get(t) for t in starts]
        names = sorted({k for r in rows if r for k in r if k not in ("t", "n", "services")})
        wanted = [n for n in names if series is None or n in set(series)]
        columns = {name: [r.get(name) if r else None for r in rows] for name in wanted}
        service_names = sorted({s for r in rows if r for s in r.get("services", {})})
        services: dict[str, Row] = {}
        for svc in service_names:
            statuses, healthy, known = [], 0, 0
            for r in rows:
                entry = r.get("services", {}).get(svc) if r else None
                statuses.append(entry[0] if entry else None)
                if entry:
                    healthy += entry[1]
                    known += entry[2]
            services[svc] = {"status": statuses, "uptime": healthy / known if known else None}
        return {"range": range_name, "resolution_s": res, "t": starts, "series": columns,
                "services": services}
