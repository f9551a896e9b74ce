"""``--log-level DEBUG`` writes neither passwords nor tokens."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from pathlib import Path

from websockets.asyncio.client import connect

from tests.server.support import CLI, WsClient

PASSWORD = "correct-horse-battery-staple"


async def test_a_sign_in_at_debug_level_logs_no_password_or_token(tmp_path: Path) -> None:
    db, log = tmp_path / "debug.db", tmp_path / "server.log"
    added = subprocess.run([*CLI, "user", "add", "zoe", "--role", "viewer", "--db", str(db)],
                           input=PASSWORD + "\n", capture_output=True, text=True, timeout=60, check=False)
    assert added.returncode == 0, added.stderr
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            *CLI, "serve", "--db", str(db), "--port", "0", "--log-level", "DEBUG", "--tls", "off",
            stdout=asyncio.subprocess.PIPE, stderr=err, env=env)
        try:
            assert proc.stdout is not None
            line = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode().strip()
            url = line.rsplit(" ", 1)[1]
            async with connect(url) as ws:
                client = WsClient(ws)
                # Short frames, the secret first: the frame logger shows frames of up to 75 characters.
                await client.send_raw(json.dumps({"data": {"password": PASSWORD + "-typo", "username": "zoe"},
                                                  "type": "authenticate", "id": "a"}))
                assert (await client.reply_to("a"))["ok"] is False
                await client.send_raw(json.dumps({"data": {"password": PASSWORD, "username": "zoe"},
                                                  "type": "authenticate", "id": "b"}))
                token = (await client.reply_to("b"))["data"]["token"]
                await client.send_raw(json.dumps({"data": {"token": token}, "type": "authenticate",
                                                  "id": "c"}))
                assert (await client.reply_to("c"))["ok"] is True
                await client.ok("auth.logout")
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 20)
    text = log.read_text()
    assert " DEBUG " in text  # the server did log at DEBUG
    # The frame logger shortens long frames in the middle: look for any 8 characters of a secret.
    for secret in (PASSWORD, token):
        assert not any(secret[i:i + 8] in text for i in range(len(secret) - 7)), secret
