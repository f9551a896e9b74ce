"""A time zone picked by city: "Lisbon — Europe (UTC+00:00)", searchable by any part.

Typing "lisb", "new york" or "europe" narrows the list; the chosen zone is kept
as its IANA name (``zone()``), which is what the server stores. An IANA name
typed in full is taken as it is.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from functools import cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
           "Indian", "Pacific")
SERVER_ZONE = "The server's own time zone"


def _offset(name: str) -> str:
    delta = datetime.now(UTC).astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def city_label(name: str) -> str:
    """"Europe/Lisbon" → "Lisbon — Europe (UTC+00:00)"; "America/Argentina/Salta" → "Salta —
    America / Argentina (UTC−03:00)"."""
    parts = name.split("/")
    city = parts[-1].replace("_", " ")
    region = " / ".join(p.replace("_", " ") for p in parts[:-1])
    offset = _offset(name)
    return f"{city} — {region} ({offset})" if region else f"{city} ({offset})"


@cache
def city_zones() -> list[tuple[str, str]]:
    """(label, IANA name) of every city zone this machine knows, by city, plus UTC."""
    names = [n for n in zoneinfo.available_timezones() if n.split("/")[0] in REGIONS and "/" in n]
    rows = sorted(((city_label(n), n) for n in names), key=lambda r: r[0].lower())
    return [(city_label("UTC"), "UTC"), *rows]


class ZonePicker(QComboBox):
    """Signals: ``zoneChosen(str)`` with the IANA name ("" for the server's own zone)."""

    zoneChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self.addItem(SERVER_ZONE, "")
        for label, name in city_zones():
            self.addItem(label, name)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type a city, e.g. Lisbon or New York")
        line.setClearButtonEnabled(True)
        line.editingFinished.connect(lambda: self.zoneChosen.emit(self.zone()))
        self.activated.connect(lambda _i: self.zoneChosen.emit(self.zone()))

    def zone(self) -> str:
        """The IANA name of what is shown; typed text that names no city is returned as typed."""
        text = self.currentText().strip()
        if not text or text == SERVER_ZONE:
            return ""
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.itemData(index) or "")
        return text

    def set_zone(self, name: str) -> None:
        index = self.findData(name)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            self.setEditText(name)
