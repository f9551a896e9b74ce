"""Every instance of a studio group sees every other: the monitor's instances and database, and
presence across instances — also when an instance is killed with SIGKILL.

Instance A runs in this process (its wall clock is the test's, so "30 s later" needs no
waiting); instance B is a ``swan-server`` process on the same database, killed with SIGKILL
when the test says. Needs the throwaway cluster of ``.ci/pg-cluster`` (``SWAN_TEST_PG_URL``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot
from websockets.asyncio.client import connect

from swan_desktop.core.monitor import MonitorStore
from swan_desktop.qt.monitor import MonitorPane
from swan_desktop.server.embedded import EmbeddedServer
from tests.support import pg, server_process
from tests.support.clock import FakeClock
from tests.support.poll import until_answered
from tests.support.server import FAST_HASHER, WAIT, WsClient, add_users, on_server

pytestmark = [pytest.mark.skipif(not pg.admin_url(), reason="no PostgreSQL cluster (SWAN_TEST_PG_URL)"),
              pytest.mark.own_database]  # PostgreSQL only: run once, not once per engine


@dataclass
class Group:
    a: EmbeddedServer
    clock: FakeClock
    b: asyncio.subprocess.Process
    b_url: str
    clients: list[WsClient]

    async def client(self, username: str, url: str | None = None) -> WsClient:
        client = WsClient(await connect(url or self.a.url, open_timeout=WAIT, close_timeout=2))
        self.clients.append(client)
        await client.login(username)
        await client.ok("sync", {})
        return client

    async def kill_b(self) -> None:
        self.b.kill()  # SIGKILL: B says goodbye to nobody
        await asyncio.wait_for(self.b.wait(), 10)

    async def later(self, seconds: float) -> list[str]:
        """A's clock moves ``seconds`` on from now; A's next heartbeat (run now) looks at the others."""
        self.clock.now = time.time() + seconds
        return await on_server(self.a, self.a.server.group.beat_now)


@pytest.fixture
def instance_a(tmp_path: Path) -> Iterator[tuple[EmbeddedServer, FakeClock]]:
    url = pg.database_for(tmp_path / "instances")
    clock = FakeClock(time.time())
    a = EmbeddedServer(url, demo=True, hasher=FAST_HASHER)
    a.server.group.clock = clock
    a.server.monitor.interval_s = 3600.0  # A samples when the test says
    try:
        a.start()
        add_users(a)
        yield a, clock
    finally:
        a.stop()
        pg.drop_all()


@pytest.fixture
async def group(instance_a: tuple[EmbeddedServer, FakeClock]) -> AsyncIterator[Group]:
    a, clock = instance_a
    b, b_url = await server_process.serve(a.server.db_target)
    made = Group(a, clock, b, b_url, [])
    try:
        yield made
    finally:
        for client in made.clients:
            with contextlib.suppress(Exception):
                await client.ws.close()
        await server_process.stop(b)


def _by_port(snapshot: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(i["port"]): i for i in snapshot["instances"]}


async def test_the_monitor_of_one_instance_shows_every_instance_and_the_database(
    group: Group, qtbot: QtBot, tmp_path: Path
) -> None:
    boss = await group.client("boss")
    b_port = int(group.b_url.rsplit(":", 1)[1].strip("/"))
    snapshot: dict[str, Any] = {}

    async def both_reported() -> bool:
        nonlocal snapshot
        snapshot = await boss.ok("monitor.snapshot", {})
        b = _by_port(snapshot).get(b_port)
        return b is not None and b["figures"].get("memory_rss_bytes") is not None

    await until_answered(both_reported, 30, what="B's first report in A's monitor")
    instances = _by_port(snapshot)
    a, b = instances[group.a.port], instances[b_port]
    assert snapshot["instance"] == a["id"] != b["id"]
    assert a["this"] is True and b["this"] is False
    assert a["state"] == b["state"] == "up" and a["pid"] != b["pid"]
    assert a["figures"]["connections"] >= 1 and a["figures"]["memory_rss_bytes"] > 0
    assert b["figures"]["uptime_s"] > 0 and b["database"] == "reachable"
    database = snapshot["database"]
    assert database["engine"] == "postgresql" and database["reachable"] is True
    assert database["size_bytes"] > 0 and 0 < database["connections"] <= database["max_connections"]
    assert database["replicas"] == 0 and database["replication_lag_s"] is None
    await on_server(group.a, group.a.server.monitor.sample_now)
    again = await boss.ok("monitor.snapshot", {})
    assert again["database"]["commits_per_s"] is not None  # a rate needs two readings
    history = await boss.ok("monitor.history", {"range": "5m", "instance": b["id"]})
    assert history["instance"] == b["id"]
    assert any(v is not None for v in history["series"]["memory_rss_bytes"]), "B's own history"

    await group.kill_b()
    assert await group.later(5) == [], "5 s of silence is not gone yet"
    assert await group.later(group.a.server.group.timeout_s + 1) == [b["id"]]
    changed = await boss.event_of("monitor:instance-changed")
    assert changed["data"]["instance"]["id"] == b["id"]
    assert changed["data"]["instance"]["state"] == "gone" and changed["data"]["previous"] == "up"
    after = _by_port(await boss.ok("monitor.snapshot", {}))
    assert after[b_port]["state"] == "gone" and after[group.a.port]["state"] == "up"
    assert await group.later(group.a.server.group.timeout_s + 2) == [], "gone is announced once"

    # The desktop's pane, fed by A: a row per instance (B gone) and the database's row.
    store = MonitorStore()
    store.set_data(await boss.ok("monitor.snapshot", {}), await boss.ok("monitor.history", {"range": "5m"}))
    pane = MonitorPane(store)
    qtbot.addWidget(pane)
    pane.interval_box.setCurrentText("Off")
    pane.resize(1500, 1000)
    pane.show_details(True)
    pane.show()
    pane.redraw()
    await asyncio.sleep(0.2)  # the layout settles on the loop, as in the app
    table = pane.instances_box.instances_table
    rows = {_cell(table, r, 0): _cell(table, r, 1) for r in range(table.rowCount())}
    host = b["host"]
    assert rows == {f"{host}:{group.a.port} (this one)": "Up", f"{host}:{b_port}": "Gone (stopped reporting)"}
    database = pane.instances_box.database_table
    assert _cell(database, 0, 0) == "PostgreSQL" and _cell(database, 0, 1) == "yes"
    assert _cell(database, 0, 3).endswith(f"of {snapshot['database']['max_connections']}")
    assert pane.instances_box.grab().save(str(tmp_path / "monitor-instances.png"))
    assert pane.grab().save(str(tmp_path / "monitor-pane.png"))


def _cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None, (row, column)
    return item.text()


async def _names(client: WsClient) -> set[str]:
    reply = await client.ok("presence.query", {})
    return {p["user"]["name"] for p in reply["presence"]}


async def test_presence_is_seen_across_instances_and_leaves_with_a_killed_instance(group: Group) -> None:
    boss = await group.client("boss")
    ana_b = await group.client("ana", group.b_url)
    vic_a = await group.client("vic")
    vic_b = await group.client("vic", group.b_url)
    await ana_b.ok("presence.update", {"activity": "viewing"})
    await vic_a.ok("presence.update", {"activity": "viewing"})
    await vic_b.ok("presence.update", {"activity": "editing", "session_id": 1})

    async def everyone_seen() -> bool:  # B writes its users' rows with their presence:* events
        return await _names(boss) == {"Ana", "Vic"}

    await until_answered(everyone_seen, what="A to answer for the users connected to B")
    assert await _names(ana_b) == {"Ana", "Vic"}, "B answers for the users connected to A"
    ana = await _user_id(boss, "Ana")

    await vic_b.ws.close()  # Vic is still online through A: nobody hears Vic left
    await ana_b.ok("presence.update", {"activity": "selecting"})
    await _wait_for_presence(boss, "presence:changed", lambda d: d["presence"]["activity"] == "selecting")
    assert await _names(boss) == {"Ana", "Vic"}

    await group.kill_b()
    assert await group.later(group.a.server.group.timeout_s + 1)
    left = await _wait_for_presence(boss, "presence:left", lambda d: True)
    assert left == {"user_id": ana, "reason": "timeout"}, "Ana was online only through B"
    assert await _names(boss) == {"Vic"}, "Vic is still online through A"
    assert await _names(vic_a) == {"Vic"}


async def _user_id(client: WsClient, name: str) -> int:
    reply = await client.ok("presence.query", {})
    return next(int(p["user"]["id"]) for p in reply["presence"] if p["user"]["name"] == name)


async def _wait_for_presence(client: WsClient, kind: str, wanted: Any, strict: bool = True) -> dict[str, Any]:
    """The data of the next ``kind`` event ``wanted(data)`` accepts; unless not ``strict``, a
    ``presence:left`` on the way fails the test (nobody else leaves here)."""
    while True:
        event = await client.next_event()
        if strict and event["kind"] == "presence:left" and kind != "presence:left":
            raise AssertionError(f"unexpected {event}")
        if event["kind"] == kind and wanted(event["data"]):
            return dict(event["data"])


async def test_a_lock_taken_through_a_killed_instance_lapses_for_the_others(group: Group) -> None:
    a = group.a.server
    a.collab.config = dataclasses.replace(a.collab.config, wall=group.clock)  # leases on the test's clock
    boss = await group.client("boss")
    ana_b = await group.client("ana", group.b_url)
    held = await ana_b.ok("lock.acquire", {"session_id": 1})
    granted = await boss.event_of("lock:acquired")
    assert granted["data"]["lock"]["holder"]["name"] == "Ana"
    refused = await boss.error("lock.acquire", {"session_id": 1})
    assert refused["code"] == "locked" and "Ana" in refused["message"], "the lock holds across instances"

    await group.kill_b()  # Ana's connection never closes cleanly: no release
    group.clock.now = time.time() + a.collab.config.lease_s + 1
    released = await boss.event_of("lock:released", timeout=WAIT)
    assert released["data"]["reason"] == "expired"
    assert released["data"]["lock"]["session_id"] == 1
    mine = await boss.ok("lock.acquire", {"session_id": 1})
    assert mine["lock"]["token"] > held["lock"]["token"], "a newer grant fences the lapsed one off"


async def test_an_instance_taken_for_gone_that_reports_again_brings_its_users_back(group: Group) -> None:
    boss = await group.client("boss")
    vic = await group.client("vic")
    await vic.ok("presence.update", {"activity": "viewing"})
    await _wait_for_presence(boss, "presence:joined", lambda d: d["presence"]["user"]["name"] == "Vic")
    a = group.a.server.group
    group.clock.now = time.time() - 2 * a.timeout_s  # A's reports look a minute old to B (a stalled A)
    await on_server(group.a, a.beat_now)
    # B's next heartbeat notices: A is gone and its users leave (the two events in either order)
    seen: dict[str, dict[str, Any]] = {}
    async with asyncio.timeout(40):  # B's heartbeat runs every 5 s in its own process; a loaded
        while len(seen) < 2:         # machine can hold it back well past the usual WAIT
            event = await boss.next_event(timeout=40)
            if event["kind"] == "presence:left" or (event["kind"] == "monitor:instance-changed"
                                                    and event["data"]["instance"]["state"] == "gone"):
                seen[event["kind"]] = event["data"]
    gone, left = seen["monitor:instance-changed"], seen["presence:left"]
    assert gone["instance"]["id"] == a.id
    assert left["reason"] == "timeout"

    group.clock.now = time.time()
    await on_server(group.a, a.beat_now)  # A reports again: up, and Vic is back for everyone
    back = await _instance_event(boss, "up")
    assert back["instance"]["id"] == a.id and back["previous"] == "gone"
    joined = await _wait_for_presence(
        boss, "presence:joined", lambda d: d["presence"]["user"]["name"] == "Vic", strict=False)
    assert joined["presence"]["user"]["id"] == left["user_id"]
    assert await _names(boss) == {"Vic"}


async def _instance_event(client: WsClient, state: str) -> dict[str, Any]:
    """The data of the next ``monitor:instance-changed`` to ``state`` (within 30 s: a heartbeat's time)."""
    async with asyncio.timeout(30):
        while True:
            event = await client.event_of("monitor:instance-changed", timeout=30)
            if event["data"]["instance"]["state"] == state:
                return dict(event["data"])
