"""Presence: join, leave at once on a clean quit, timeout of a silent peer, idle/away, the 20/s throttle."""

from __future__ import annotations

import time

from swan_desktop.server.collab.presence import colour_for
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients

from .conftest import configure, user_ids


async def test_a_report_joins_and_others_see_who_does_what_in_a_stable_colour(
        server: EmbeddedServer, clients: Clients) -> None:
    watcher = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    await ana.ok("presence.update", {"activity": "editing", "session_id": 7, "day": "2031-03-03"})
    joined = await watcher.event_of("presence:joined")
    changed = await watcher.event_of("presence:changed")
    ana_id = user_ids(server)["ana"]
    assert joined["data"]["presence"]["user"] == {"id": ana_id, "name": "Ana", "role": "trainer"}
    assert changed["data"]["presence"] == {
        "user": {"id": ana_id, "name": "Ana", "role": "trainer"}, "color": colour_for(ana_id),
        "activity": "editing", "session_id": 7, "day": "2031-03-03"}
    snapshot = (await watcher.ok("presence.query"))["presence"]
    assert [p["activity"] for p in snapshot if p["user"]["id"] == ana_id] == ["editing"]
    assert colour_for(ana_id) == colour_for(ana_id) and colour_for(ana_id).startswith("#")


async def test_a_clean_quit_leaves_at_once(server: EmbeddedServer, clients: Clients) -> None:
    configure(server, presence_timeout=30.0)  # so only the quit itself can explain the leave
    watcher = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    await ana.ok("presence.update", {"activity": "viewing"})
    await watcher.event_of("presence:joined")
    began = time.monotonic()
    await ana.ws.close()
    left = await watcher.event_of("presence:left")
    assert left["data"] == {"user_id": user_ids(server)["ana"], "reason": "quit"}
    assert time.monotonic() - began < 1.0


async def test_a_silent_connection_is_taken_for_gone_after_the_timeout(
        server: EmbeddedServer, clients: Clients) -> None:
    now = [1000.0]
    configure(server, clock=lambda: now[0], presence_timeout=30.0)
    watcher = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    await ana.ok("presence.update", {"activity": "viewing"})
    await watcher.event_of("presence:joined")
    # ana's socket stays open but says nothing more: to the server, a crashed desktop looks the same.
    now[0] += 29
    await watcher.ok("heartbeat", {})  # the sweep has run on the moved clock: ana is still there
    present = (await watcher.ok("presence.query"))["presence"]
    assert user_ids(server)["ana"] in {p["user"]["id"] for p in present}
    now[0] += 2
    left = await watcher.event_of("presence:left")
    assert left["data"]["reason"] == "timeout"


async def test_heartbeats_keep_a_quiet_user_present(server: EmbeddedServer, clients: Clients) -> None:
    now = [1000.0]
    configure(server, clock=lambda: now[0], presence_timeout=30.0)
    watcher = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    await ana.ok("presence.update", {"activity": "viewing"})
    for _ in range(8):  # 160 s on the presence clock, five times the timeout, a heartbeat each 20 s
        now[0] += 20
        await ana.ok("heartbeat", {})
    present = (await watcher.ok("presence.query"))["presence"]
    assert user_ids(server)["ana"] in {p["user"]["id"] for p in present}


async def test_idle_after_two_minutes_and_away_after_ten_on_the_presence_clock(
        server: EmbeddedServer, clients: Clients) -> None:
    now = [1000.0]
    configure(server, clock=lambda: now[0], presence_timeout=30.0)
    watcher = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    await ana.ok("presence.update", {"activity": "selecting", "session_id": 3})
    await watcher.event_of("presence:changed")

    async def quietly(seconds: int) -> None:
        """Time passes with heartbeats (the desktop sends one every 15 s) and no presence report."""
        for _ in range(seconds // 15):
            now[0] += 15
            await ana.ok("heartbeat", {})
        now[0] += seconds % 15

    await quietly(121)
    idle = await watcher.event_of("presence:changed")
    assert idle["data"]["presence"]["activity"] == "idle"
    await quietly(480)
    away = await watcher.event_of("presence:changed")
    assert away["data"]["presence"]["activity"] == "away"
    await ana.ok("presence.update", {"activity": "dragging", "session_id": 3})
    back = await watcher.event_of("presence:changed")
    assert back["data"]["presence"]["activity"] == "dragging"


async def test_a_burst_of_1000_reports_is_throttled_to_20_per_second_ending_on_the_last(
        server: EmbeddedServer, clients: Clients) -> None:
    configure(server, presence_timeout=30.0)
    watcher = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    began = time.monotonic()
    for i in range(1000):
        await ana.ws.send(f'{{"type": "presence.update", "id": "p{i}", '
                          f'"data": {{"activity": "dragging", "session_id": {i}}}}}')
    for i in range(1000):  # every report is answered
        await ana.reply_to(f"p{i}")
    announced: list[int] = []
    while not announced or announced[-1] != 999:
        event = await watcher.event_of("presence:changed")
        announced.append(event["data"]["presence"]["session_id"])
    elapsed = time.monotonic() - began
    assert len(announced) <= 20 * elapsed + 2, (len(announced), elapsed)
    assert announced == sorted(announced) and announced[-1] == 999
