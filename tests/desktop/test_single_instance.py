"""One copy per user: a second start hands its arguments to the first, which
comes to the front; a socket left behind by a crashed copy is cleaned up."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from pathlib import Path

from PySide6.QtCore import QDir

from swan_desktop.qt.single_instance import InstanceServer, claim, default_name, hand_over
from tests.support.qt import next_emission

SECOND_COPY = """
import sys
from PySide6.QtCore import QCoreApplication
from swan_desktop.qt.single_instance import hand_over
app = QCoreApplication([])
sys.exit(0 if hand_over(sys.argv[1], sys.argv[2:]) else 3)
"""


def unique_name() -> str:
    return f"swan-test-{uuid.uuid4().hex[:12]}"


async def test_a_second_start_hands_its_arguments_to_the_first() -> None:
    name = unique_name()
    first = InstanceServer(name)
    assert first.listen()
    try:
        # The second copy is a real separate process (blocking sockets, its own Qt app).
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SECOND_COPY, name, "--server", "ws://studio:8765/",
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        (argv,) = await next_emission(first.argumentsReceived, timeout=20)
        assert argv == ["--server", "ws://studio:8765/"]
        assert await asyncio.wait_for(proc.wait(), 20) == 0  # told "ok": it exits
    finally:
        first.close()


def test_with_no_copy_running_the_start_becomes_the_first(qapp) -> None:
    name = unique_name()
    assert hand_over(name, ["--minimized"]) is False
    server = claim(["--minimized"], name)
    assert server is not None and server.server.isListening()
    server.close()


async def test_a_stale_socket_left_by_a_crash_is_cleaned_up_and_the_new_copy_answers() -> None:
    name = unique_name()
    path = Path(QDir.tempPath()) / name
    # What a crashed copy leaves: a socket file nobody listens on.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()
    assert path.exists()
    server = claim(["--minimized"], name)
    try:
        assert server is not None and server.server.isListening()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-c", SECOND_COPY, name, "--minimized",
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        (argv,) = await next_emission(server.argumentsReceived, timeout=20)
        assert argv == ["--minimized"]
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if server is not None:
            server.close()
        path.unlink(missing_ok=True)


def test_the_name_is_per_data_folder(monkeypatch, tmp_path) -> None:
    first = default_name()
    monkeypatch.setenv("SWAN_DATA_DIR", str(tmp_path / "other"))
    assert default_name() != first
