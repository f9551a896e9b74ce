"""Fixtures for the clients widget tests: the app's light theme, and ``on_server``, this folder's
name for ``on_empty`` (a real server with no studio yet and its signed-in desktops, each with
its own outbox folder as a separate PC; tests/support/fixtures.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.qt.theme import apply_theme
from tests.support.desktops import SignIn


@pytest.fixture(autouse=True)
def light_theme() -> Iterator[None]:
    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")


@pytest.fixture
def on_server(on_empty: SignIn) -> SignIn:
    """This folder's name for ``on_empty`` (tests/support/fixtures.py)."""
    return on_empty
