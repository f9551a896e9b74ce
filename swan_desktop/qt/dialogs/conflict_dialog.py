"""Someone saved the session first: show theirs and mine side by side, and ask.

Under the studio's ``manual-review`` strategy ``ReviewDialog`` shows base,
theirs and mine and the user chooses per field.

The three ways out are a ``ConflictChoice``, emitted through ``chosen``;
``choose`` is what the buttons call, so tests drive it the same way.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...core.directory import Directory
from ...protocol.entities import Session, Status
from ...protocol.timefmt import parse_ts
from ..session_text import local, short_date
from ..style import DIFF_BG, status_label


class ConflictChoice(enum.Enum):
    KEEP_CURRENT = "keep_current"   # discard my changes
    OVERWRITE = "overwrite"         # resend my changes on top of the current version
    EDIT_AGAIN = "edit_again"       # back to the editor: my values over the current version


def describe_wire(d: dict[str, Any], directory: Directory) -> dict[str, str]:
    """Display strings for the fields a person compares, from a wire session dict."""
    start = local(parse_ts(d["start"], "start"), directory.zone)
    end = local(parse_ts(d["end"], "end"), directory.zone)
    client = str(d.get("client_name") or "")
    if not client and d.get("client_id") in directory.clients:
        client = directory.clients[d["client_id"]].name
    try:
        status = status_label(Status(d.get("status", "scheduled")))
    except ValueError:
        status = str(d.get("status"))
    return {
        "When": f"{short_date(start.date())}, {start:%H:%M}–{end:%H:%M}",
        "Trainer": directory.trainer_name(int(d["trainer_id"])) if d.get("trainer_id") else "—",
        "Client": client or "—",
        "Location": str(d.get("location") or "—"),
        "Type": directory.type_name(d.get("session_type_id")) or "—",
        "Status": status,
        "Notes": str(d.get("notes") or "—"),
        "Cancel reason": str(d.get("cancel_reason") or "—"),
    }


class ConflictDialog(QDialog):
    """Current (saved) version against mine, with differing fields highlighted."""

    chosen = Signal(object)  # ConflictChoice

    def __init__(self, current: Session, mine: dict[str, Any], directory: Directory, saved_by: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else changed this session")
        self.setAccessibleName("Version conflict")
        self.current = current
        self.mine = dict(mine)
        theirs_text = describe_wire(current.to_wire(), directory)
        mine_text = describe_wire({**current.to_wire(), **mine}, directory)
        self.differing = [k for k in theirs_text if theirs_text[k] != mine_text[k]]
        when = f" at {local(current.updated_at):%H:%M}" if current.updated_at else ""

        intro = QLabel(f"{saved_by} saved this session while you were editing it. "
                       "Choose which version to keep; differences are highlighted.")
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        heads = ("", f"Current (saved by {saved_by}{when})", "Yours")
        self.headings: list[QLabel] = []
        for col, text in enumerate(heads):
            head = QLabel(text)
            head.setStyleSheet("font-weight: 600; color: #25313d;")
            grid.addWidget(head, 0, col)
            self.headings.append(head)
        self.current_heading = self.headings[1]
        self.cells: dict[str, tuple[QLabel, QLabel]] = {}
        for row, key in enumerate(theirs_text, start=1):
            name = QLabel(key)
            name.setStyleSheet("color: #5f6b7a;")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            cells = (QLabel(theirs_text[key]), QLabel(mine_text[key]))
            for col, cell in enumerate(cells, start=1):
                cell.setWordWrap(True)
                cell.setMinimumWidth(220)
                if key in self.differing:
                    cell.setStyleSheet(f"background: {DIFF_BG.name()}; font-weight: 600;"
                                       "padding: 2px 4px; border-radius: 3px;")
                else:
                    cell.setStyleSheet("padding: 2px 4px;")
                grid.addWidget(cell, row, col)
            grid.addWidget(name, row, 0)
            self.cells[key] = cells

        self.keep_button = QPushButton("Keep current")
        self.keep_button.setToolTip("Discard your changes and keep the saved version")
        self.overwrite_button = QPushButton("Overwrite with mine")
        self.overwrite_button.setToolTip("Save your changes on top of the current version")
        self.edit_button = QPushButton("Edit again")
        self.edit_button.setToolTip("Back to the editor with your values over the current version")
        self.edit_button.setDefault(True)
        self.keep_button.clicked.connect(lambda: self.choose(ConflictChoice.KEEP_CURRENT))
        self.overwrite_button.clicked.connect(lambda: self.choose(ConflictChoice.OVERWRITE))
        self.edit_button.clicked.connect(lambda: self.choose(ConflictChoice.EDIT_AGAIN))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.keep_button, self.overwrite_button, self.edit_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.choice: ConflictChoice | None = None

    def choose(self, choice: ConflictChoice) -> None:
        """Record ``choice``, tell the editor, and close."""
        self.choice = choice
        self.chosen.emit(choice)
        self.accept()


REVIEW_LABELS = {
    "start": "Start", "end": "End", "trainer_id": "Trainer", "client_id": "Client",
    "client_name": "Client name", "location": "Location", "session_type_id": "Type",
    "status": "Status", "notes": "Notes",
    "cancel_reason": "Cancel reason",
}
REVIEW_SIDES = ("base", "theirs", "mine")


def field_text(name: str, value: Any, directory: Directory) -> str:
    """One field's value as a person reads it."""
    if value in (None, ""):
        return "—"
    try:
        if name in ("start", "end"):
            when = local(parse_ts(value, name), directory.zone)
            return f"{short_date(when.date())}, {when:%H:%M}"
        if name == "trainer_id":
            return directory.trainer_name(int(value))
        if name == "client_id" and int(value) in directory.clients:
            return directory.clients[int(value)].name
        if name == "session_type_id":
            return directory.type_name(int(value)) or str(value)
        if name == "status":
            return status_label(Status(value))
    except (ValueError, TypeError, KeyError):
        pass
    return str(value)


