"""Fixtures for the administration widget tests: the app's light theme for every test. The real
server with no studio yet (``empty_server``) and its signed-in desktops (``on_empty``) come
from tests/support/fixtures.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.qt.theme import apply_theme


@pytest.fixture(autouse=True)
def light_theme() -> Iterator[None]:
    """The app's own look (error labels in red), undone afterwards."""
    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")
