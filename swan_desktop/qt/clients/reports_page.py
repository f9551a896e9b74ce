"""Reports: utilisation, attendance, cancellations, credits or revenue over a date
range, by week or month, as a chart and a table, exported to CSV or PDF.

Admins choose any trainer (or all); a trainer sees their own figures only (the
server refuses anything else). Running never blocks: the answer lands when it
comes, and only the latest run is shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import Report
from ...core.clients import REPORT_KINDS, ClientsClient
from ...core.directory import Directory
from ...core.outcomes import FAILURES, outcome_of
from ...core.report_csv import left_out, table, title_of
from ...core.report_csv import write as write_csv
from ..tasks import spawn
from .card import error_label
from .report_pdf import write_pdf

if TYPE_CHECKING:
    from .report_chart import ReportChart


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ReportsPage(QWidget):
    told = Signal(str, bool)
    #: A run's answer was shown (the ``Report``).
    shown = Signal(object)

    def __init__(self, clients: ClientsClient, directory: Callable[[], Directory], *,
                 own_trainer: int | None = None, today: date | None = None,
                 currency: Callable[[], str] = lambda: "EUR", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reports")
        self.clients = clients
        self._directory = directory
        self.own_trainer = own_trainer
        self._currency = currency
        self.report: Report | None = None
        self._task: asyncio.Future[None] | None = None
        self.file_dialog: QFileDialog | None = None
        today = today or date.today()
        self.kind = QComboBox()
        for kind in REPORT_KINDS:
            self.kind.addItem(title_of(kind), kind)
        self.start = QDateEdit(_qdate(today.replace(day=1) - timedelta(days=62)))
        self.end = QDateEdit(_qdate(today))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.by = QComboBox()
        self.by.addItem("by week", "week")
        self.by.addItem("by month", "month")
        self.trainer = QComboBox()
        self.trainer.setAccessibleName("Trainer")
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run)
        self.csv_button = QPushButton("Export CSV…")
        self.pdf_button = QPushButton("Export PDF…")
        self.csv_button.clicked.connect(lambda: self.choose_export("csv"))
        self.pdf_button.clicked.connect(lambda: self.choose_export("pdf"))
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(False)
        # The chart (QtCharts, several MiB) is made for the first report run, not at start.
        self._chart: ReportChart | None = None
        self._chart_slot = QStackedWidget()
        waiting = QLabel("Run a report to see it here")
        waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._chart_slot.addWidget(waiting)
        self.table = QTableWidget(0, 0)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.error = error_label()
        self.aside = QLabel()
        self.aside.setAccessibleName("Not counted")
        self.aside.setProperty("role", "hint")
        self.aside.setWordWrap(True)
        self.aside.hide()
        bar = QHBoxLayout()
        for label, widget in (("Report", self.kind), ("From", self.start), ("to", self.end),
                              ("", self.by), ("Trainer", self.trainer)):
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(bar)
        layout.addWidget(self.error)
        layout.addWidget(self._chart_slot, 3)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.aside)
        self.refresh_trainers()

    @property
    def chart(self) -> ReportChart:
        if self._chart is None:
            from .report_chart import ReportChart

            self._chart = ReportChart()
            self._chart_slot.addWidget(self._chart)
            self._chart_slot.setCurrentWidget(self._chart)
        return self._chart

    def refresh_trainers(self) -> None:
        chosen = self.trainer.currentData()
        self.trainer.clear()
        directory = self._directory()
        if self.own_trainer is not None:
            self.trainer.addItem(directory.trainer_name(self.own_trainer), self.own_trainer)
            self.trainer.setEnabled(False)
            return
        self.trainer.addItem("All trainers", None)
        for t in directory.sorted_trainers():
            self.trainer.addItem(t.name, t.id)
        self.trainer.setCurrentIndex(max(0, self.trainer.findData(chosen)))

    def set_range(self, start: date, end: date, by: str = "week", kind: str = "revenue") -> None:
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        self.by.setCurrentIndex(max(0, self.by.findData(by)))
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))

    def run(self) -> None:
        first, last = _day(self.start.date()), _day(self.end.date())
        if last < first:
            self._problem("The range ends before it starts.")
            return
        self.error.hide()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = spawn(self._run(str(self.kind.currentData()), first, last, str(self.by.currentData()),
                                     self.trainer.currentData()))

    async def _run(self, kind: str, first: date, last: date, by: str, trainer: int | None) -> None:
        self.run_button.setText("Running…")
        try:
            report = await self.clients.report(kind, first.isoformat(), last.isoformat(), by, trainer)
        except FAILURES as exc:
            self._problem(outcome_of(exc).message)
            return
        finally:
            self.run_button.setText("Run")
        self.show_report(report)

    def _problem(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def show_report(self, report: Report) -> None:
        self.report = report
        self.chart.show_report(report, self._currency())
        headers, rows = table(report, self._currency(), self._directory().trainer_name)
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        words = left_out(report, self._currency())
        self.aside.setText(words)
        self.aside.setVisible(bool(words))
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(True)
        self.shown.emit(report)

    # -- export ----------------------------------------------------------------------------
    def title(self) -> str:
        if self.report is None:
            return ""
        first, last = _day(self.start.date()), _day(self.end.date())
        return (f"{title_of(self.report.kind)} by {self.report.by}, "
                f"{first:%d %b %Y} – {last:%d %b %Y}, {self.trainer.currentText()}")

    def choose_export(self, suffix: str) -> QFileDialog:
        dialog = QFileDialog(self, f"Export the report as {suffix.upper()}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(suffix)
        dialog.setNameFilter(f"{suffix.upper()} files (*.{suffix})")
        dialog.selectFile(f"{self.report.kind if self.report else 'report'}.{suffix}")
        dialog.fileSelected.connect(lambda path: self.export(Path(path)))
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def export(self, path: Path) -> Path | None:
        if self.report is None:
            return None
        try:
            if path.suffix.lower() == ".pdf":
                write_pdf(path, self.title(), self.report, self.chart, self._currency(),
                          self._directory().trainer_name)
            else:
                write_csv(path, self.report, self._currency(), self._directory().trainer_name)
        except OSError as exc:
            self._problem(f"The report could not be written to {path}: {exc.strerror or exc}")
            return None
        self.told.emit(f"The report was saved to {path}.", False)
        return path
