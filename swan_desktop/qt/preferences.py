"""Desktop preferences kept in QSettings (INI format, organisation "Swan",
application "Swan Desktop"), typed and validated by ``settings/schema.py``.

``changed(name, value)`` fires after every accepted change so whatever depends on
a preference (theme, autostart, the tray) applies it at once. Tests point
QSettings at a temporary folder with ``QSettings.setPath``.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

from ..settings import schema

log = logging.getLogger(__name__)

ORGANIZATION = "Swan"
APPLICATION = "Swan Desktop"


def open_qsettings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


class Preferences(QObject):
    """Typed get/set over QSettings; invalid values are refused with a message, never stored."""

    changed = Signal(str, object)

    def __init__(self, store: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store if store is not None else open_qsettings()

    def get(self, name: str) -> Any:
        key = schema.key(name)
        raw = self.store.value(name, None)
        if raw is None:
            return key.default
        try:
            return key.coerce(raw)
        except schema.InvalidSetting:
            log.warning("preference %s holds an unusable value; using the default", name)
            return key.default

    def set(self, name: str, value: Any) -> None:
        """Validate and store; raises :class:`schema.InvalidSetting` with a message for the user."""
        value = schema.key(name).coerce(value)
        if self.store.contains(name) and self.get(name) == value:
            return
        self.store.setValue(name, value)
        self.store.sync()
        self.changed.emit(name, value)

    # -- opaque blobs (window geometry) ------------------------------------------
    def blob(self, name: str) -> QByteArray | None:
        raw = self.store.value(name, None)
        return raw if isinstance(raw, QByteArray) and not raw.isEmpty() else None

    def set_blob(self, name: str, value: QByteArray) -> None:
        self.store.setValue(name, value)
        self.store.sync()
