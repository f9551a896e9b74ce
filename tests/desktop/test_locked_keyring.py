"""A real GNOME Keyring (Secret Service) on a private session bus: remembered when unlocked; when
locked, the sign-in dialog says so, as it does when there is no keyring, and nothing is tried."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.settings import secrets
from tests.support.session_bus import session_bus

pytestmark = pytest.mark.skipif(
    shutil.which("gnome-keyring-daemon") is None or shutil.which("dbus-daemon") is None,
    reason="needs gnome-keyring-daemon and dbus-daemon (apt gnome-keyring dbus; .ci/system-deps.sh)")


@pytest.fixture
def login_collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An unlocked login keyring on a bus of its own, with keyring's Secret Service backend."""
    import secretstorage
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    with session_bus(tmp_path) as address:
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address, HOME=str(tmp_path),
                   XDG_DATA_HOME=str(tmp_path / "data"), XDG_RUNTIME_DIR=str(tmp_path))
        command = ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"]
        daemon = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, env=env)
        assert daemon.stdin is not None
        daemon.stdin.write(b"login-password")
        daemon.stdin.close()
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        connection = secretstorage.dbus_init()
        try:
            collection = _wait_for_collection(secretstorage, connection)
            keyring.set_keyring(SecretServiceKeyring())
            yield collection
        finally:
            connection.close()
            daemon.terminate()
            daemon.wait(5)


def _wait_for_collection(secretstorage: Any, connection: Any) -> Any:
    """The login collection, once the daemon has made it (it answers on the bus within moments)."""
    last: Exception | None = None
    missing = (secretstorage.exceptions.SecretServiceNotAvailableException,
               secretstorage.exceptions.ItemNotFoundException)
    for _ in range(100):
        try:
            return secretstorage.Collection(connection, secrets.DEFAULT_COLLECTION)
        except missing as exc:
            last = exc
            time.sleep(0.05)
    raise AssertionError(f"gnome-keyring did not make its login collection: {last}")


def test_an_unlocked_keyring_remembers_the_sign_in(qtbot, login_collection) -> None:
    assert not secrets.keyring_locked()
    dialog = LoginDialog("ws://studio:8765/")
    qtbot.addWidget(dialog)
    assert dialog.remember.isEnabled() and dialog.keyring_note.isHidden()
    assert secrets.save_token("ws://studio:8765/", "ana", "tok-123")
    assert secrets.load_token("ws://studio:8765/", "ana") == "tok-123"


def test_a_locked_keyring_is_said_in_the_sign_in_dialog(qtbot, login_collection) -> None:
    login_collection.lock()
    assert secrets.keyring_locked()
    dialog = LoginDialog("ws://studio:8765/")
    qtbot.addWidget(dialog)
    assert not dialog.remember.isEnabled()
    assert "keyring is locked" in dialog.keyring_note.text() and not dialog.keyring_note.isHidden()
    assert secrets.save_token("ws://studio:8765/", "ana", "tok-123") is False  # no prompt that may hang
