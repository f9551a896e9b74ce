"""The schedule's look: calm colours, and how each status is marked.

Statuses must be told apart without reading, so each one has its own fill
and outline on top of the session type's colour:

========== ===================================================== =====
status     marking                                               glyph
========== ===================================================== =====
confirmed  solid fill in the type colour                          ●
scheduled  light tint of the type colour, solid outline
requested  pale tint, dashed outline                              ?
available  empty (white), dotted outline                          +
completed  muted grey-tinted fill                                 ✓
cancelled  pale grey, struck-through text, dashed grey outline    ✕
blocked    grey with diagonal hatching
========== ===================================================== =====
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ..protocol.entities import Status

# -- the canvas ------------------------------------------------------------
BACKGROUND = QColor("#ffffff")
OFF_HOURS = QColor("#f7f8fa")
GRID_HOUR = QColor("#e3e7ec")
GRID_HALF = QColor("#f0f2f5")
COLUMN_RULE = QColor("#d9dee5")
AXIS_TEXT = QColor("#5f6b7a")
HEADER_BG = QColor("#f4f6f8")
HEADER_TEXT = QColor("#25313d")
TODAY_ACCENT = QColor("#2f6f9f")
NOW_LINE = QColor("#d0544b")
SELECTION = QColor("#1d3557")
ERROR_TEXT = "#b3261e"
DIFF_BG = QColor("#fff3c4")

DARK_TEXT = QColor("#1f2a33")
LIGHT_TEXT = QColor("#ffffff")
GREY_TEXT = QColor("#6b7480")


class Fill(enum.Enum):
    SOLID = "solid"
    TINT = "tint"
    PALE = "pale"
    EMPTY = "empty"
    MUTED = "muted"
    GREY = "grey"
    HATCHED = "hatched"


@dataclass(frozen=True, slots=True)
class StatusLook:
    label: str
    fill: Fill
    outline: Qt.PenStyle
    glyph: str = ""
    strike: bool = False


STATUS_LOOK: dict[Status, StatusLook] = {
    Status.CONFIRMED: StatusLook("Confirmed", Fill.SOLID, Qt.PenStyle.SolidLine, "●"),
    Status.SCHEDULED: StatusLook("Scheduled", Fill.TINT, Qt.PenStyle.SolidLine),
    Status.REQUESTED: StatusLook("Requested", Fill.PALE, Qt.PenStyle.DashLine, "?"),
    Status.AVAILABLE: StatusLook("Available", Fill.EMPTY, Qt.PenStyle.DotLine, "+"),
    Status.COMPLETED: StatusLook("Completed", Fill.MUTED, Qt.PenStyle.SolidLine, "✓"),
    Status.CANCELLED: StatusLook("Cancelled", Fill.GREY, Qt.PenStyle.DashLine, "✕", strike=True),
    Status.BLOCKED: StatusLook("Blocked", Fill.HATCHED, Qt.PenStyle.SolidLine),
}


def status_label(status: Status) -> str:
    return STATUS_LOOK[status].label


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way towards ``b``."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def _luminance(c: QColor) -> float:
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()


@dataclass(frozen=True, slots=True)
class BlockColors:
    fill: QColor
    outline: QColor
    text: QColor
    hatch: QColor | None = None


_WHITE = QColor("#ffffff")
_GREY = QColor("#9aa3ad")


def block_colors(type_color: str, status: Status) -> BlockColors:
    """Fill, outline and text colour of a session block of this type and status."""
    base = QColor(type_color)
    if not base.isValid():
        base = QColor("#8a9aa8")
    outline = base.darker(125)
    fill_kind = STATUS_LOOK[status].fill
    if fill_kind is Fill.SOLID:
        fill = mix(base, _WHITE, 0.05)
        text = LIGHT_TEXT if _luminance(fill) < 0.6 else DARK_TEXT
        return BlockColors(fill, outline, text)
    if fill_kind is Fill.TINT:
        return BlockColors(mix(base, _WHITE, 0.62), outline, DARK_TEXT)
    if fill_kind is Fill.PALE:
        return BlockColors(mix(base, _WHITE, 0.88), outline, DARK_TEXT)
    if fill_kind is Fill.EMPTY:
        return BlockColors(_WHITE, mix(base, _GREY, 0.3), DARK_TEXT)
    if fill_kind is Fill.MUTED:
        muted = mix(base, _GREY, 0.75)
        return BlockColors(mix(muted, _WHITE, 0.6), mix(muted, _WHITE, 0.1), GREY_TEXT)
    if fill_kind is Fill.GREY:
        return BlockColors(QColor("#f2f3f5"), QColor("#b7bec6"), QColor("#858d96"))
    return BlockColors(QColor("#eceef1"), QColor("#b7bec6"), GREY_TEXT, hatch=QColor("#c3c9d0"))
