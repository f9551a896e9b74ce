"""A searchable list of IANA time zones with their city names ("Europe/Berlin — Berlin").

Typing filters by zone or city, in any case; the current zone stays selected
while it matches.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

ZONE_ROLE = Qt.ItemDataRole.UserRole


#: The regions of canonical IANA names (old aliases such as Canada/Pacific are left out).
REGIONS = ("Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/", "Europe/",
           "Indian/", "Pacific/")


def city_of(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def zone_entries() -> tuple[tuple[str, str], ...]:
    """(zone, "Zone — City") for every zone this machine knows, in name order."""
    names = sorted(z for z in zoneinfo.available_timezones() if z == "UTC" or z.startswith(REGIONS))
    return tuple((z, f"{z} — {city_of(z)}") for z in names)


class ZonePicker(QWidget):
    zoneChosen = Signal(str)

    def __init__(self, zone: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type a city or region, e.g. Berlin")
        self.filter.setAccessibleName("Find a time zone")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Time zones")
        self.list.setMinimumHeight(160)
        for name, label in zone_entries():
            item = QListWidgetItem(label)
            item.setData(ZONE_ROLE, name)
            self.list.addItem(item)
        self.clock = QLabel()
        self.clock.setProperty("role", "hint")
        self.clock.setAccessibleName("Time there now")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.clock)
        self.zoneChosen.connect(self._show_clock)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self._take_first)
        self.list.currentItemChanged.connect(
            lambda item, _old: self.zoneChosen.emit(item.data(ZONE_ROLE)) if item is not None else None)
        self.set_zone(zone)

    def zone(self) -> str:
        item = self.list.currentItem()
        return str(item.data(ZONE_ROLE)) if item is not None and not item.isHidden() else ""

    def _show_clock(self, zone: str) -> None:
        try:
            now = datetime.now(zoneinfo.ZoneInfo(zone))
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            self.clock.clear()
            return
        self.clock.setText(f"It is {now:%H:%M} on {now:%A} in {city_of(zone)} now. "
                           "Your town not listed? Choose the nearest city in the same country.")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        item = self.list.currentItem()
        if item is not None:  # centred once the list knows its height
            self.list.scrollToItem(item, QListWidget.ScrollHint.PositionAtCenter)

    def set_zone(self, zone: str) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(ZONE_ROLE) == zone:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item, QListWidget.ScrollHint.PositionAtCenter)
                return

    def visible_zones(self) -> list[str]:
        return [str(self.list.item(i).data(ZONE_ROLE)) for i in range(self.list.count())
                if not self.list.item(i).isHidden()]

    def _filter(self, text: str) -> None:
        needle = text.strip().lower().replace(" ", "_")
        first: QListWidgetItem | None = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hidden = bool(needle) and needle not in str(item.data(ZONE_ROLE)).lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        current = self.list.currentItem()
        if (current is None or current.isHidden()) and first is not None:
            self.list.setCurrentItem(first)

    def _take_first(self) -> None:
        visible = self.visible_zones()
        if visible and not self.zone():
            self.set_zone(visible[0])
