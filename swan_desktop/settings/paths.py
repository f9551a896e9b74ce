"""The one module that owns every path the app writes to.

``SWAN_DATA_DIR`` overrides the user's data folder (tests and portable installs).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "swan-desktop"


def data_dir() -> Path:
    override = os.environ.get("SWAN_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def embedded_db_path() -> Path:
    return data_dir() / "studio.sqlite3"


def outbox_dir() -> Path:
    """Where changes wait until the server has them (one SQLite file per server and user)."""
    path = data_dir() / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    return data_dir() / "settings.json"
