"""Thin table models for the Administration pages (rows come from the stores)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ...core.accounts import Account
from ...core.hours_text import WEEKDAYS
from ...protocol.entities import Location, SessionType, Trainer
from ..models.row_table import Index, RowTableModel
from .places import places_words

DISPLAY = Qt.ItemDataRole.DisplayRole
DECORATION = Qt.ItemDataRole.DecorationRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
ARCHIVED = QColor("#6b7480")
ROLE_WORDS = {"admin": "Administrator", "trainer": "Trainer", "viewer": "Front desk (viewer)"}


def status_words(active: bool) -> str:
    return "In use" if active else "Archived"


def hours_summary(hours: tuple[tuple[int, str, str], ...]) -> str:
    if not hours:
        return "Not set (any time)"
    days = sorted({w for w, _s, _e in hours})
    return ", ".join(WEEKDAYS[d][:3] for d in days)


class _Model(RowTableModel[Any]):
    columns: tuple[tuple[str, Callable[[Any], Any]], ...] = ()
    color_column = -1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = [title for title, _fn in self.columns]

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        row = self.cell_row(index)
        if row is None:
            return None
        if role == DISPLAY:
            return self.columns[index.column()][1](row)
        if role == DECORATION and index.column() == self.color_column:
            return QColor(row.color)
        if role == FOREGROUND and not getattr(row, "active", True):
            return ARCHIVED
        return None


class TrainerModel(_Model):
    color_column = 1

    def __init__(self, account_name: Callable[[int | None], str], parent: Any = None) -> None:
        self.columns = (
            ("Name", lambda t: t.name),
            ("Colour", lambda t: t.color),
            ("Specialties", lambda t: ", ".join(t.specialties)),
            ("Working days", lambda t: hours_summary(t.hours)),
            ("Time off", lambda t: f"{len(t.time_off)} planned" if t.time_off else ""),
            ("Staff account", lambda t: account_name(t.user_id)),
            ("Status", lambda t: status_words(t.active)),
        )
        super().__init__(parent)

    def row_of(self, row: int) -> Trainer | None:
        found = self.row(row)
        return found if isinstance(found, Trainer) else None


class RoomModel(_Model):
    columns = (
        ("Name", lambda r: r.name),
        ("Capacity", lambda r: f"{r.capacity} {'person' if r.capacity == 1 else 'people'}"),
        ("At once", lambda r: "1 session" if r.sessions_at_once == 1 else f"{r.sessions_at_once} sessions"),
        ("Status", lambda r: status_words(r.active)),
    )

    def row_of(self, row: int) -> Location | None:
        found = self.row(row)
        return found if isinstance(found, Location) else None


class TypeModel(_Model):
    color_column = 2
    columns = (
        ("Name", lambda t: t.name),
        ("Duration", lambda t: f"{t.duration_min} min"),
        ("Colour", lambda t: t.color),
        ("Credits", lambda t: str(t.credits)),
        ("Clients", lambda t: places_words(t.capacity)),
        ("Status", lambda t: status_words(t.active)),
    )

    def row_of(self, row: int) -> SessionType | None:
        found = self.row(row)
        return found if isinstance(found, SessionType) else None


class AccountModel(_Model):
    def __init__(self, trainer_name: Callable[[int | None], str], parent: Any = None) -> None:
        self.columns = (
            ("Name", lambda a: a.name),
            ("User name", lambda a: a.username),
            ("Role", lambda a: ROLE_WORDS.get(a.role, a.role)),
            ("Trainer", lambda a: trainer_name(a.trainer_id)),
            ("Status", lambda a: "Active" if a.active else "Deactivated"),
        )
        super().__init__(parent)

    def row_of(self, row: int) -> Account | None:
        found = self.row(row)
        return found if isinstance(found, Account) else None
