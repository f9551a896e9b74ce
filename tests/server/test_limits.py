"""Limits: a request rate per connection, a connection cap, and dropping clients that stop reading."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits, TokenBucket
from tests.support.poll import until
from tests.support.server import PASSWORDS, WAIT, Clients, http_get, session_data, start_server

from .rawclient import RawClient
from .support import CLI


def _metric(server: EmbeddedServer, name: str) -> float:
    text = server.server.metrics.render().decode()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


@pytest.fixture
def limited(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    server = start_server(tmp_path / "limited.db", limits=request.param)
    yield server
    server.stop()


# -- the token bucket --------------------------------------------------------------


def test_token_bucket_allows_a_burst_then_the_rate_and_says_how_long_to_wait() -> None:
    now = [100.0]
    bucket = TokenBucket(rate=4, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take() == 0.25
    now[0] += 0.125
    assert bucket.take() == 0.125
    now[0] += 0.125
    assert bucket.take() == 0.0
    now[0] += 3600  # an idle hour refills only up to the burst
    assert [bucket.take() for _ in range(4)] == [0.0, 0.0, 0.0, 0.25]


def test_limits_refuse_nonsense_and_a_zero_rate_means_no_bucket() -> None:
    assert Limits(rate=0).bucket() is None
    assert Limits().bucket() is not None
    for bad in ({"rate": -1}, {"burst": 0}, {"max_connections": -1}, {"send_queue": 0}):
        with pytest.raises(ValueError):
            Limits(**bad)


# -- request rate ------------------------------------------------------------------


@pytest.mark.parametrize("limited", [Limits(rate=2, burst=5)], indirect=True)
async def test_requests_over_the_rate_get_rate_limited_and_the_connection_stays_open(
    limited: EmbeddedServer,
) -> None:
    pool = Clients(limited)
    try:
        client = await pool.signed_in("vic", sync=False)  # one token
        for i in range(6):
            await client.send_raw(json.dumps({"type": "heartbeat", "id": f"h{i}", "data": {}}))
        replies = [await client.reply_to(f"h{i}") for i in range(6)]
        assert [r["ok"] for r in replies] == [True] * 4 + [False] * 2
        refused = replies[-1]["error"]
        assert refused["code"] == "rate_limited"
        retry_after = refused["data"]["retry_after_s"]
        assert 0 < retry_after <= 0.5
        await client.send_raw("not json at all")
        assert (await client.recv())["error"]["code"] == "rate_limited"  # an error frame: no usable id
        await asyncio.sleep(retry_after + 0.05)  # the wait the server asked for
        assert "server_time" in await client.ok("heartbeat", {})
        assert limited.call(lambda: _metric(limited, "swan_rate_limited_requests_total")) == 3.0
    finally:
        await pool.close()


# -- connection cap ----------------------------------------------------------------


@pytest.mark.parametrize("limited", [Limits(max_connections=3)], indirect=True)
async def test_past_the_connection_cap_handshakes_get_503_and_the_server_stays_healthy(
    limited: EmbeddedServer,
) -> None:
    pool = Clients(limited)
    try:
        first, *_ = [await pool.signed_in("vic") for _ in range(3)]
        with pytest.raises(InvalidStatus) as refused:
            await connect(limited.url, open_timeout=WAIT)
        assert refused.value.response.status_code == 503
        assert refused.value.response.headers["Retry-After"] == "5"
        status, _, body = await http_get(limited.port, "/health")
        assert status == 200 and json.loads(body)["connections"] == 3
        assert limited.call(lambda: _metric(limited, "swan_connections_refused_total")) == 1.0
        await first.ws.close()
        await until(lambda: limited.call(lambda: len(limited.server.connections)) == 2)
        again = await pool.open()
        assert (await again.login("vic"))["user"]["role"] == "viewer"
    finally:
        await pool.close()


# -- clients that stop reading -----------------------------------------------------

NOTES = "n" * 1990  # notes hold at most 2,000 characters; the event carries them twice


SMALL_QUEUE = Limits(rate=0, send_queue=50, send_queue_bytes=64 * 1024)  # the writer goes fast


@pytest.mark.parametrize("limited", [SMALL_QUEUE], indirect=True)
async def test_a_client_that_stops_reading_is_dropped_and_its_queue_released_while_others_keep_up(
    limited: EmbeddedServer,
) -> None:
    pool = Clients(limited)
    stalled = await RawClient.open("127.0.0.1", limited.port)
    try:
        login = {"username": "vic", "password": PASSWORDS["vic"]}
        assert (await stalled.request("authenticate", login, "a"))["ok"] is True
        assert (await stalled.request("sync", {}, "s"))["ok"] is True
        # From here on nothing reads the stalled client's socket.
        port = stalled.local_port

        def stalled_connection() -> weakref.ref:
            (conn,) = [c for c in limited.server.connections if c.ws.remote_address[1] == port]
            return weakref.ref(conn)

        ref = limited.call(stalled_connection)
        reader = await pool.signed_in("boss")
        writer = await pool.signed_in("ana", sync=False)
        session = (await writer.ok("session.create", session_data()))["session"]
        updates = 0
        while limited.call(lambda: ref() in limited.server.connections):
            assert updates < 1000, "the stalled client was never dropped"
            changes = {"notes": f"{updates}{NOTES}"}
            session = (
                await writer.ok("session.update", {"id": session["id"], "version": session["version"],
                                                   "changes": changes})
            )["session"]
            updates += 1
        received = [await reader.next_event() for _ in range(1 + updates)]  # created, then each update
        assert [e["data"]["session"]["version"] for e in received[1:]] == list(range(2, updates + 2))
        assert limited.call(lambda: _metric(limited, "swan_slow_client_disconnects_total")) == 1.0
        gc.collect()
        assert ref() is None, "the dropped connection (and its send queue) is still held"
        assert await stalled.is_cut_off()
        assert "server_time" in await reader.ok("heartbeat", {})
    finally:
        stalled.close()
        await pool.close()


async def test_serve_takes_the_limits_from_its_command_line(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--db", str(tmp_path / "cli.db"), "--port", "0", "--tls", "off",
        "--max-connections", "1", "--rate-limit", "10", "--rate-burst", "2",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        url = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().split()[-1]
        async with connect(url, open_timeout=WAIT) as ws:
            with pytest.raises(InvalidStatus, match="503"):
                await connect(url, open_timeout=WAIT)
            for i in range(3):
                await ws.send(json.dumps({"type": "heartbeat", "id": f"h{i}"}))
            codes = [json.loads(await asyncio.wait_for(ws.recv(), WAIT))["error"]["code"] for _ in range(3)]
            assert codes == ["unauthorized", "unauthorized", "rate_limited"]
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 20)
        except TimeoutError:
            proc.kill()  # never leave a server behind, even when the test fails
            await proc.wait()
            raise
