"""The details panel: everything about the selected session, plus Edit."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from ...core.directory import Directory
from ...protocol.entities import Session
from ..enter_button import EnterButton
from ..session_text import client_label, local, long_date, time_range
from ..style import STATUS_LOOK, block_colors, is_dark

FIELDS = ("Client", "Trainer", "Date", "Time", "Type", "Location", "Status", "Notes",
          "Cancel reason", "Version", "Last updated")


class DetailsPanel(QFrame):
    """Read-only details of one session; ``editRequested(id)`` asks to open the editor."""

    editRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPanel")
        self.setAccessibleName("Session details")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(260)
        self.setMaximumWidth(340)
        self._session: Session | None = None
        self._directory = Directory()
        self._title = QLabel("No session selected")
        self._title.setWordWrap(True)
        self._title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self._status = QLabel()
        self._values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setVerticalSpacing(6)
        for name in FIELDS:
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(name)
            label = QLabel(name)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            form.addRow(label, value)
            self._values[name] = value
        self._form = form
        self.edit_button = EnterButton("Edit…")
        self.edit_button.setAccessibleName("Edit session")
        self.edit_button.clicked.connect(self._on_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.addWidget(self._title)
        layout.addWidget(self._status)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.edit_button)
        self._read_only = False
        self.show_session(None, Directory())

    def add_section(self, widget: QWidget) -> None:
        """A feature's part of the details (a group session's clients), above Edit."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 2, widget)

    @property
    def session_id(self) -> int | None:
        return self._session.id if self._session else None

    def value_text(self, field: str) -> str:
        return self._values[field].text()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.edit_button.setText("View…" if read_only else "Edit…")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._session is not None:
            self.show_session(self._session, self._directory)  # the status chip follows the theme

    @property
    def session(self) -> Session | None:
        """The session shown (None: nothing selected, or not on this PC yet)."""
        return self._session

    def show_session(self, s: Session | None, directory: Directory) -> None:
        self._session = s
        self._directory = directory
        self.edit_button.setEnabled(s is not None)
        for name in FIELDS:
            self._form.setRowVisible(self._values[name], s is not None)
        if s is None:
            self._title.setText("No session selected")
            self._status.setText("Click a session to see its details.")
            self._status.setStyleSheet("")
            self._status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            return
        self._title.setText(client_label(s, directory))
        self._status.setForegroundRole(QPalette.ColorRole.WindowText)  # undo the placeholder look
        colors = block_colors(directory.type_color(s.session_type_id), s.status,
                              dark=is_dark(self.palette()))
        look = STATUS_LOOK[s.status]
        self._status.setText(f" {look.glyph} {look.label} ".replace("  ", " "))
        self._status.setStyleSheet(
            f"background: {colors.fill.name()}; color: {colors.text.name()};"
            f"border: 1px solid {colors.outline.name()}; border-radius: 4px; padding: 2px 6px;"
            " font-weight: 600;")
        zone = directory.zone
        start = local(s.start, zone)
        values = {
            "Client": client_label(s, directory),
            "Trainer": directory.trainer_name(s.trainer_id),
            "Date": long_date(start.date()),
            "Time": f"{time_range(s, zone)} ({s.duration_min} min)",
            "Type": directory.type_name(s.session_type_id) or "—",
            "Location": s.location or "—",
            "Status": look.label,
            "Notes": s.notes or "—",
            "Cancel reason": s.cancel_reason,
            "Version": str(s.version),
            "Last updated": self._updated(s, directory),
        }
        for name, text in values.items():
            self._values[name].setText(text)
        self._form.setRowVisible(self._values["Cancel reason"], bool(s.cancel_reason))

    @staticmethod
    def _updated(s: Session, directory: Directory) -> str:
        if s.updated_at is None:
            return "—"
        who = directory.user_name(s.updated_by)
        at = local(s.updated_at)
        return f"{at:%d %b %H:%M} by {who}"

    def _on_edit(self) -> None:
        if self._session is not None:
            self.editRequested.emit(self._session.id)
