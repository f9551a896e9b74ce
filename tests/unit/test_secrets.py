"""Tokens go to the OS keyring or nowhere: never to a file."""

from __future__ import annotations

from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as FailKeyring

from swan_desktop.settings import secrets


def test_token_round_trips_through_the_keyring(memory_keyring) -> None:
    assert secrets.save_token("ws://studio:8765/", "ana", "tok-123")
    assert secrets.load_token("ws://studio:8765/", "ana") == "tok-123"
    assert ("swan-desktop", "ana@ws://studio:8765/") in memory_keyring.store
    secrets.forget_token("ws://studio:8765/", "ana")
    assert secrets.load_token("ws://studio:8765/", "ana") is None


def test_without_a_keyring_nothing_is_remembered_and_nothing_is_written(data_dir: Path) -> None:
    keyring.set_keyring(FailKeyring())
    assert not secrets.keyring_available()
    assert secrets.save_token("ws://studio:8765/", "ana", "tok-123") is False
    assert secrets.load_token("ws://studio:8765/", "ana") is None
    written = [p for p in data_dir.rglob("*") if p.is_file() and b"tok-123" in p.read_bytes()]
    assert written == []
