"""Erasing a client (``client.erase``) at a busy studio's size: 20,000 clients and 500,000 sessions
(as ``clients.py`` seeds them), the event log full (20,000 events), 30 days of idempotency replies
(120,000, about 1 KB each) and half a year of notices (100,000).

Run with ``PYTHONPATH=. .venv/bin/python benchmarks/erasure.py`` (``--quick`` for a tenth of the
data). An erasure has two parts, timed apart, each over several erasures of different clients:

- the look for every row that names the client (``erasure.find``), on the reading connection:
  the admin who asked waits for it, nobody else does;
- the rewrite (``erasure.erase``, the hook, in its transaction with the commit), on the writer:
  every PC's saves wait behind it, so its target is a save's.

Each erased client is first archived and their sessions cancelled (the server refuses to erase a
client with anything ahead, and the seeded sessions lie in 2031–2032). Prints median and worst in
milliseconds with the targets and PASS/FAIL.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from clients import seed
from sqlalchemy import insert, select, update

from swan_desktop.protocol.entities import Role
from swan_desktop.protocol.timefmt import format_ts, now_utc
from swan_desktop.server.clients import erasure
from swan_desktop.server.clients.messages import ClientErase
from swan_desktop.server.notifications.tables import notifications
from swan_desktop.server.pipeline import Pipeline, Stage
from swan_desktop.server.store import Store
from swan_desktop.server.tables import clients, events, request_log, sessions

LOOK_TARGET_MS = 3000.0
WRITE_TARGET_MS = 50.0
ERASURES = 5


def seed_logs(store: Store, n_events: int, n_replies: int, n_notices: int, rng: random.Random) -> None:
    """What a busy studio's server keeps besides its records: session events, replies and notices,
    each about a random session of a random client."""
    picked = store.db.execute(select(sessions.c.id, sessions.c.client_id, sessions.c.client_name)
                              .limit(50_000)).all()
    now = now_utc()
    filler = "notes of a session, as a busy studio's are " * 12

    def session(i: int) -> dict[str, object]:
        sid, cid, name = picked[i % len(picked)]
        return {"id": sid, "start": "2031-05-05T10:00:00Z", "end": "2031-05-05T11:00:00Z",
                "trainer_id": 1, "client_id": cid, "client_name": name, "location": "Studio A",
                "notes": filler, "version": 2, "status": "completed"}

    rows = [{"kind": "session:updated", "ts": format_ts(now), "actor": '{"id":1,"name":"Boss"}',
             "data": json.dumps({"session": session(rng.randrange(10**9))}, separators=(",", ":"))}
            for _ in range(n_events)]
    spread = timedelta(days=30) / max(n_replies, 1)  # a month of replies, as they come in

    def reply(i: int) -> dict[str, object]:
        data = {"type": "session.update", "ok": True, "data": {"session": session(rng.randrange(10**9))}}
        return {"user_id": 1 + i % 8, "request_id": f"r{i}", "created_at": format_ts(now - i * spread),
                "reply": json.dumps(data, separators=(",", ":"))}

    replies = [reply(i) for i in range(n_replies)]
    notices = []
    for _ in range(n_notices):
        sid, _cid, name = picked[rng.randrange(len(picked))]
        notices.append({"title": "Session moved", "message": f"Boss moved {name} with Ana to Tue 10:00",
                        "category": "session", "priority": "normal", "source": "schedule",
                        "links": json.dumps({"session": sid}), "created_at": format_ts(now)})
    with store.transaction():
        for table, batch in ((events, rows), (request_log, replies), (notifications, notices)):
            for at in range(0, len(batch), 20_000):
                store.db.execute(insert(table), batch[at:at + 20_000])


def ready(store: Store, client_id: int) -> ClientErase:
    """The client archived with nothing ahead; the request an admin would send."""
    with store.transaction():
        store.db.execute(update(clients).where(clients.c.id == client_id).values(archived=1))
        store.db.execute(update(sessions).where(sessions.c.client_id == client_id)
                         .values(status="cancelled"))
    name = store.db.execute(select(clients.c.name).where(clients.c.id == client_id)).scalar_one()
    return ClientErase(id=client_id, name=name)


def run(store: Store, n_clients: int, rng: random.Random) -> bool:
    admin, _ = store.upsert_user("boss", "Boss", Role.ADMIN, None)
    pipeline = Pipeline(time.time)
    pipeline.hook("client.erase", Stage.WRITE, erasure.erase)
    looks, writes, renamed = [], [], []
    for client_id in rng.sample(range(1, n_clients + 1), ERASURES):
        msg = ready(store, client_id)
        store.db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the preparation's own writes
        began = time.perf_counter()
        found = erasure.find(store, msg, now_utc())
        looks.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        with store.transaction() as tx:
            change = pipeline.begin(store, tx, admin, "client.erase", msg)
            change.notes[erasure.FOUND] = found
            reply = pipeline.run(change)
        writes.append((time.perf_counter() - began) * 1000)
        renamed.append(int(reply["sessions"]))
        assert reply["client"]["erased"], reply
    print(f"{ERASURES} erasures of clients with {min(renamed)}–{max(renamed)} sessions each")
    ok = True
    parts = (("the look (reading connection; the admin waits)", looks, LOOK_TARGET_MS),
             ("the rewrite and commit (writer; every PC's saves wait)", writes, WRITE_TARGET_MS))
    for what, times, target in parts:
        median, worst = statistics.median(times), max(times)
        verdict = "PASS" if median <= target else "FAIL"
        ok &= median <= target
        print(f"{what:<58} median {median:7.1f} ms  worst {worst:7.1f}  target {target:5.0f} ms  {verdict}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    n_clients, n_sessions = 20_000 // scale, 500_000 // scale
    n_events, n_replies, n_notices = 20_000 // scale, 120_000 // scale, 100_000 // scale
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.sqlite3")
        try:
            began = time.perf_counter()
            seed(store, n_clients, n_sessions, rng)
            seed_logs(store, n_events, n_replies, n_notices, rng)
            # a running server's write-ahead log is checkpointed as it goes; the seeding's is not,
            # and the first erasure's commit would pay for copying all of it
            store.db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            # a running server has published its event log as it was written; this store would
            # hand all 20,000 seeded events over with the first erasure's own
            store.published = store.head_seq()
            print(f"seeded {n_clients:,} clients, {n_sessions:,} sessions, {n_events:,} events, "
                  f"{n_replies:,} replies and {n_notices:,} notices in {time.perf_counter() - began:.1f} s "
                  f"({datetime.now(UTC):%H:%M} UTC)")
            return 0 if run(store, n_clients, rng) else 1
        finally:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
