"""A custom-painted time grid: a time axis and columns of session blocks.

The day view (one column per trainer) and the week view (one column per day)
are both this grid with different columns. Geometry is fixed (a constant
number of pixels per hour), the blocks of the shown range are laid out once
per change, and painting draws only what intersects the exposed rectangle.
Column headers live in a separate strip above the scroll area, so they stay
visible while the grid scrolls vertically and follow it horizontally.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QFrame, QScrollArea, QToolTip, QVBoxLayout, QWidget

from ...core.wallclock import (
    at_minutes,
    day_start,
    in_zone,
    local_zone,
    minutes_into,
    skipped_minutes,
    wall_span,
)
from ...protocol.entities import Session, Status
from .. import style
from ..session_block import paint_block, paint_mark
from .drag import SessionDrag, ghost_rect
from .grid_focus import announce_selection, handle_key, paint_focus
from .grid_keys import Spot
from .lanes import assign_lanes
from .outline import Outline, paint_outline
from .week_summary import SUMMARY_COLOR, Summary

AXIS_W = 58
TOP_PAD = 10
BOTTOM_PAD = 12
MIN_COL_W = 130
HEADER_H = 42
DEFAULT_FIRST_HOUR = 6
DEFAULT_LAST_HOUR = 22
SNAP_MIN = 15


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the grid: the date it shows (on the grid's wall clock) and its header."""

    day: date
    title: str
    subtitle: str = ""
    trainer_id: int = 0
    accent: str | None = None
    highlight: bool = False
    #: Wall-clock minute ranges (from midnight) outside the trainer's working hours, shaded.
    off_hours: tuple[tuple[float, float], ...] = ()
    #: Wall-clock minute ranges the clocks skip that day (filled in by the canvas), hatched.
    skipped: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class GridItem:
    """A session to place in a column, with the text lines and colour to draw."""

    session: Session
    column: int
    lines: tuple[str, ...]
    color: str


@dataclass(slots=True)
class _Placed:
    item: GridItem
    start_min: float
    end_min: float
    lane: int = 0
    lanes: int = 1
    rect: QRectF = field(default_factory=QRectF)


#: More separate rectangles to repaint than this: test blocks against their bounding box.
MAX_PAINT_PARTS = 16
#: Placed spans remembered per canvas; emptied when it would hold more.
SPAN_CACHE_SIZE = 20_000


@lru_cache(maxsize=1024)
def _skipped(day: date, zone: tzinfo) -> tuple[tuple[int, int], ...]:
    return tuple(skipped_minutes(day, zone))


def _looks_alike(a: GridItem, b: GridItem) -> bool:
    """Would the two paint the same block? (A change to notes alone repaints nothing.)"""
    return (a.lines == b.lines and a.color == b.color and a.column == b.column
            and a.session.status is b.session.status)


def local_midnight(day: date, zone: tzinfo | None = None) -> datetime:
    """The first instant of ``day`` in ``zone`` (this computer's when not given)."""
    return day_start(day, zone if zone is not None else local_zone())


def hour_span(spans: Sequence[tuple[float, float]]) -> tuple[int, int]:
    """First and last hour to show: the working day, widened to fit every (wall-clock) span."""
    if not spans:
        return DEFAULT_FIRST_HOUR, DEFAULT_LAST_HOUR
    lo = min(span[0] for span in spans)
    hi = max(span[1] for span in spans)
    return (min(DEFAULT_FIRST_HOUR, max(0, math.floor(lo / 60))),
            max(DEFAULT_LAST_HOUR, min(24, math.ceil(hi / 60))))


