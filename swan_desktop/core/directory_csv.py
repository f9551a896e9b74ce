"""CSV files of trainers, rooms and session types: export, and an import that is
checked here first, row by row, before ``directory.import`` sends it all at once.

One file holds one table. The header names the columns (any order; ``name`` is
required, the rest optional); an ``active`` column, as exports write it, is
read and ignored. Nothing is sent while any row has a problem, and the server
takes the whole file or none of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from ..domain.block_contrast import is_hex_color, readable
from .directory import Directory

TABLES = ("trainers", "rooms", "session_types")
COLUMNS: dict[str, tuple[str, ...]] = {
    "trainers": ("name", "color", "specialties"),
    "rooms": ("name", "capacity", "sessions_at_once"),
    "session_types": ("name", "duration_min", "color", "credits", "capacity"),
}
TITLES = {"trainers": "trainers", "rooms": "rooms", "session_types": "session types"}
IGNORED = frozenset({"active", "id"})
#: The most people a room, or clients a session, holds (the server's limit).
MOST_HELD = 1000
#: The most sessions a room holds at the same time (the server's limit).
MOST_AT_ONCE = 50


@dataclass
class PreviewRow:
    """One data row of the file: what it says, what would be sent, and its problems by column."""

    line: int                                  # the file's line number (the header is line 1)
    cells: dict[str, str]
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def problem(self) -> str:
        return "; ".join(f"{col}: {msg}" if col != "row" else msg for col, msg in self.errors.items())


@dataclass
class Preview:
    table: str
    columns: tuple[str, ...]
    rows: list[PreviewRow]
    problem: str = ""                          # the file as a whole (no name column, unknown columns …)

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.rows) and all(r.ok for r in self.rows)

    def values(self) -> list[dict[str, Any]]:
        return [r.values for r in self.rows]


def export_csv(table: str, directory: Directory) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS[table], "active"])
    if table == "trainers":
        for t in directory.all_trainers():
            writer.writerow([t.name, t.color, ", ".join(t.specialties), _yes(t.active)])
    elif table == "rooms":
        for r in sorted(directory.locations, key=lambda r: r.name.lower()):
            writer.writerow([r.name, r.capacity, r.sessions_at_once, _yes(r.active)])
    else:
        for s in sorted(directory.session_types.values(), key=lambda s: s.name.lower()):
            writer.writerow([s.name, s.duration_min, s.color, s.credits, s.capacity, _yes(s.active)])
    return out.getvalue()


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def parse_csv(table: str, text: str, directory: Directory) -> Preview:
    """Read and check a file for ``table``; every row's problems are named."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return Preview(table, COLUMNS[table], [], "The file is empty.")
    except csv.Error as exc:
        return Preview(table, COLUMNS[table], [], f"Not a CSV file: {exc}")
    allowed = set(COLUMNS[table])
    unknown = [h for h in header if h and h not in allowed and h not in IGNORED]
    columns = tuple(h for h in header if h in allowed)
    if "name" not in header:
        return Preview(table, columns or COLUMNS[table], [],
                       f"The first line must name the columns, with at least “name” "
                       f"(possible: {', '.join(COLUMNS[table])}).")
    if unknown:
        return Preview(table, columns, [], f"Unknown column{'s' if len(unknown) > 1 else ''} "
                       f"{', '.join(unknown)} (possible: {', '.join(COLUMNS[table])}).")
    known = _existing_names(table, directory)
    seen: dict[str, int] = {}
    rows: list[PreviewRow] = []
    try:
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            cells = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)
                     if h in allowed}
            row = PreviewRow(number, cells, {})
            _check(table, row)
            name = cells.get("name", "").lower()
            if name and name in known:
                row.errors.setdefault("name", "already exists")
            elif name and name in seen:
                row.errors.setdefault("name", f"also on line {seen[name]}")
            seen.setdefault(name, number)
            rows.append(row)
    except csv.Error as exc:
        return Preview(table, columns, rows, f"The file could not be read past line {reader.line_num}: {exc}")
    if not rows:
        return Preview(table, columns, [], "The file has a header but no rows.")
    return Preview(table, columns, rows)


def _existing_names(table: str, directory: Directory) -> set[str]:
    if table == "trainers":
        return {t.name.lower() for t in directory.trainers.values()}
    if table == "rooms":
        return {r.name.lower() for r in directory.locations}
    return {s.name.lower() for s in directory.session_types.values()}


def _check(table: str, row: PreviewRow) -> None:
    cells, values, errors = row.cells, row.values, row.errors
    name = cells.get("name", "")
    if not name:
        errors["name"] = "a name is needed"
    values["name"] = name
    color = cells.get("color", "")
    if color:
        if not is_hex_color(color):
            errors["color"] = "write colours as #rrggbb"
        elif readable(color) is None:
            errors["color"] = "session text would be hard to read on it (below 4.5:1)"
        values["color"] = color.lower()
    if table == "trainers" and cells.get("specialties"):
        values["specialties"] = [s.strip() for s in cells["specialties"].replace(";", ",").split(",")
                                 if s.strip()]
    if table == "rooms":
        _number(cells, values, errors, "capacity", 1, MOST_HELD,
                f"a whole number of people, from 1 to {MOST_HELD}")
        _number(cells, values, errors, "sessions_at_once", 1, MOST_AT_ONCE,
                f"sessions at the same time, from 1 to {MOST_AT_ONCE}")
    if table == "session_types":
        _number(cells, values, errors, "duration_min", 5, 24 * 60, "minutes, from 5 to 1440")
        _number(cells, values, errors, "credits", 0, 100, "a whole number from 0 to 100")
        _number(cells, values, errors, "capacity", 1, MOST_HELD, f"clients a session, from 1 to {MOST_HELD}")


def _number(cells: dict[str, str], values: dict[str, Any], errors: dict[str, str], column: str,
            low: int, high: int, words: str) -> None:
    text = cells.get(column, "")
    if not text:
        return
    try:
        number = int(text)
    except ValueError:
        errors[column] = words
        return
    if not low <= number <= high:
        errors[column] = words
    values[column] = number


def apply_server_rows(preview: Preview, rows: list[tuple[str, int, str, str]]) -> int:
    """Put the server's per-row refusals ``(table, row, field, message)`` on the preview's rows."""
    placed = 0
    for table, index, column, message in rows:
        if table == preview.table and 0 <= index < len(preview.rows):
            preview.rows[index].errors[column or "row"] = message
            placed += 1
    return placed
