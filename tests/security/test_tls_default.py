"""``swan-server serve`` speaks TLS by default: a studio CA made on first start, kept after."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import subprocess
from pathlib import Path

from websockets.asyncio.client import connect

from swan_desktop.server import studio_pki
from tests.server.support import CLI, WsClient
from tests.support.tls import client_context


async def _serve_once(db: Path) -> tuple[str, str, str]:
    """Start ``serve`` with no TLS flags, sign in over what it prints; (url, CA path, fingerprint)."""
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", "--db", str(db), "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        assert proc.stdout is not None
        lines = [(await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip() for _ in range(3)]
        url = lines[0].rsplit(" ", 1)[1]
        ca = lines[1].split(": ", 1)[1]
        fingerprint = lines[2].split(": ", 1)[1]
        async with connect(url, ssl=client_context(Path(ca)), open_timeout=10) as ws:
            await WsClient(ws).ok("authenticate", {"username": "vic", "password": "vic-secret"})
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 20)
    return url, ca, fingerprint


async def test_serve_makes_a_studio_ca_on_first_start_and_keeps_it(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    added = subprocess.run([*CLI, "user", "add", "vic", "--role", "viewer", "--db", str(db)],
                           input="vic-secret\n", capture_output=True, text=True, timeout=60, check=False)
    assert added.returncode == 0, added.stderr
    url, ca, fingerprint = await _serve_once(db)
    assert url.startswith("wss://127.0.0.1:")
    assert Path(ca).parent == tmp_path / "studio-tls" and len(fingerprint.split(":")) == 32
    for key in ("studio-ca.key", "server.key"):
        assert stat.S_IMODE((tmp_path / "studio-tls" / key).stat().st_mode) == 0o600
    again = await _serve_once(db)
    assert again[2] == fingerprint  # the desktops' trust stays valid across restarts


def test_tls_fingerprint_prints_what_serve_printed_for_staff_to_compare(tmp_path: Path) -> None:
    db = tmp_path / "studio.db"
    missing = subprocess.run([*CLI, "tls", "fingerprint", "--db", str(db)],
                             capture_output=True, text=True, timeout=60, check=False)
    assert missing.returncode == 1 and "serve --tls auto makes it" in missing.stderr
    made = studio_pki.ensure(db)  # what serve --tls auto does on its first start
    shown = subprocess.run([*CLI, "tls", "fingerprint", "--db", str(db)],
                           capture_output=True, text=True, timeout=60, check=False)
    assert shown.returncode == 0, shown.stderr
    assert f"studio CA SHA-256 fingerprint: {made.fingerprint}" in shown.stdout
