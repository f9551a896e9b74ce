"""The one module that owns every path the app writes to, and where its shipped resources are.

``SWAN_DATA_DIR`` overrides the user's data folder (tests and portable installs);
``SWAN_RESOURCES`` the resources folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "swan-desktop"


def resource_root() -> Path:
    """The shipped resources (icons, styles, sounds): ``SWAN_RESOURCES``, else the frozen bundle's
    ``resources`` under ``sys._MEIPASS``, else ``<repo>/resources``."""
    override = os.environ.get("SWAN_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


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
