"""TLS: wss:// and https:// with a studio CA; clients that cannot verify the server are refused."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import WAIT, WsClient, start_server
from tests.support.tls import CertPair, StudioPki, client_context, make_studio_pki, server_context

from .support import CLI, run_cli


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> StudioPki:
    return make_studio_pki(tmp_path_factory.mktemp("pki"))


def _tls_server(tmp_path: Path, pair: CertPair) -> EmbeddedServer:
    return start_server(tmp_path / "tls.db", demo=False, ssl=server_context(pair))


@pytest.fixture
def tls_server(tmp_path: Path, pki: StudioPki) -> Iterator[EmbeddedServer]:
    server = _tls_server(tmp_path, pki.server)
    yield server
    server.stop()


async def _https_get(port: int, path: str, context: ssl.SSLContext) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), WAIT)
    finally:
        writer.close()
        with contextlib.suppress(ssl.SSLError, ConnectionError):  # the server may close first
            await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


async def _sign_in_and_beat(url: str, context: ssl.SSLContext) -> dict:
    async with connect(url, ssl=context, open_timeout=WAIT, close_timeout=2) as ws:
        client = WsClient(ws)
        await client.ok("authenticate", {"username": "vic", "password": "vic-secret"})
        return await client.ok("heartbeat", {})


async def test_a_client_trusting_the_studio_ca_talks_to_the_server_over_wss(
    tls_server: EmbeddedServer, pki: StudioPki
) -> None:
    assert tls_server.url.startswith("wss://127.0.0.1:")
    beat = await _sign_in_and_beat(tls_server.url, client_context(pki.ca))
    assert beat["server_time"].endswith("Z")


async def test_health_and_metrics_answer_over_https(tls_server: EmbeddedServer, pki: StudioPki) -> None:
    status, body = await _https_get(tls_server.port, "/health", client_context(pki.ca))
    assert status == 200 and json.loads(body)["status"] == "ok"
    status, body = await _https_get(tls_server.port, "/metrics", client_context(pki.ca))
    assert status == 200 and b"swan_connections" in body


async def test_a_client_without_the_studio_ca_fails_verification(tls_server: EmbeddedServer) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match=r"unable to get local issuer|self.signed"):
        await _sign_in_and_beat(tls_server.url, client_context(None))


@pytest.mark.parametrize(
    ("which", "reason"),
    [("wrong_host", "match|mismatch"), ("self_signed", "self.signed|unable to get local issuer")],
)
async def test_a_certificate_for_another_host_or_signed_by_nobody_trusted_is_refused(
    tmp_path: Path, pki: StudioPki, which: str, reason: str
) -> None:
    server = _tls_server(tmp_path, getattr(pki, which))
    try:
        with pytest.raises(ssl.SSLCertVerificationError, match=reason):
            await _sign_in_and_beat(server.url, client_context(pki.ca))
        assert server.call(lambda: len(server.server.connections)) == 0
    finally:
        server.stop()


async def test_serve_with_tls_cert_and_key_listens_on_wss(tmp_path: Path, pki: StudioPki) -> None:
    db = tmp_path / "serve.db"
    added = run_cli(["user", "add", "vic", "--role", "viewer", "--db", str(db)], "vic-secret\n")
    assert added.returncode == 0
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--db", str(db), "--port", "0",
        "--tls-cert", str(pki.server.cert), "--tls-key", str(pki.server.key),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
        assert line.startswith("swan-server listening on wss://127.0.0.1:")
        beat = await _sign_in_and_beat(line.rsplit(" ", 1)[1], client_context(pki.ca))
        assert "uptime_s" in beat
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 20)
    assert code == 0


def test_serve_refuses_a_certificate_without_its_key(tmp_path: Path, pki: StudioPki) -> None:
    result = run_cli(["serve", "--db", str(tmp_path / "s.db"), "--tls-cert", str(pki.server.cert)], "")
    assert result.returncode == 2
    assert "--tls-key" in result.stderr
