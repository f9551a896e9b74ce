"""The fan-out path's shortcuts keep what they stand in for.

- An event's WebSocket frame is made once for every recipient: its bytes are exactly the frame
  websockets itself writes for that payload on a connection without extensions.
- A connection that negotiated compression still has websockets frame (and compress) each
  event and reply for it; it receives the same frames, in the same order, as a plain one.
- The store's worker hands a job's events to the loop before the job's outcome, in ``seq``
  order, also when it committed several times; a failing hand-over stops nothing else.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode

from swan_desktop.server.store import HubEvent, Store
from swan_desktop.server.wire import text_frame
from swan_desktop.server.worker import AsyncStore
from tests.support.server import WAIT, WsClient, session_data, start_server


@pytest.mark.parametrize("size", [0, 1, 125, 126, 1_129, 65_535, 65_536, 200_000])
def test_an_event_frame_is_the_frame_websockets_writes(size: int) -> None:
    payload = ("é" * size).encode()[:size]
    assert text_frame(payload) == Frame(Opcode.TEXT, payload).serialize(mask=False)


async def test_compressed_and_plain_connections_get_the_same_events_and_replies(tmp_path: Path) -> None:
    server = start_server(tmp_path / "studio.sqlite3", compression=True)
    sockets = []
    try:
        deflate = await connect(server.url, compression="deflate", open_timeout=WAIT)
        plain = await connect(server.url, compression=None, open_timeout=WAIT)
        sockets = [deflate, plain]
        assert deflate.protocol.extensions, "the server did not agree to compress"
        assert not plain.protocol.extensions
        watchers = [WsClient(deflate), WsClient(plain)]
        for watcher in watchers:
            await watcher.login("vic")
            await watcher.ok("sync", {})
        writer = await _writer(server.url, sockets)
        created = (await writer.ok("session.create", session_data()))["session"]
        for n in range(3):
            change = {"id": created["id"], "version": created["version"] + n,
                      "changes": {"notes": f"note {n} " + "é" * 300}}
            reply = await writer.ok("session.update", change)
            assert reply["session"]["notes"].startswith(f"note {n}")
        seen = [[await w.next_event() for _ in range(4)] for w in watchers]
        assert seen[0] == seen[1]
        assert [e["kind"] for e in seen[0]] == ["session:created"] + ["session:updated"] * 3
        assert [e["data"]["session"]["notes"][:6] for e in seen[0][1:]] == ["note 0", "note 1", "note 2"]
        seqs = [e["seq"] for e in seen[0]]
        assert seqs == sorted(seqs) and len(set(seqs)) == 4
    finally:
        for ws in sockets:
            await ws.close()
        server.stop()


async def _writer(url: str, sockets: list[Any]) -> WsClient:
    ws = await connect(url, open_timeout=WAIT)
    sockets.append(ws)
    writer = WsClient(ws)
    await writer.login("boss")
    return writer


def _two_commits(store: Store) -> str:
    for i in range(2):
        with store.transaction() as tx:
            tx.emit("test:committed", {"i": i})
    return "done"


async def test_a_jobs_events_reach_the_loop_before_its_outcome_in_seq_order(tmp_path: Path) -> None:
    published: list[list[int]] = []
    store = AsyncStore(tmp_path / "studio.sqlite3",
                       lambda events: published.append([e.event.seq for e in events]))
    await store.open()
    try:
        assert await store.run(_two_commits) == "done"
        assert len(published) == 2, "the outcome came before the job's events"
        first, second = published
        assert second == [first[0] + 1]
    finally:
        await store.close()


async def test_a_failing_hand_over_stops_neither_the_next_one_nor_the_outcome(tmp_path: Path) -> None:
    published: list[HubEvent] = []

    def publish(events: list[HubEvent]) -> None:
        published.extend(events)
        if len(published) == 1:
            raise RuntimeError("a subscriber broke")

    store = AsyncStore(tmp_path / "studio.sqlite3", publish)
    await store.open()
    try:
        assert await store.run(_two_commits) == "done"
        assert [json.loads(e.payload)["data"]["i"] for e in published] == [0, 1]
    finally:
        await store.close()


async def test_a_job_after_close_is_refused_not_left_waiting(tmp_path: Path) -> None:
    store = AsyncStore(tmp_path / "studio.sqlite3", lambda events: None)
    await store.open()
    await store.close()
    answered: list[BaseException | None] = []
    done = asyncio.get_running_loop().create_future()

    def heard(result: object, error: BaseException | None) -> None:
        answered.append(error)
        done.set_result(None)

    store.call(_two_commits, heard)
    await done
    assert isinstance(answered[0], RuntimeError)
