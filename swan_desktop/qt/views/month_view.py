"""Month view: six weeks of day cells (Monday first), each listing its sessions
as small coloured lines with "+N more" when they do not fit. Clicking a day
selects it; double-clicking opens it in the day view."""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from ...core.directory import Directory
from ...core.wallclock import local_day, today_in
from ...protocol.entities import Session, Status
from ..fit_text import alternatives, fitting
from ..session_text import hm, initials
from ..style import CanvasColors, block_colors, canvas_colors

HEADER_H = 26
DAY_LABEL_H = 20
LINE_H = 16
WEEKS = 6
WEEKDAYS = [calendar.day_abbr[i] for i in range(7)]


def first_shown(day: date) -> date:
    """The Monday on or before the first of ``day``'s month."""
    first = day.replace(day=1)
    return first - timedelta(days=first.weekday())


class MonthView(QWidget):
    daySelected = Signal(object)   # datetime.date
    dayActivated = Signal(object)  # datetime.date: open it in the day view

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month = date.today().replace(day=1)
        self.selected: date | None = None
        self._by_day: dict[date, list[Session]] = {}
        self._directory = Directory()
        self._zone = self._directory.zone
        self.setMinimumSize(QSize(560, 420))
        self.setAccessibleName("Month schedule")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    # -- content ---------------------------------------------------------------
    def show_month(self, day: date, sessions: Sequence[Session], directory: Directory) -> None:
        """``sessions`` cover the six weeks shown (any order); each is on its studio day."""
        self.month = day.replace(day=1)
        self._directory = directory
        self._zone = zone = directory.zone
        by_day: dict[date, list[Session]] = defaultdict(list)
        for s in sessions:
            by_day[local_day(s.start, zone)].append(s)
        for items in by_day.values():
            items.sort(key=lambda s: (s.start, s.trainer_id))
        self._by_day = dict(by_day)
        total = sum(len(v) for v in self._by_day.values())
        self.setAccessibleDescription(f"{self.month:%B %Y}: {total} sessions")
        self.update()

    def range_shown(self) -> tuple[date, date]:
        start = first_shown(self.month)
        return start, start + timedelta(days=7 * WEEKS)

    def sessions_on(self, day: date) -> list[Session]:
        return list(self._by_day.get(day, []))

    # -- geometry --------------------------------------------------------------
    def _cell_size(self) -> tuple[float, float]:
        return self.width() / 7, (self.height() - HEADER_H) / WEEKS

    def cell_rect(self, day: date) -> QRectF | None:
        start, end = self.range_shown()
        if not start <= day < end:
            return None
        index = (day - start).days
        w, h = self._cell_size()
        return QRectF((index % 7) * w, HEADER_H + (index // 7) * h, w, h)

    def date_at(self, point: QPoint | QPointF) -> date | None:
        w, h = self._cell_size()
        if point.y() < HEADER_H or w <= 0 or h <= 0:
            return None
        col, row = int(point.x() // w), int((point.y() - HEADER_H) // h)
        if not (0 <= col < 7 and 0 <= row < WEEKS):
            return None
        return first_shown(self.month) + timedelta(days=row * 7 + col)

    def lines_that_fit(self) -> int:
        _, h = self._cell_size()
        return max(0, int((h - DAY_LABEL_H - 4) // LINE_H))

    # -- input -----------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        day = self.date_at(event.position())
        if day is not None:
            self.selected = day
            self.update()
            self.daySelected.emit(day)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        day = self.date_at(event.position())
        if day is not None:
            self.dayActivated.emit(day)

    # -- painting --------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        colors = canvas_colors(self.palette())
        painter.fillRect(self.rect(), colors.background)
        w, h = self._cell_size()
        font = QFont(self.font())
        bold = QFont(font)
        bold.setBold(True)
        small = QFont(font)
        small.setPointSizeF(max(7.5, font.pointSizeF() - 1))
        fm_small = QFontMetrics(small)
        painter.setFont(bold)
        painter.setPen(colors.axis_text)
        for i, name in enumerate(WEEKDAYS):
            painter.drawText(QRectF(i * w, 0, w, HEADER_H), Qt.AlignmentFlag.AlignCenter, name)
        today = today_in(self._zone)
        fit = self.lines_that_fit()
        start, _ = self.range_shown()
        for index in range(7 * WEEKS):
            day = start + timedelta(days=index)
            cell = QRectF((index % 7) * w, HEADER_H + (index // 7) * h, w, h)
            if not cell.intersects(QRectF(event.rect())):
                continue
            in_month = day.month == self.month.month
            if not in_month:
                painter.fillRect(cell, colors.off_month)
            if day == self.selected:
                painter.fillRect(cell, colors.selected_day)
            painter.setPen(QPen(colors.column_rule, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(cell)
            label = QRectF(cell.left() + 6, cell.top() + 2, cell.width() - 12, DAY_LABEL_H)
            painter.setFont(bold if day == today else font)
            painter.setPen(colors.today_accent if day == today
                           else (colors.day_text if in_month else colors.muted_text))
            painter.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{day.day}" if day.day != 1 else f"{day.day} {day:%b}")
            if day == today:
                painter.setPen(QPen(colors.today_accent, 2))
                painter.drawRect(cell.adjusted(1, 1, -1, -1))
            self._paint_sessions(painter, cell, day, fit, small, fm_small, colors)
        painter.end()

    def _paint_sessions(self, painter: QPainter, cell: QRectF, day: date, fit: int, font: QFont,
                        fm: QFontMetrics, canvas: CanvasColors) -> None:
        sessions = self._by_day.get(day, [])
        if not sessions or fit <= 0:
            return
        shown = sessions if len(sessions) <= fit else sessions[:max(0, fit - 1)]
        painter.setFont(font)
        y = cell.top() + DAY_LABEL_H + 2
        for s in shown:
            colors = block_colors(self._directory.type_color(s.session_type_id), s.status,
                                  dark=canvas.dark)
            chip = QRectF(cell.left() + 4, y + 1, cell.width() - 8, LINE_H - 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colors.fill)
            painter.drawRoundedRect(chip, 3, 3)
            text = self.chip_text(s, fm, chip.width() - 6)
            font.setStrikeOut(s.status is Status.CANCELLED)
            painter.setFont(font)
            painter.setPen(colors.text)
            painter.drawText(chip.adjusted(3, 0, -3, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            font.setStrikeOut(False)
            painter.setFont(font)  # "+N more" after a cancelled line is not struck through
            y += LINE_H
        hidden = len(sessions) - len(shown)
        if hidden:
            painter.setPen(canvas.axis_text)
            painter.drawText(QRectF(cell.left() + 6, y, cell.width() - 12, LINE_H),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"+{hidden} more")

    def chip_text(self, s: Session, fm: QFontMetrics, width: float) -> str:
        """A session's line in a day cell: time and client, then the trainer's name where
        there is room, else their initials."""
        who = s.client_name or ("Blocked" if s.status is Status.BLOCKED else "Open slot")
        trainer = self._directory.trainer_name(s.trainer_id)
        plain = f"{hm(s.start, self._zone)} {who}"
        wordings = alternatives(f"{plain} · {trainer}", f"{plain} · {initials(trainer)}", plain)
        return fitting(fm, wordings, width)

    def hidden_count(self, day: date) -> int:
        """How many of ``day``'s sessions are summarised as "+N more" at the current size."""
        n, fit = len(self._by_day.get(day, [])), self.lines_that_fit()
        return 0 if n <= fit else n - max(0, fit - 1)