class ReviewDialog(QDialog):
    """Manual review: base, theirs and mine side by side; the user picks one per field.

    ``chosen`` carries ``{field: value}`` for every reviewed field; ``pick``
    is what the radio buttons call, so tests drive it the same way.
    """

    chosen = Signal(object)  # dict[str, Any]

    def __init__(self, base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any], fields: list[str],
                 directory: Directory, saved_by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review changes to this session")
        self.setAccessibleName("Review changes")
        self.values = {"base": dict(base), "theirs": dict(theirs), "mine": {**theirs, **mine}}
        self.fields = [f for f in fields if f in REVIEW_LABELS]
        self.picks: dict[str, str] = {}
        self.buttons: dict[str, dict[str, QRadioButton]] = {}
        intro = QLabel(f"{saved_by} changed this session while you were editing it. The studio reviews such "
                       "changes by hand: choose, for each field, the value to keep.")
        intro.setWordWrap(True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        for col, head in enumerate(("", "When you opened it", f"Now (by {saved_by})", "Yours"), start=0):
            label = QLabel(head)
            label.setStyleSheet("font-weight: 600;")
            grid.addWidget(label, 0, col)
        for row, name in enumerate(self.fields, start=1):
            label = QLabel(REVIEW_LABELS[name])
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 0)
            group = QButtonGroup(self)
            self.buttons[name] = {}
            for col, side in enumerate(REVIEW_SIDES, start=1):
                b = QRadioButton(field_text(name, self.values[side].get(name), directory))
                b.setAccessibleName(f"{REVIEW_LABELS[name]}: keep {side}")
                b.toggled.connect(lambda on, f=name, s=side: self._toggled(on, f, s))
                group.addButton(b)
                grid.addWidget(b, row, col)
                self.buttons[name][side] = b
            mine_differs = self.values["mine"].get(name) != self.values["theirs"].get(name)
            self.pick(name, "mine" if name in mine and mine_differs else "theirs")
        self.keep_button = QPushButton("Keep the chosen values")
        self.keep_button.setDefault(True)
        self.keep_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton("Back to the editor")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(buttons)

    def _toggled(self, on: bool, name: str, side: str) -> None:
        if on:
            self.picks[name] = side

    def pick(self, name: str, side: str) -> None:
        self.picks[name] = side
        self.buttons[name][side].setChecked(True)

    def result_values(self) -> dict[str, Any]:
        return {f: self.values[self.picks[f]].get(f) for f in self.fields}

    def apply(self) -> None:
        self.chosen.emit(self.result_values())
        self.accept()
