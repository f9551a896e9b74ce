"""Fixtures for the administration widget tests: a real server with nothing but the test
accounts (``empty_server``), its signed-in desktops (``on_empty``), and the app's light
theme for every test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.qt.theme import apply_theme
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import SignIn, desktops


@pytest.fixture(autouse=True)
def light_theme() -> Iterator[None]:
    """The app's own look (error labels in red), undone afterwards."""
    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")


@pytest.fixture
async def on_empty(empty_server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[SignIn]:
    """``await on_empty("boss")``: a desktop signed in to ``empty_server``."""
    async with desktops(empty_server.url, tmp_path / "pcs") as open_desktop:
        yield open_desktop
