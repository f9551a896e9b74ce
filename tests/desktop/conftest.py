"""Desktop-integration fixtures: QSettings and XDG config in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp) -> Iterator[Path]:
    """XDG_CONFIG_HOME (autostart) and the QSettings INI folder, both private to the test."""
    from PySide6.QtCore import QSettings

    path = tmp_path / "config"
    path.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(path))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(path))
    yield path
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "unused"))


@pytest.fixture
def prefs(config_home: Path):
    from swan_desktop.qt.preferences import Preferences

    return Preferences()
