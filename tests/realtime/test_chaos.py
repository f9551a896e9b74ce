"""Chaos: 1,000 edits from one desktop while its connection is cut again and
again and the server process is killed and restarted twice. Afterwards the
server holds exactly what was intended — every edit applied once — and a
second desktop received every event exactly once, in seq order."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from swan_desktop.net.link import LinkState
from swan_desktop.protocol.entities import Role
from swan_desktop.protocol.frames import Event
from swan_desktop.server.store import Store
from tests.support.poll import until
from tests.support.proxy import ChaosProxy
from tests.support.server import FAST_HASHER, PASSWORDS

EDITS = 1000
UPDATES = 100  # edits that change sessions made before the chaos; the rest create new ones
BASE = datetime(2034, 1, 2, 6, 0, tzinfo=UTC)


class ServerProcess:
    """swan-server in a process of its own, so it can really be killed."""

    def __init__(self, db: Path, port: int) -> None:
        self.db, self.port = db, port
        self.proc: subprocess.Popen[str] | None = None
        self.kills = 0

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "swan_desktop.server.cli", "serve", "--db", str(self.db),
             "--port", str(self.port), "--demo", "--log-level", "WARNING", "--tls", "off",
             # A desktop flushing a backlog meets the per-connection rate limit and
             # waits politely (tested elsewhere); here it would only make the test slow.
             "--rate-limit", "2000", "--rate-burst", "2000"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # blocks until it listens (or dies)
        self.proc.stdout.close()
        assert "listening on" in line, line
        found = re.search(r"127\.0\.0\.1:(\d+)", line)
        assert found, line
        self.port = int(found.group(1))

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.kills += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    db = tmp_path / "chaos.sqlite3"
    store = Store(db)
    for name in ("boss", "vic"):
        store.upsert_user(name, name.title(), Role.ADMIN if name == "boss" else Role.VIEWER,
                          FAST_HASHER.hash(PASSWORDS[name]))
    store.close()
    proc = ServerProcess(db, 0)  # the kernel picks the port at the first start; restarts take it again
    proc.start()
    yield proc
    proc.stop()


def slot(i: int, label: str = "chaos-create") -> dict:
    """Edit i's session: its own hour, so nothing overlaps."""
    start = BASE + timedelta(hours=i)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trainer_id": 1 + i % 4, "notes": f"{label}-{i:04d}"}


@pytest.mark.slow
async def test_a_thousand_edits_survive_cuts_and_server_kills_exactly_once(
        server_process: ServerProcess, connect) -> None:
    proxy = ChaosProxy("127.0.0.1", server_process.port)
    await proxy.start()
    try:
        writer = await connect(f"ws://127.0.0.1:{proxy.port}/", "boss", pc="writer",
                               request_timeout=1.0)
        observer = await connect(f"ws://127.0.0.1:{server_process.port}/", "vic", pc="observer")
        received: list[Event] = []
        observer.router.register("", received.append)

        targets = [await writer.create_session(slot(EDITS + k, "chaos-target")) for k in range(UPDATES)]
        restarting: list[asyncio.Task[None]] = []

        async def restart() -> None:
            await asyncio.to_thread(server_process.kill)
            await asyncio.to_thread(server_process.start)

        for i in range(EDITS):
            if i % 150 == 75:
                proxy.cut()
            if i in (EDITS // 3, 2 * EDITS // 3):
                if restarting:
                    await restarting[-1]
                restarting.append(asyncio.ensure_future(restart()))
            if i % (EDITS // UPDATES) == 0:
                target = targets[i // (EDITS // UPDATES)]
                await writer.update_session(target.id, target.version,
                                            {"notes": f"chaos-update-{target.id}"})
            else:
                await writer.create_session(slot(i))
        await asyncio.gather(*restarting)

        assert proxy.cuts >= 5 and server_process.kills == 2
        await until(lambda: writer.link.live and writer.link.outbox.depth == 0, timeout=60)
        assert writer.failed_changes() == [] and not writer.store.pending

        # The server holds exactly the intended state.
        store = Store(server_process.db)
        try:
            sessions = store.sessions_overlapping(BASE, BASE + timedelta(hours=EDITS + UPDATES + 1))
            head = store.head_seq()
        finally:
            store.close()
        creates = Counter(s.notes for s in sessions if s.notes.startswith("chaos-create-"))
        expected_creates = EDITS - UPDATES
        assert len(creates) == expected_creates and set(creates.values()) == {1}
        updated = {s.id: s for s in sessions if s.id in {t.id for t in targets}}
        assert all(s.notes == f"chaos-update-{s.id}" and s.version == 2 for s in updated.values())
        assert len(updated) == UPDATES

        # The observer saw every event once, in order, with no gap.
        await until(lambda: observer.link.state is LinkState.LIVE and observer.router.seq == head,
                    timeout=30)
        seqs = [e.seq for e in received]
        assert seqs == list(range(seqs[0], seqs[-1] + 1))
        created_seen = Counter(e.data["session"]["notes"] for e in received
                               if e.kind == "session:created"
                               and e.data["session"]["notes"].startswith("chaos-create-"))
        assert len(created_seen) == expected_creates and set(created_seen.values()) == {1}
        updates_seen = Counter(e.data["session"]["id"] for e in received if e.kind == "session:updated")
        assert updates_seen == Counter({t.id: 1 for t in targets})
    finally:
        await proxy.stop()
