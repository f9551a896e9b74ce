"""A real GNOME Keyring (Secret Service) on a private session bus: remembered when unlocked; when
locked, the sign-in dialog says so, as it does when there is no keyring, and nothing is tried."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.settings import secrets
from tests.support.session_bus import secret_service, session_bus

pytestmark = pytest.mark.skipif(
    shutil.which("gnome-keyring-daemon") is None or shutil.which("dbus-daemon") is None,
    reason="needs gnome-keyring-daemon and dbus-daemon (apt gnome-keyring dbus; .ci/system-deps.sh)")


@pytest.fixture
def login_collection(tmp_path: Path) -> Iterator[Any]:
    """An unlocked login keyring on a bus of its own, with keyring's Secret Service backend."""
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    with session_bus(tmp_path) as address, secret_service(tmp_path, address) as collection:
        keyring.set_keyring(SecretServiceKeyring())
        yield collection


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
