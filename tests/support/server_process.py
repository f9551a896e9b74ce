"""``swan-server`` as a separate process, for tests that kill or outlive it (SIGKILL, a database restart).

    proc, address = await serve(url, "--demo")     # listening on a free loopback port
    await stop(proc)                               # SIGTERM, then SIGKILL if it hangs
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

CLI = [sys.executable, "-m", "swan_desktop.server.cli"]
START_S = 30.0


async def init(url: str, admin: str, password: str) -> None:
    """``swan-server init --admin ADMIN`` on the database at ``url`` (the password given on stdin)."""
    env = dict(os.environ, SWAN_DB_URL=url)
    made = await asyncio.create_subprocess_exec(
        *CLI, "init", "--admin", admin, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL, env=env)
    await asyncio.wait_for(made.communicate(password.encode() + b"\n"), 60)
    assert made.returncode == 0


async def serve(url: str, *options: str) -> tuple[asyncio.subprocess.Process, str]:
    """``swan-server serve`` on ``url`` with ``options``; the process and its ``ws://`` address."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", SWAN_DB_URL=url)
    proc = await asyncio.create_subprocess_exec(
        *CLI, "serve", *options, "--port", "0", "--tls", "off", "--log-level", "WARNING",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    line = (await asyncio.wait_for(proc.stdout.readline(), START_S)).decode().strip()
    assert line.startswith("swan-server listening on ws://"), line
    return proc, line.rsplit(" ", 1)[1]


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            await asyncio.wait_for(proc.wait(), 5)
