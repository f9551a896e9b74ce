"""The embedded server in its own process: it hands its address and a token to the desktop
over a pipe, only that token signs in, and it never outlives the desktop — whether the
desktop quits, closes the pipe, or is killed outright."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from websockets.asyncio.client import connect

from swan_desktop.server.embedded_process import EmbeddedProcess, EmbeddedServerFailed, child_command
from tests.support.server import WsClient

GONE_WITHIN_S = 30.0  # a bound for the wait, not a measurement


def wait_gone(pid: int, limit_s: float = GONE_WITHIN_S) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} is still running {limit_s:.0f} s later")


@pytest.fixture
def child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmbeddedProcess]:
    monkeypatch.setenv("SWAN_DATA_DIR", str(tmp_path))
    proc = EmbeddedProcess(tmp_path / "studio.sqlite3", log=tmp_path / "embedded-server.log")
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


async def test_the_handed_over_token_signs_in_as_the_local_admin_and_a_wrong_one_is_refused(
        child: EmbeddedProcess) -> None:
    grant = child.handover()
    assert grant.url.startswith("ws://127.0.0.1:") and grant.token
    async with connect(grant.url, open_timeout=10) as ws:
        client = WsClient(ws)
        refused = await client.error("authenticate", {"token": grant.token[:-4] + "xxxx"})
        assert refused["code"] == "unauthorized", refused
        no_password = await client.error("authenticate", {"username": "admin", "password": ""})
        assert no_password["code"] == "unauthorized", no_password  # the local admin has no password
        auth = await client.ok("authenticate", {"token": grant.token})
        assert auth["user"]["role"] == "admin"
        synced = await client.ok("sync", {})
        assert synced  # the demo studio is served


def test_closing_the_pipe_stops_the_child_in_order(child: EmbeddedProcess, tmp_path: Path) -> None:
    child.handover()
    assert child.stop() == 0
    log = (tmp_path / "embedded-server.log").read_text("utf-8")
    assert "the desktop has gone: stopping" in log and "server closed" in log


def test_the_token_never_appears_on_the_command_line(child: EmbeddedProcess) -> None:
    grant = child.handover()
    assert child.pid is not None
    assert not any(grant.token in part for part in psutil.Process(child.pid).cmdline())


def test_a_child_that_cannot_start_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWAN_DATA_DIR", str(tmp_path))
    not_ours = tmp_path / "notes.sqlite3"
    import sqlite3

    with sqlite3.connect(not_ours) as db:
        db.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
    proc = EmbeddedProcess(not_ours, log=tmp_path / "embedded-server.log")
    proc.start()
    with pytest.raises(EmbeddedServerFailed, match="not a Swan server database"):
        proc.handover()
    assert proc.stop() == 1


def test_the_child_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    """A parent that dies without a word (here: SIGKILL) still stops its child: the pipe closes."""
    parent_code = (
        "import json, sys\n"
        "from swan_desktop.server.embedded_process import EmbeddedProcess\n"
        f"p = EmbeddedProcess({str(tmp_path / 'studio.sqlite3')!r}, log={str(tmp_path / 'server.log')!r})\n"
        "p.start()\n"
        "p.handover()\n"
        "print(json.dumps({'child': p.pid}), flush=True)\n"
        "sys.stdin.read()\n"
    )
    env = dict(os.environ, SWAN_DATA_DIR=str(tmp_path))
    parent = subprocess.Popen([sys.executable, "-c", parent_code], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        assert line, "the parent ended before its child listened"
        pid = json.loads(line)["child"]
        assert psutil.pid_exists(pid)
        parent.send_signal(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        parent.wait(30)
        wait_gone(pid)
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.communicate()
    log = (tmp_path / "server.log").read_text("utf-8")
    assert "the desktop has gone: stopping" in log  # in order, not killed in turn


def test_the_frozen_bundle_runs_the_child_with_its_own_executable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    command = child_command("/data/studio.sqlite3", log="/data/logs/embedded-server.log")
    assert command == [sys.executable, "--embedded-server", "--db", "/data/studio.sqlite3",
                       "--log", "/data/logs/embedded-server.log"]
    launch = (Path(__file__).resolve().parents[2] / "packaging" / "launch.py").read_text("utf-8")
    assert "FROZEN_FLAG" in launch and "embedded_child import main" in launch


def _child_pid(log: Path) -> int | None:
    for line in log.read_text("utf-8", errors="replace").splitlines():
        if "the embedded demo studio, process " in line:
            return int(line.rsplit("process ", 1)[1].rstrip(")"))
    return None


@pytest.mark.timeout(150)
def test_killing_the_desktop_stops_its_embedded_server(tmp_path: Path) -> None:
    """The real app on the embedded default, killed (SIGKILL: no clean-up of its own runs)."""
    env = dict(os.environ, SWAN_DATA_DIR=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    app = subprocess.Popen([sys.executable, "-m", "swan_desktop.qt.app"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    log = tmp_path / "logs" / "swan-desktop.log"
    try:
        deadline = time.monotonic() + 90
        while not (log.exists() and "schedule shown:" in log.read_text("utf-8", errors="replace")):
            assert app.poll() is None, f"the app ended ({app.returncode}) before showing the schedule"
            assert time.monotonic() < deadline, "the schedule was not shown within 90 s"
            time.sleep(0.1)
        pid = _child_pid(log)
        assert pid is not None and psutil.pid_exists(pid)
        app.kill()
        app.wait(30)
        wait_gone(pid)
    finally:
        if app.poll() is None:
            app.kill()
        app.communicate()
