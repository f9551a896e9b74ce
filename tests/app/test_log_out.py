"""A desktop log-out sends SIGTERM: the real app, signed in to a real server with a remembered
sign-in (a real GNOME Keyring), quits as File ▸ Quit does — the offline copy is written — and
exits 0."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest

from swan_desktop.core import offline_cache
from swan_desktop.settings import secrets
from swan_desktop.settings.config import Settings
from tests.support.server import start_server
from tests.support.session_bus import secret_service, session_bus

pytestmark = pytest.mark.skipif(
    shutil.which("gnome-keyring-daemon") is None or shutil.which("dbus-daemon") is None,
    reason="needs gnome-keyring-daemon and dbus-daemon (apt gnome-keyring dbus; .ci/system-deps.sh)")


def wait_for_line(proc: subprocess.Popen[str], log: Path, text: str, limit_s: float = 60.0) -> None:
    """Until the app's log has ``text``; fails at once if the app ends first."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text("utf-8", errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"the app ended ({proc.returncode}) before '{text}': {proc.stderr}")
        time.sleep(0.1)
    raise AssertionError(f"no '{text}' in {log} within {limit_s:.0f} s")


@pytest.mark.timeout(150)
def test_sigterm_quits_like_file_quit_writes_the_offline_copy_and_exits_0(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    server = start_server(tmp_path / "studio.sqlite3")
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    monkeypatch.setenv("SWAN_DATA_DIR", str(data))
    try:
        with session_bus(tmp_path) as address, secret_service(tmp_path, address):
            keyring.set_keyring(SecretServiceKeyring())
            token = server.issue_local_token("ana")["token"]
            assert secrets.save_token(server.url, "ana", token)  # "Remember me" was ticked
            Settings(server_url=server.url, last_username="ana").save()
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DBUS_SESSION_BUS_ADDRESS=address,
                       PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")
            proc = subprocess.Popen([sys.executable, "-m", "swan_desktop.qt.app"], env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            log = data / "logs" / "swan-desktop.log"
            try:
                wait_for_line(proc, log, "schedule shown:")
                copy = offline_cache.cache_path(data / "outbox", server.url, "ana")
                assert not copy.exists()
                proc.send_signal(signal.SIGTERM)
                _, err = proc.communicate(timeout=60)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            assert proc.returncode == 0, err
            assert "signal SIGTERM: quitting as File ▸ Quit does" in log.read_text("utf-8")
            snapshot = offline_cache.load(data / "outbox", server.url, "ana")
            assert snapshot is not None and snapshot.sessions  # the orderly quit kept the copy
            assert "Traceback" not in err
    finally:
        server.stop()
