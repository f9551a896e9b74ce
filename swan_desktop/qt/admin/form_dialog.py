"""The small dialog every administration form is: fields with their error labels,
Save and Cancel, and the request sent without blocking the window.

Save runs :meth:`FormDialog.submit` (a coroutine) on the loop; while it runs
the buttons are disabled. When it returns the dialog closes (``saved`` carries
the result); a refusal stays open with the server's words next to the field.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.outcomes import FAILURES
from ..settings_pages.form import error
from ..tasks import spawn
from .field_errors import FieldErrors


class FormDialog(QDialog):
    saved = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None, save_text: str = "Save") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        #: Set by :meth:`submit`'s request when the save went through but the office must act
        #: (the list page shows it in place of "… saved.").
        self.warning = ""
        self.form = QFormLayout()
        self.form.setVerticalSpacing(6)
        self.errors = FieldErrors(error())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button: QPushButton = self.buttons.addButton(
            save_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)
        self.errors.clear()

    def row(self, label: str, widget: QWidget, field: str | None = None) -> QLabel | None:
        """A labelled field; with ``field`` (its wire name) an error label under it."""
        self.form.addRow(label, widget)
        if field is None:
            return None
        label_widget = error()
        self.form.addRow("", label_widget)
        return self.errors.add(field, label_widget, widget)

    def submit(self) -> Awaitable[Any] | None:
        """The request to send (None: something local was wrong and is shown)."""
        raise NotImplementedError

    def _save(self) -> None:
        self.errors.clear()
        request = self.submit()
        if request is None:
            return
        self.save_button.setEnabled(False)
        spawn(self._send(request))

    async def _send(self, request: Awaitable[Any]) -> None:
        try:
            result = await request
        except FAILURES as exc:
            self.errors.show(exc)
            self.save_button.setEnabled(True)
            return
        self.save_button.setEnabled(True)
        self.saved.emit(result)
        self.accept()
