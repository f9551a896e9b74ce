"""Fixtures for the clients widget tests: an in-memory studio (``fake_clients``) and a
desktop attached to it (its stores follow the studio's events)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.qt.theme import apply_theme

from .fake_clients import Desktop, FakeClients


@pytest.fixture
def studio() -> FakeClients:
    return FakeClients()


@pytest.fixture
def desk(studio: FakeClients) -> Desktop:
    return studio.attach()


@pytest.fixture(autouse=True)
def light_theme() -> Iterator[None]:
    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")
