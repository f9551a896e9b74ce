"""Moving and resizing sessions with the mouse in the day and week grids.

Pressing on a session and dragging moves it (to another time, and to another
column: a trainer in the day view, a day in the week view); dragging its lower
edge resizes it. Times snap to 15 minutes of the grid's wall clock (see
``core.wallclock``): a move keeps the session's real length, so one that
crosses a change of the clocks shows a longer or shorter block. While dragging,
a ghost shows the target; if a check says the drop would clash, the ghost turns
red with the reason, and releasing there changes nothing (it snaps back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

from ...core.wallclock import SNAP_MINUTES, at_minutes, in_zone, snap_minutes, to_utc

if TYPE_CHECKING:
    from .time_grid import TimeGridCanvas

SNAP = timedelta(minutes=SNAP_MINUTES)
RESIZE_EDGE_PX = 6
START_DISTANCE_PX = 6
OK_INK = QColor("#2f6fb0")
BAD_INK = QColor("#b3261e")


@dataclass(frozen=True)
class DropTarget:
    session_id: int
    column: int
    start: datetime  # aware, in the grid's zone
    end: datetime    # aware, in the grid's zone
    resizing: bool


class SessionDrag:
    """The drag state of one canvas; the canvas forwards its mouse events here."""

    def __init__(self, canvas: TimeGridCanvas) -> None:
        self.canvas = canvas
        self.enabled = True
        #: Says why a drop would be refused (a clash), or None when it may land.
        self.check: Callable[[DropTarget], str | None] = lambda target: None
        self._press: QPointF | None = None
        self._session_id: int | None = None
        self._grab_offset = 0.0  # wall-clock minutes from the session's start to the pointer
        self._resizing = False
        self.target: DropTarget | None = None
        self.problem: str | None = None

    @property
    def active(self) -> bool:
        return self.target is not None

    def press(self, pos: QPointF) -> None:
        self.cancel()
        if not self.enabled:
            return
        sid = self.canvas.session_at(pos)
        rect = self.canvas.session_rect(sid) if sid is not None else None
        session = self.canvas.session(sid) if sid is not None else None
        if sid is None or rect is None or session is None:
            return
        self._press, self._session_id = QPointF(pos), sid
        self._resizing = rect.bottom() - pos.y() <= RESIZE_EDGE_PX
        column = self.canvas.column_of(sid)
        at = self.canvas.minutes_at(pos)
        self._grab_offset = 0.0 if at is None or column is None else \
            at[1] - self.canvas.wall_minutes(session.start, column)

    def move(self, pos: QPointF) -> None:
        if self._press is None or self._session_id is None:
            return
        if self.target is None and (pos - self._press).manhattanLength() < START_DISTANCE_PX:
            return
        session = self.canvas.session(self._session_id)
        column = self.canvas.column_of(self._session_id) if self._resizing else self.canvas.column_at(pos.x())
        at = self.canvas.minutes_at(pos)
        if session is None or at is None or column is None:
            return
        zone, day = self.canvas.zone, self.canvas.columns[column].day
        fold = in_zone(session.start, zone).fold  # the same pass through a repeated hour
        if self._resizing:
            start = in_zone(session.start, zone)
            lowest = self.canvas.wall_minutes(start, column) + SNAP_MINUTES
            end = at_minutes(day, max(lowest, snap_minutes(at[1])), zone, fold)
            if to_utc(end) - to_utc(start) < SNAP:
                end = in_zone(to_utc(start) + SNAP, zone)
        else:
            start = at_minutes(day, snap_minutes(at[1] - self._grab_offset), zone, fold)
            end = in_zone(to_utc(start) + (to_utc(session.end) - to_utc(session.start)), zone)  # real length
        self.target = DropTarget(self._session_id, column, start, end, self._resizing)
        self.problem = self.check(self.target)
        self.canvas.update()

    def release(self) -> DropTarget | None:
        """The accepted drop, or None (no drag, no change, or refused: it snaps back)."""
        target, problem = self.target, self.problem
        session = self.canvas.session(target.session_id) if target else None
        self.cancel()
        if target is None or session is None or problem is not None:
            return None
        unchanged = (to_utc(target.start), to_utc(target.end), target.column) == \
            (to_utc(session.start), to_utc(session.end), self.canvas.column_of(target.session_id))
        return None if unchanged else target

    def cancel(self) -> None:
        had = self.target is not None
        self._press = self._session_id = None
        self.target = self.problem = None
        if had:
            self.canvas.update()

    def paint(self, painter: QPainter, font: QFont) -> None:
        target = self.target
        if target is None:
            return
        rect = self.canvas.rect_for(target.column, target.start, target.end)
        ink = BAD_INK if self.problem else OK_INK
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        fill = QColor(ink)
        fill.setAlpha(40)
        painter.setBrush(fill)
        painter.setPen(QPen(ink, 2, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(rect, 5, 5)
        painter.setPen(ink)
        painter.setFont(font)
        label = f"{target.start:%H:%M}–{target.end:%H:%M}"
        if self.problem:
            label += f"\n{self.problem}"
        painter.drawText(rect.adjusted(6, 4, -6, -4),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(
                             Qt.TextFlag.TextWordWrap), label)
        painter.restore()


def ghost_rect(canvas: TimeGridCanvas, column: int, start_min: float, end_min: float) -> QRectF:
    """The ghost of a drop in ``column`` over wall-clock minutes ``start_min``–``end_min``."""
    top = canvas.y_for_minutes(start_min)
    bottom = canvas.y_for_minutes(end_min)
    x = canvas.column_x(column) + 3
    return QRectF(x, top + 1, canvas.column_width() - 6, max(18.0, bottom - top - 2))
