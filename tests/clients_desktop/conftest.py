"""Fixtures for the clients widget tests: a real server with no studio yet (``empty_server``)
and its signed-in desktops (``on_server``), each with its own outbox folder as a separate PC."""

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
    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")


@pytest.fixture
async def on_server(empty_server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[SignIn]:
    async with desktops(empty_server.url, tmp_path / "pcs") as open_desktop:
        yield open_desktop
