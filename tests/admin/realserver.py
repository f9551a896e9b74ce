"""``swan-server`` as a subprocess, as a studio runs it: started, signed in to, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from tests.server.support import WsClient

CLI = [sys.executable, "-m", "swan_desktop.server.cli"]
#: Bound on every wait for a subprocess (start, a line, stop).
START_S, STOP_S = 30.0, 20.0


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False)


class RealServer:
    """One ``swan-server serve`` process and the clients opened against it."""

    def __init__(self, proc: asyncio.subprocess.Process, url: str, ca: str | None = None) -> None:
        self.proc = proc
        self.url = url
        #: The studio CA ``serve`` made and printed (wss://), which a desktop would trust.
        self.ssl = ssl.create_default_context(cafile=ca) if ca else None
        self._open: list[ClientConnection] = []

    async def client(self) -> WsClient:
        ws = await connect(self.url, open_timeout=5, close_timeout=2, ssl=self.ssl)
        self._open.append(ws)
        return WsClient(ws)

    async def signed_in(self, username: str, password: str) -> WsClient:
        client = await self.client()
        await client.ok("authenticate", {"username": username, "password": password})
        await client.ok("sync", {})
        return client

    async def close_clients(self) -> None:
        for ws in self._open:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        self._open.clear()


@contextlib.asynccontextmanager
async def serving(db: str | Path, *extra: str) -> AsyncIterator[RealServer]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--db", str(db), "--port", "0", *extra,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env)
    server: RealServer | None = None
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), START_S)).decode().strip()
        assert line.startswith(("swan-server listening on ws://127.0.0.1:",
                                "swan-server listening on wss://127.0.0.1:")), line
        ca = None
        if "wss://" in line:  # the default: TLS with the studio CA it made, printed next
            ca_line = (await asyncio.wait_for(proc.stdout.readline(), START_S)).decode().strip()
            assert ca_line.startswith("studio CA (desktops ask to trust it on first sign-in): "), ca_line
            ca = ca_line.split(": ", 1)[1]
        server = RealServer(proc, line.rsplit(" ", 1)[1], ca)
        yield server
    finally:
        if server is not None:
            await server.close_clients()
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), STOP_S)
            except TimeoutError:
                proc.kill()
                await asyncio.wait_for(proc.wait(), 5)
