"""A big studio's fortnight is larger than one frame (1 MiB): ``schedule.query`` answers it in pages
that each fit, in start order, every session exactly once, and the desktop reads every page.

Before, the server built the whole range as one reply (a viewer could ask for 400 days of a big
studio: tens of megabytes built on the database's thread) and the desktop's link refused any reply
over a frame, so a busy studio's month never showed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.frames import MAX_FRAME_BYTES
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.server.support import WsClient, signed_in_client

from .support import Peers, pages, raw_reply

FIRST = datetime(2031, 5, 1, tzinfo=UTC)
DAYS = 14
LAST = FIRST + timedelta(days=DAYS)
RANGE = {"start": format_ts(FIRST), "end": format_ts(LAST)}
#: Six start times a day, forty sessions at each: page ends fall among sessions sharing a start.
HOURS = (8, 9, 10, 11, 12, 13)
AT_ONCE = 40
#: A note that makes a session about 610 bytes of JSON: 3,361 of them are about 2.0 MB (four pages).
NOTE = "Knee rehab, week 3: bring the resistance bands. " * 6


def _fill(server: EmbeddedServer) -> list[int]:
    """The fortnight's sessions, plus one that began before it and runs into it (in the answer)
    and two that only touch its edges (not in it); the ids the answer must hold, in order."""
    def fill(store: Store) -> list[int]:
        trainers = [t.id for t in store.trainers()]
        made = [Session(0, FIRST - timedelta(hours=1), FIRST + timedelta(minutes=30), trainers[0],
                        notes="overlaps")]
        for day in range(DAYS):
            for hour in HOURS:
                start = FIRST + timedelta(days=day, hours=hour)
                made += [Session(0, start, start + timedelta(hours=1), trainers[n % len(trainers)],
                                 notes=f"#{day}-{hour}-{n} {NOTE}") for n in range(AT_ONCE)]
        edges = [Session(0, FIRST - timedelta(hours=1), FIRST, trainers[0], notes="ends as it starts"),
                 Session(0, LAST, LAST + timedelta(hours=1), trainers[0], notes="starts as it ends")]
        with store.transaction():
            stored = [store.insert_session(s) for s in made]
            for s in edges:
                store.insert_session(s)
        return [s.id for s in sorted(stored, key=lambda s: (s.start, s.id))]

    return list(server.server.store.submit(fill))


async def _pages(client: WsClient, data: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return await pages(client, "schedule.query", data, "after")


async def test_a_fortnight_larger_than_a_frame_comes_in_pages_that_each_fit_with_every_session_once(
        server: EmbeddedServer, peers: Peers) -> None:
    expected = _fill(server)
    vic = await peers.signed_in("vic")
    pages = await _pages(vic, RANGE)
    assert sum(size for size, _ in pages) > MAX_FRAME_BYTES  # the whole would not fit one frame
    assert len(pages) >= 3 and all(size < MAX_FRAME_BYTES for size, _ in pages)
    assert [s["id"] for _, data in pages for s in data["sessions"]] == expected
    for _, data in pages[:-1]:  # each page names where it ended
        last = data["sessions"][-1]
        assert data["more"] is True and data["after"] == f"{last['start']},{last['id']}"
    assert pages[-1][1]["more"] is False and pages[-1][1]["after"] is None
    assert all(isinstance(data["seq"], int) and data["epoch"] for _, data in pages)


async def test_one_trainers_fortnight_is_paged_the_same_way(server: EmbeddedServer, peers: Peers) -> None:
    _fill(server)
    trainer = server.server.store.submit(lambda store: store.trainers()[1].id)
    vic = await peers.signed_in("vic")
    pages = await _pages(vic, {**RANGE, "trainer_id": trainer})
    sessions = [s for _, data in pages for s in data["sessions"]]
    assert sessions and {s["trainer_id"] for s in sessions} == {trainer}
    assert sessions == sorted(sessions, key=lambda s: (s["start"], s["id"]))


async def test_attack_a_viewer_asking_for_400_days_of_a_big_studio_gets_one_bounded_page(
        server: EmbeddedServer, peers: Peers) -> None:
    expected = _fill(server)
    vic = await peers.signed_in("vic", source="127.0.0.2")
    size, reply = await raw_reply(vic, "schedule.query", {"start": "2030-11-01T00:00:00Z",
                                                          "end": "2031-12-06T00:00:00Z"}, "year")
    assert reply["ok"] is True and reply["data"]["more"] is True
    assert size < MAX_FRAME_BYTES and len(reply["data"]["sessions"]) < len(expected)
    ana = await peers.signed_in("ana")  # and the studio's own PC is still answered
    assert (await ana.ok("heartbeat", {}))["server_time"]


@pytest.mark.parametrize("after", ["", "nonsense", "2031-05-01T08:00:00Z,", "2031-05-01T08:00:00Z,-4",
                                   "yesterday,12", "2031-05-01T08:00:00Z,1e9", "x" * 65])
async def test_an_after_that_no_page_gave_is_refused_naming_it(server: EmbeddedServer, peers: Peers,
                                                              after: str) -> None:
    vic = await peers.signed_in("vic")
    err = await vic.error("schedule.query", {**RANGE, "after": after})
    assert err["code"] == "invalid" and err["data"]["field"] == "after", err


async def test_a_change_made_between_pages_reaches_the_reader_before_the_next_page(
        server: EmbeddedServer, peers: Peers) -> None:
    """What the desktop relies on to page safely: an event committed after a page was read arrives
    before any later page, so the desktop's copy (kept over the pages for anything an event after
    the first page touched) is never older than the server's."""
    expected = _fill(server)
    vic, boss = await peers.signed_in("vic"), await peers.signed_in("boss")
    size, first = await raw_reply(vic, "schedule.query", RANGE, "first")
    assert first["data"]["more"] is True and size < MAX_FRAME_BYTES
    moving = await boss.ok("schedule.query", {**RANGE, "start": format_ts(LAST - timedelta(hours=12))})
    last = moving["sessions"][-1]
    assert last["id"] == expected[-1]  # not on the first page: moved into the range it already read
    early = {"start": format_ts(FIRST), "end": format_ts(FIRST + timedelta(hours=1))}
    moved = await boss.ok("session.update", {"id": last["id"], "version": last["version"],
                                             "allow_overlap": True, "changes": early})
    _, second = await raw_reply(vic, "schedule.query", {**RANGE, "after": first["data"]["after"]}, "second")
    seen = [e for e in vic.events if e["kind"] == "session:updated"]
    assert [e["data"]["session"]["id"] for e in seen] == [last["id"]]
    assert first["data"]["seq"] < seen[0]["seq"] <= second["data"]["seq"]
    assert moved["session"]["start"] == format_ts(FIRST)


async def test_the_desktop_loads_a_busy_fortnight_whole(server: EmbeddedServer, tmp_path: Path) -> None:
    """The app's own client: before, the reply was over the frame its link accepts and the load failed."""
    expected = _fill(server)
    vic = await signed_in_client(server.url, "vic", tmp_path / "pc")
    try:
        assert await vic.load_range(FIRST, LAST) == len(expected)
        assert [s.id for s in vic.store.between(FIRST, LAST)] == expected
        trainer = server.server.store.submit(lambda store: store.trainers()[0].id)
        mine, as_of = await vic.query_range(FIRST, LAST, trainer)
        assert mine and {s.trainer_id for s in mine} == {trainer} and as_of is not None
    finally:
        await vic.close()
