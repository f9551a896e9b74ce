"""The strip under the schedule: the status and type keys, "Key…" and "Who's free…"."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from .views.calendar_key import CalendarKeyDialog, TypeLegend
from .views.status_legend import StatusLegend

if TYPE_CHECKING:  # the dialogs are imported when first opened (start-up time)
    from .dialogs.whos_free_dialog import WhosFreeDialog
    from .schedule_pane import SchedulePane


class ScheduleFooter(QWidget):
    def __init__(self, pane: SchedulePane) -> None:
        super().__init__(pane)
        self.pane = pane
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        self.legend = StatusLegend()
        self.type_legend = TypeLegend()
        row.addWidget(self.legend)
        row.addSpacing(16)
        row.addWidget(self.type_legend)
        row.addStretch(1)
        self.key_button = QPushButton("Key…")
        self.key_button.setToolTip("What the colours, borders and marks mean")
        self.key_button.clicked.connect(self.open_key)
        self.whos_free_button = QPushButton("Who's free…")
        self.whos_free_button.setToolTip("Every trainer free at a time you choose")
        self.whos_free_button.clicked.connect(lambda: self.open_whos_free())
        row.addWidget(self.key_button)
        row.addWidget(self.whos_free_button)
        self.key_dialog: CalendarKeyDialog | None = None
        self.whos_free: WhosFreeDialog | None = None

    def open_key(self) -> CalendarKeyDialog:
        dialog = CalendarKeyDialog(list(self.pane.store.directory.session_types.values()), self.pane)
        self.key_dialog = dialog
        dialog.open()
        return dialog

    def open_whos_free(self, at: QTime | None = None) -> WhosFreeDialog:
        """Who is free on the shown day, at ``at`` (the next hour by default)."""
        if at is None:
            now = datetime.now(self.pane.store.directory.zone)
            at = QTime(min(20, max(7, now.hour + 1)), 0)
        from .dialogs.whos_free_dialog import WhosFreeDialog

        dialog = WhosFreeDialog(self.pane.store, self.pane.current_date, at, self.pane)
        dialog.bookRequested.connect(lambda trainer_id, start: self.pane.open_new(trainer_id, start))
        self.whos_free = dialog
        dialog.open()
        return dialog
