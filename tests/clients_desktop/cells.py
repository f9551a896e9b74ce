"""Reading what a table widget shows, for assertions."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget


def cell(table: QTableWidget, row: int, column: int) -> str:
    """The text shown at (row, column); "" for an empty cell."""
    item = table.item(row, column)
    return item.text() if item is not None else ""
