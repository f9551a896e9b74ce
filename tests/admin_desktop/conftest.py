"""Fixtures for the administration widget tests: an in-memory studio (``fake_studio``)
and helpers to find and answer the dialogs a page opens with ``open()``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from swan_desktop.qt.theme import apply_theme

from .fake_studio import FakeStudio


@pytest.fixture
def studio() -> FakeStudio:
    return FakeStudio()


@pytest.fixture(autouse=True)
def light_theme() -> Iterator[None]:
    """The app's own look (error labels in red), undone afterwards."""
    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")