class TimeGridCanvas(QWidget):
    """The painted grid below the headers. Coordinates are the widget's own."""

    sessionSelected = Signal(int)
    sessionActivated = Signal(int)
    emptyDoubleClicked = Signal(int, object)  # column index, aware datetime in the grid's zone
    geometryChanged = Signal()
    sessionDropped = Signal(object)  # DropTarget: a move or resize the user let go of
    multiSelectionChanged = Signal(list)  # session ids picked with Ctrl+click (for bulk actions)
    dropRefused = Signal(str)        # why a drop was refused (it snapped back)
    #: Keyboard: Delete on a session (asks to cancel it), and Ctrl+arrows (session id,
    #: minutes, days) to move it by a quarter hour or a day.
    cancelRequested = Signal(int)
    nudgeRequested = Signal(int, int, int)
    keyboardMoved = Signal(QRectF)  # the rect of the session the keys went to (to scroll it into view)
    summaryActivated = Signal(int)   # column index of a summary block double-clicked

    def __init__(self, parent: QWidget | None = None, hour_px: int = 60) -> None:
        super().__init__(parent)
        self.hour_px = hour_px
        #: Rows are this zone's wall-clock hours (the studio's; see ``Directory.zone``).
        self.zone: tzinfo = local_zone()
        self.columns: list[Column] = []
        self.first_hour = DEFAULT_FIRST_HOUR
        self.last_hour = DEFAULT_LAST_HOUR
        self._placed: list[_Placed] = []
        self._by_id: dict[int, _Placed] = {}
        self._selected: int | None = None
        self._picked: list[int] = []
        self._marks: dict[int, str] = {}
        self._outlines: dict[int, Outline] = {}
        self._summaries: list[tuple[Summary, QRectF]] = []
        self._spans: dict[tuple[datetime, datetime, date], tuple[float, float]] = {}
        self.drag = SessionDrag(self)
        self._tooltip: Callable[[Session], str] = lambda s: ""
        self._summary: Callable[[Session], str] = lambda s: ""
        #: The grid's accessible name while no session is selected.
        self.base_accessible_name = "Schedule grid"
        self.setAccessibleName(self.base_accessible_name)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self._update_minimum()

    # -- content -----------------------------------------------------------
    def set_tooltip_provider(self, provider: Callable[[Session], str]) -> None:
        self._tooltip = provider

    def set_summary_provider(self, provider: Callable[[Session], str]) -> None:
        """What a screen reader says for a session (``session_text.spoken_summary``)."""
        self._summary = provider

    def spoken(self, session_id: int) -> str:
        p = self._by_id.get(session_id)
        return self._summary(p.item.session) if p is not None else ""

    def set_marks(self, marks: dict[int, str]) -> None:
        """Sessions whose change is ``pending`` (not yet on the server) or ``failed``."""
        if marks != self._marks:
            changed = {sid for sid in marks.keys() | self._marks.keys()
                       if marks.get(sid) != self._marks.get(sid)}
            self._marks = dict(marks)
            self._update_blocks(changed)

    def mark_of(self, session_id: int) -> str | None:
        return self._marks.get(session_id)

    def set_outlines(self, outlines: dict[int, Outline]) -> None:
        """Sessions others are looking at or editing: a ring in their colour (over any mark)."""
        if outlines != self._outlines:
            changed = {sid for sid in outlines.keys() | self._outlines.keys()
                       if outlines.get(sid) != self._outlines.get(sid)}
            self._outlines = dict(outlines)
            self._update_blocks(changed)

    def _update_blocks(self, session_ids: set[int]) -> None:
        """Repaint only the blocks of ``session_ids`` (a ring or tag reaches 3 px out)."""
        for sid in session_ids:
            p = self._by_id.get(sid)
            if p is not None:
                self._update_block(sid, p.rect)

    def _update_block(self, session_id: int, rect: QRectF) -> None:
        """Repaint one block: 3 px round it for a ring or tag, 4 px round the selected one
        (the keyboard focus outline reaches that far)."""
        out = 4 if session_id == self._selected else 3
        self.update(rect.toAlignedRect().adjusted(-out, -out, out, out))

    def outline_of(self, session_id: int) -> Outline | None:
        return self._outlines.get(session_id)

    def set_content(self, columns: Sequence[Column], items: Sequence[GridItem], zone: tzinfo,
                    summaries: Sequence[Summary] = ()) -> None:
        """Show ``items`` in ``columns``, placed on the wall clock of ``zone``, and
        ``summaries`` (busy hours shown as one block each).

        When only some blocks changed (the same columns and hours), only their
        rectangles are repainted: a stream of events costs its own blocks.
        """
        frame = (zone, self.first_hour, self.last_hour, tuple(self.columns), self.summaries)
        old = {sid: (p.item, p.rect) for sid, p in self._by_id.items()}
        if zone is not self.zone or len(self._spans) > SPAN_CACHE_SIZE:
            self._spans.clear()
        self.zone = zone
        self.columns = [replace(c, skipped=_skipped(c.day, zone)) for c in columns]
        spans = [self._span(it.session, self.columns[it.column].day) for it in items]
        self.first_hour, self.last_hour = hour_span(spans + [(m.start_min, m.end_min) for m in summaries])
        self._summaries = [(m, QRectF()) for m in summaries]
        placed: list[_Placed] = []
        lo, hi = self.first_hour * 60, self.last_hour * 60
        for it, (first, last) in zip(items, spans, strict=True):
            start, end = max(lo, first), min(hi, last)
            if end <= start:
                continue
            placed.append(_Placed(it, start, end))
        placed.sort(key=lambda p: (p.item.column, p.start_min, -p.end_min))
        by_column: dict[int, list[_Placed]] = {}
        for p in placed:
            by_column.setdefault(p.item.column, []).append(p)
        for group in by_column.values():
            for p, (lane, lanes) in zip(group, assign_lanes([(p.start_min, p.end_min) for p in group]),
                                        strict=True):
                p.lane, p.lanes = lane, lanes
        self._placed = placed
        self._by_id = {p.item.session.id: p for p in placed}
        selected_before = self._selected
        if self._selected not in self._by_id:
            self._selected = None
        kept = [sid for sid in self._picked if sid in self._by_id]
        if kept != self._picked:
            self._picked = kept
            self.multiSelectionChanged.emit(list(kept))
        self._update_minimum()
        self._relayout()
        if self._selected is not None:
            # what a screen reader says follows the selected session's latest state
            announce_selection(self, self.spoken(self._selected), self.base_accessible_name)
        elif selected_before is not None:
            announce_selection(self, "", self.base_accessible_name)
        if (frame != (zone, self.first_hour, self.last_hour, tuple(self.columns), self.summaries)
                or (selected_before is not None and self._selected is None and self.hasFocus())):
            self.update()  # (a focus outline round the selected block goes back round the grid)
            return
        for sid, p in self._by_id.items():
            before = old.pop(sid, None)
            if before is None or not _looks_alike(before[0], p.item) or before[1] != p.rect:
                self._update_block(sid, p.rect)
                if before is not None:
                    self._update_block(sid, before[1])
        for sid, (_item, rect) in old.items():  # gone from the view
            self._update_block(sid, rect)

    def _span(self, session: Session, day: date) -> tuple[float, float]:
        """Wall-clock minutes of ``session`` on ``day`` (zone arithmetic done once per session)."""
        key = (session.start, session.end, day)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = wall_span(session.start, session.end, day, self.zone)
        return found

    # -- geometry ----------------------------------------------------------
    def _update_minimum(self) -> None:
        n = max(1, len(self.columns))
        height = TOP_PAD + (self.last_hour - self.first_hour) * self.hour_px + BOTTOM_PAD
        self.setMinimumSize(AXIS_W + n * MIN_COL_W, height)
        self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def column_width(self) -> float:
        return max(1.0, (self.width() - AXIS_W) / max(1, len(self.columns)))

    def column_x(self, index: int) -> float:
        return AXIS_W + index * self.column_width()

    def y_for_minutes(self, minutes: float) -> float:
        return TOP_PAD + (minutes - self.first_hour * 60) * self.hour_px / 60

    def minutes_for_y(self, y: float) -> float:
        return self.first_hour * 60 + (y - TOP_PAD) * 60 / self.hour_px

    def column_at(self, x: float) -> int | None:
        if x < AXIS_W or not self.columns:
            return None
        index = int((x - AXIS_W) // self.column_width())
        return index if 0 <= index < len(self.columns) else None

    def minutes_at(self, point: QPointF | QPoint) -> tuple[int, float] | None:
        """The column under ``point`` (nearest when outside) and its wall-clock minutes, unsnapped."""
        if not self.columns:
            return None
        col = self.column_at(point.x())
        if col is None:
            col = 0 if point.x() < AXIS_W else len(self.columns) - 1
        return col, max(self.first_hour * 60, min(self.last_hour * 60, self.minutes_for_y(point.y())))

    def exact_time_at(self, point: QPointF | QPoint) -> datetime | None:
        """The time under ``point`` in its column (nearest column when outside), unsnapped."""
        found = self.minutes_at(point)
        if found is None:
            return None
        col, minutes = found
        return at_minutes(self.columns[col].day, minutes, self.zone)

    def wall_minutes(self, moment: datetime, column: int) -> float:
        """Wall-clock minutes of ``moment`` from the midnight of ``column``'s day."""
        return minutes_into(moment, self.columns[column].day, self.zone)

    def rect_for(self, column: int, start: datetime, end: datetime) -> QRectF:
        return ghost_rect(self, column, *wall_span(start, end, self.columns[column].day, self.zone))

    def session(self, session_id: int) -> Session | None:
        p = self._by_id.get(session_id)
        return p.item.session if p is not None else None

    def time_at(self, point: QPointF | QPoint) -> datetime | None:
        """The start time a double-click at ``point`` asks for: its row's quarter hour.

        In the hour a spring day skips, that is the same quarter an hour later;
        in the hour an autumn day repeats, its first pass.
        """
        col = self.column_at(point.x())
        if col is None:
            return None
        minutes = self.minutes_for_y(point.y())
        minutes = max(self.first_hour * 60, min(self.last_hour * 60 - SNAP_MIN, minutes))
        snapped = int(minutes // SNAP_MIN) * SNAP_MIN
        return at_minutes(self.columns[col].day, snapped, self.zone)

    def _relayout(self) -> None:
        col_w = self.column_width()
        scale, origin = self.hour_px / 60, TOP_PAD - self.first_hour * self.hour_px
        for p in self._placed:
            lane_w = (col_w - 6) / p.lanes
            x = AXIS_W + p.item.column * col_w + 3 + p.lane * lane_w
            top = origin + p.start_min * scale
            bottom = max(origin + p.end_min * scale, top + 18)
            p.rect = QRectF(x + 1, top + 1, lane_w - 2, bottom - top - 2)
        for m, rect in self._summaries:
            top = self.y_for_minutes(m.start_min)
            rect.setRect(self.column_x(m.column) + 4, top + 2, col_w - 8,
                         self.y_for_minutes(m.end_min) - top - 4)
        self.geometryChanged.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    # -- queries used by views and tests -------------------------------------
    def session_rect(self, session_id: int) -> QRectF | None:
        p = self._by_id.get(session_id)
        return QRectF(p.rect) if p is not None else None

    def session_at(self, point: QPointF | QPoint) -> int | None:
        pt = QPointF(point)
        for p in reversed(self._placed):
            if p.rect.contains(pt):
                return p.item.session.id
        return None

    def summary_at(self, point: QPointF | QPoint) -> Summary | None:
        pt = QPointF(point)
        return next((m for m, rect in self._summaries if rect.contains(pt)), None)

    @property
    def summaries(self) -> list[Summary]:
        return [m for m, _rect in self._summaries]

    def session_ids(self) -> list[int]:
        return [p.item.session.id for p in self._placed]

    def column_of(self, session_id: int) -> int | None:
        p = self._by_id.get(session_id)
        return p.item.column if p is not None else None

    @property
    def selected_id(self) -> int | None:
        return self._selected

    def select(self, session_id: int | None) -> None:
        if session_id is not None and session_id not in self._by_id:
            session_id = None
        if session_id != self._selected:
            for sid in (self._selected, session_id):
                if sid is not None and sid in self._by_id:
                    self.update(self._by_id[sid].rect.toAlignedRect().adjusted(-4, -4, 4, 4))
            self._selected = session_id
            announce_selection(self, self.spoken(session_id) if session_id is not None else "",
                               self.base_accessible_name)

    # -- input -------------------------------------------------------------
    @property
    def picked(self) -> list[int]:
        """Sessions picked with Ctrl+click, in the order they were picked."""
        return list(self._picked)

    def _pick(self, session_id: int | None) -> None:
        """Ctrl+click: add or remove a session from the multi-selection."""
        if session_id is None:
            return
        if not self._picked and self._selected is not None and self._selected != session_id:
            self._picked.append(self._selected)  # the plain selection starts the set
        if session_id in self._picked:
            self._picked.remove(session_id)
        else:
            self._picked.append(session_id)
        self.update()
        self.multiSelectionChanged.emit(list(self._picked))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._pick(self.session_at(event.position()))
            return
        if event.button() == Qt.MouseButton.LeftButton:
            sid = self.session_at(event.position())
            if self._picked:
                self._picked = []
                self.update()
                self.multiSelectionChanged.emit([])
            self.select(sid)
            if sid is not None:
                self.sessionSelected.emit(sid)
            self.drag.press(event.position())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.drag.move(event.position())
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            problem = self.drag.problem if self.drag.active else None
            target = self.drag.release()
            if target is not None:
                self.sessionDropped.emit(target)
            elif problem is not None:
                self.dropRefused.emit(problem)
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        sid = self.session_at(event.position())
        if sid is not None:
            self.select(sid)
            self.sessionActivated.emit(sid)
            return
        summary = self.summary_at(event.position())
        if summary is not None:
            self.summaryActivated.emit(summary.column)
            return
        col = self.column_at(event.position().x())
        when = self.time_at(event.position())
        if col is not None and when is not None:
            self.emptyDoubleClicked.emit(col, when)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._selected is not None:
            self.sessionActivated.emit(self._selected)
            return
        if handle_key(self, event):
            return
        super().keyPressEvent(event)

    def keyboard_spots(self) -> list[Spot]:
        return [Spot(p.item.session.id, p.item.column, p.start_min) for p in self._placed]

    def select_by_keyboard(self, session_id: int | None) -> None:
        if session_id is None:
            return
        self.select(session_id)
        self.sessionSelected.emit(session_id)
        p = self._by_id.get(session_id)
        if p is not None:
            self.keyboardMoved.emit(p.rect)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            sid = self.session_at(event.pos())
            p = self._by_id.get(sid) if sid is not None else None
            summary = self.summary_at(event.pos()) if p is None else None
            if p is not None:
                QToolTip.showText(event.globalPos(), self._tooltip(p.item.session), self,
                                  p.rect.toAlignedRect())
            elif summary is not None:
                QToolTip.showText(event.globalPos(), summary.tooltip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    # -- painting ----------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        exposed = event.rect()
        painter = QPainter(self)
        colors = style.canvas_colors(self.palette())
        painter.fillRect(exposed, colors.background)
        self._paint_grid(painter, exposed, colors)
        exposed_f = QRectF(exposed)
        # A few far-apart blocks changed: paint the blocks in their rectangles, not in all between.
        parts = [QRectF(r) for r in event.region()]  # type: ignore[attr-defined]  # iterable in Qt 6
        if len(parts) > MAX_PAINT_PARTS:
            parts = [exposed_f]
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() - 0.5))
        marks = self._marks
        for m, rect in self._summaries:
            if rect.intersects(exposed_f):
                paint_block(painter, rect, SUMMARY_COLOR, Status.SCHEDULED, m.lines, font=font, canvas=colors)
        for p in self._placed:
            if p.rect.intersects(exposed_f) and any(p.rect.intersects(part) for part in parts):
                paint_block(painter, p.rect, p.item.color, p.item.session.status, p.item.lines,
                            selected=p.item.session.id == self._selected or p.item.session.id in self._picked,
                            font=font, canvas=colors)
                mark = marks.get(p.item.session.id)
                if mark is not None:
                    paint_mark(painter, p.rect, mark, font)
                outline = self._outlines.get(p.item.session.id)
                if outline is not None:
                    paint_outline(painter, p.rect, outline, font)
        self.drag.paint(painter, font)
        self._paint_now_line(painter, colors)
        if self.hasFocus():
            paint_focus(painter, self._by_id[self._selected].rect if self._selected in self._by_id else None,
                        QRectF(self.rect()), self.palette())
        painter.end()

    def _paint_grid(self, painter: QPainter, exposed: QRect, colors: style.CanvasColors) -> None:
        width = self.width()
        col_w = self.column_width()
        for i, c in enumerate(self.columns):
            if c.highlight:
                painter.fillRect(QRectF(self.column_x(i), 0, col_w, self.height()), colors.today_column)
            for lo, hi in c.off_hours:
                top, bottom = self.y_for_minutes(lo), self.y_for_minutes(hi)
                painter.fillRect(QRectF(self.column_x(i), top, col_w, bottom - top), colors.off_hours)
            for lo, hi in c.skipped:  # the hour the clocks jump over: no time there
                top, bottom = self.y_for_minutes(lo), self.y_for_minutes(hi)
                painter.fillRect(QRectF(self.column_x(i), top, col_w, bottom - top),
                                 QBrush(colors.grid_hour, Qt.BrushStyle.BDiagPattern))
        fm = QFontMetrics(self.font())
        painter.setFont(self.font())
        for hour in range(self.first_hour, self.last_hour + 1):
            y = self.y_for_minutes(hour * 60)
            if exposed.top() - 20 <= y <= exposed.bottom() + 20:
                painter.setPen(QPen(colors.grid_hour, 1))
                painter.drawLine(QPointF(AXIS_W - 6, y + 0.5), QPointF(width, y + 0.5))
                painter.setPen(colors.axis_text)
                label = f"{hour:02d}:00"
                painter.drawText(QPointF(AXIS_W - 10 - fm.horizontalAdvance(label), y + fm.ascent() / 2 - 1),
                                 label)
            half = y + self.hour_px / 2
            if hour < self.last_hour and exposed.top() <= half <= exposed.bottom():
                painter.setPen(QPen(colors.grid_half, 1))
                painter.drawLine(QPointF(AXIS_W, half + 0.5), QPointF(width, half + 0.5))
        painter.setPen(QPen(colors.column_rule, 1))
        for i in range(len(self.columns) + 1):
            x = round(self.column_x(i)) + 0.5
            painter.drawLine(QPointF(x, exposed.top()), QPointF(x, exposed.bottom() + 1))

    def _paint_now_line(self, painter: QPainter, colors: style.CanvasColors) -> None:
        now = in_zone(datetime.now(UTC), self.zone)
        for i, c in enumerate(self.columns):
            if c.day != now.date():
                continue
            minutes = minutes_into(now, c.day, self.zone)
            if not self.first_hour * 60 <= minutes <= self.last_hour * 60:
                continue
            y = self.y_for_minutes(minutes)
            painter.setPen(QPen(colors.now_line, 1.5))
            painter.drawLine(QPointF(self.column_x(i), y), QPointF(self.column_x(i + 1), y))


class TimeGridHeader(QWidget):
    """Column titles above the grid; follows the grid's horizontal scrolling."""

    def __init__(self, canvas: TimeGridCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._canvas = canvas
        self._offset = 0
        self.setFixedHeight(HEADER_H)
        canvas.geometryChanged.connect(self.update)

    def set_offset(self, offset: int) -> None:
        self._offset = offset
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        colors = style.canvas_colors(self.palette())
        painter.fillRect(self.rect(), colors.header_bg)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        canvas = self._canvas
        col_w = canvas.column_width()
        title_font = QFont(self.font())
        title_font.setBold(True)
        sub_font = QFont(self.font())
        sub_font.setPointSizeF(max(7.0, sub_font.pointSizeF() - 1))
        tfm, sfm = QFontMetrics(title_font), QFontMetrics(sub_font)
        for i, c in enumerate(canvas.columns):
            x = canvas.column_x(i) - self._offset
            if x + col_w < AXIS_W or x > self.width():
                continue
            left = x + 10
            avail = col_w - 16
            if c.accent:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(c.accent))
                painter.drawEllipse(QPointF(left + 4, 15), 4.5, 4.5)
                left += 14
                avail -= 14
            painter.setPen(colors.today_accent if c.highlight else colors.header_text)
            painter.setFont(title_font)
            painter.drawText(QPointF(left, 8 + tfm.ascent()),
                             tfm.elidedText(c.title, Qt.TextElideMode.ElideRight, int(avail)))
            if c.subtitle:
                painter.setFont(sub_font)
                painter.setPen(colors.today_accent if c.highlight else colors.axis_text)
                painter.drawText(QPointF(left, 10 + tfm.height() + sfm.ascent()),
                                 sfm.elidedText(c.subtitle, Qt.TextElideMode.ElideRight, int(avail)))
            if c.highlight:
                painter.fillRect(QRectF(x + 1, HEADER_H - 3, col_w - 1, 3), colors.today_accent)
        painter.fillRect(QRect(0, 0, AXIS_W, HEADER_H), colors.header_bg)
        painter.setPen(QPen(colors.column_rule, 1))
        painter.drawLine(0, HEADER_H - 1, self.width(), HEADER_H - 1)
        painter.end()


class TimeGridView(QWidget):
    """Header strip + scrollable canvas, with the signals every schedule view has."""

    sessionSelected = Signal(int)
    sessionActivated = Signal(int)
    #: trainer id (0 when the column is not a trainer's) and the local start time
    newSessionRequested = Signal(int, object)

    def __init__(self, parent: QWidget | None = None, hour_px: int = 60) -> None:
        super().__init__(parent)
        self.canvas = TimeGridCanvas(hour_px=hour_px)
        self.header = TimeGridHeader(self.canvas)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll_area.horizontalScrollBar().valueChanged.connect(self.header.set_offset)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.scroll_area)
        self.canvas.sessionSelected.connect(self.sessionSelected)
        self.canvas.sessionActivated.connect(self.sessionActivated)
        self.canvas.emptyDoubleClicked.connect(self._on_empty_double_click)
        self.canvas.keyboardMoved.connect(self._show_rect)

    def _show_rect(self, rect: QRectF) -> None:
        centre = rect.center()
        self.scroll_area.ensureVisible(int(centre.x()), int(centre.y()), int(rect.width() / 2) + 8,
                                       int(rect.height() / 2) + 8)

    def _on_empty_double_click(self, column: int, when: datetime) -> None:
        self.newSessionRequested.emit(self.canvas.columns[column].trainer_id, when)

    # -- API shared by the day and week views ---------------------------------
    def session_rect(self, session_id: int) -> QRectF | None:
        """Where a session is drawn, in canvas coordinates (None if not shown)."""
        return self.canvas.session_rect(session_id)

    def session_at(self, point: QPointF | QPoint) -> int | None:
        """The session drawn at a canvas point, if any."""
        return self.canvas.session_at(point)

    def shown_ids(self) -> list[int]:
        return self.canvas.session_ids()

    def column_of(self, session_id: int) -> int | None:
        return self.canvas.column_of(session_id)

    @property
    def columns(self) -> list[Column]:
        return self.canvas.columns

    def select(self, session_id: int | None) -> None:
        self.canvas.select(session_id)

    def set_marks(self, marks: dict[int, str]) -> None:
        self.canvas.set_marks(marks)

    def set_outlines(self, outlines: dict[int, Outline]) -> None:
        self.canvas.set_outlines(outlines)

    def scroll_to_hour(self, hour: int) -> None:
        y = int(self.canvas.y_for_minutes(hour * 60)) - TOP_PAD
        self.scroll_area.verticalScrollBar().setValue(max(0, y))
