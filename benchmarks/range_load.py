"""Loading a range through the server at a big studio's size: the desktop's own ``load_range``
against a real ``swan-server serve`` holding 100,000 sessions of 25 trainers (350 a day).

Run with ``.venv/bin/python benchmarks/range_load.py`` (``--pg URL``: on PostgreSQL, a database
of its own in the cluster an admin URL reaches, such as ``.ci/pg-cluster``'s).
``schedule_views.py`` times the views over sessions already held; this times how they get
there. A day is one reply; a week (2,450 sessions) and a six-week month grid (14,700) are
larger than the 1 MiB frame the desktop accepts, so ``schedule.query`` answers them in pages
of at most 512 KiB and the client asks for each. Prints, per range, the sessions and pages,
and the time from asking to the store holding them (median and worst of five, each from an
empty store). No target in the issue names a load time; the line to compare with is the 1 s
a user waits for a view before it feels slow.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import swanbench

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Session, Status
from swan_desktop.server.store import Store

SESSIONS = 100_000
TRAINERS = 25
PER_DAY = 14  # each trainer's sessions a day
RUNS = 5
#: (label, days) from the middle of the studio's year.
RANGES = (("day", 1), ("week", 7), ("month grid (6 weeks)", 42))
#: What a user waits for a view without it feeling slow.
COMPARE_S = 1.0
FIRST_DAY = date(2031, 1, 5)


def fill(db: Path | str) -> None:
    """A demo studio grown to ``TRAINERS`` trainers and ``SESSIONS`` sessions from FIRST_DAY on."""
    store = Store(db)
    try:
        ids = [t.id for t in store.trainers()]
        while len(ids) < TRAINERS:
            ids.append(store.add_trainer(f"Trainer {len(ids) + 1}").id)
        statuses = [Status.SCHEDULED, Status.CONFIRMED, Status.COMPLETED, Status.CANCELLED]
        made: list[Session] = []
        day = 0
        while len(made) < SESSIONS:
            base = datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time(), UTC)
            for n, trainer in enumerate(ids):
                for slot in range(PER_DAY):
                    start = base + timedelta(hours=6 + slot)
                    made.append(Session(0, start, start + timedelta(minutes=45), trainer,
                                        client_name=f"Client {(day * 31 + n * 7 + slot) % 400}",
                                        location=("Studio A", "Studio B")[slot % 2], session_type_id=1,
                                        status=statuses[(n + slot) % len(statuses)]))
            day += 1
        store.insert_sessions(made[:SESSIONS])
    finally:
        store.close()


async def measure(url: str, token: str, folder: Path) -> list[tuple[str, int, int, list[float]]]:
    results = []
    middle = datetime.combine(FIRST_DAY + timedelta(days=SESSIONS // (TRAINERS * PER_DAY) // 2),
                              datetime.min.time(), UTC)
    for label, days in RANGES:
        times: list[float] = []
        count = 0
        pages: list[int] = []
        for run in range(RUNS):
            client = StudioClient(url, outbox_dir=folder / f"{label[:5]}-{run}")
            try:
                await client.sign_in({"token": token})
                pages.append(0)
                _count_queries(client, pages)
                began = time.perf_counter()
                count = await client.load_range(middle, middle + timedelta(days=days))
                times.append(time.perf_counter() - began)
            finally:
                await client.close()
        results.append((label, count, max(pages), sorted(times)))
    return results


def _count_queries(client: StudioClient, pages: list[int]) -> None:
    """Count the ``schedule.query`` requests ``client`` sends into ``pages[-1]``."""
    ask = client.link.request

    async def counted(rtype: str, data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        pages[-1] += rtype == "schedule.query"
        return await ask(rtype, data, *args, **kwargs)

    setattr(client.link, "request", counted)  # noqa: B010 - a wrapper on this one client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pg", help="run on PostgreSQL: an admin URL of a cluster (a database made there)")
    args = parser.parse_args()
    print(f"range load through the server: {SESSIONS:,} sessions, {TRAINERS} trainers "
          f"({TRAINERS * PER_DAY} a day){' on PostgreSQL' if args.pg else ''}; {swanbench.machine()}")
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        db: Path | str = folder / "studio.sqlite3"
        if args.pg:
            db = stack.enter_context(swanbench.pg_database(args.pg, "swan_bench_range"))
        token = swanbench.prepare_studio(db, 1)[0]
        began = time.perf_counter()
        fill(db)
        print(f"  (studio filled in {time.perf_counter() - began:.1f} s)")
        server = swanbench.start_server(db, "--rate-limit", "0", folder=folder)
        try:
            results = asyncio.run(measure(server.url, token, folder))
        finally:
            server.stop()
    for label, count, pages, times in results:
        median, worst = times[len(times) // 2], times[-1]
        print(f"  {label:22s} {count:6,d} sessions in {pages:2d} page(s): median {median * 1000:7.1f} ms, "
              f"worst {worst * 1000:7.1f} ms  ({'under' if worst < COMPARE_S else 'over'} "
              f"{COMPARE_S:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
