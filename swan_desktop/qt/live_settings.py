"""Turns preference changes into effects at once: the theme, and the start-at-login entry."""

from __future__ import annotations

import logging
from typing import Any

from ..settings import autostart
from .preferences import Preferences
from .theme import apply_theme

log = logging.getLogger(__name__)


def apply(prefs: Preferences, name: str, value: Any) -> None:
    if name == "appearance/theme":
        apply_theme(value)
    elif name == "startup/at_login":
        autostart.set_enabled(bool(value), minimized=prefs.get("startup/minimized"))
    elif name == "startup/minimized" and autostart.is_enabled():
        autostart.set_enabled(True, minimized=bool(value))


def connect(prefs: Preferences) -> None:
    """Apply the stored theme now and every later change as it happens."""
    apply_theme(prefs.get("appearance/theme"))
    prefs.changed.connect(lambda name, value: apply(prefs, name, value))
