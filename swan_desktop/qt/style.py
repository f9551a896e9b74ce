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

The canvas (grid, axis, rules, headers, month cells) comes in a light and a
dark table, :data:`LIGHT` and :data:`DARK`; :func:`canvas_colors` picks the one
that matches a widget's palette, so the views follow the theme. Block colours
are worked out for either background, and the text colour of every block is
pushed until it reads at least :data:`MIN_CONTRAST` against its fill.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from ..protocol.entities import Status

# -- the canvas (light; see LIGHT and DARK below for the themed tables) ------
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


def relative_luminance(c: QColor) -> float:
    """WCAG 2 relative luminance (linear light) of an opaque colour."""
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


#: Text on a session block reads at least this well against the block's fill (WCAG AA).
MIN_CONTRAST = 4.6


def legible(text: QColor, fill: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """``text`` moved towards black or white (whichever the fill allows) until it reads."""
    if contrast(text, fill) >= minimum:
        return text
    target = _BLACK if relative_luminance(fill) > 0.18 else _WHITE
    for step in range(1, 21):
        moved = mix(text, target, step / 20)
        if contrast(moved, fill) >= minimum:
            return moved
    return target


# -- the themed canvas -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CanvasColors:
    """Everything the schedule views paint that is not a session block."""

    dark: bool
    background: QColor
    off_month: QColor
    grid_hour: QColor
    grid_half: QColor
    column_rule: QColor
    axis_text: QColor
    header_bg: QColor
    header_text: QColor
    day_text: QColor
    muted_text: QColor
    today_accent: QColor
    today_column: QColor
    selected_day: QColor
    now_line: QColor
    selection: QColor
    off_hours: QColor  # outside a trainer's working hours

LIGHT = CanvasColors(
    dark=False, background=BACKGROUND, off_month=QColor("#f6f7f9"), grid_hour=GRID_HOUR,
    grid_half=GRID_HALF, column_rule=COLUMN_RULE, axis_text=AXIS_TEXT, header_bg=HEADER_BG,
    header_text=HEADER_TEXT, day_text=QColor("#1f2a36"), muted_text=QColor("#8a95a1"),
    today_accent=TODAY_ACCENT, today_column=QColor("#f5f9fc"), selected_day=QColor("#eaf2fb"),
    now_line=NOW_LINE, selection=SELECTION, off_hours=QColor("#eef0f3"))

DARK = CanvasColors(
    dark=True, background=QColor("#161c22"), off_month=QColor("#101418"), grid_hour=QColor("#2b343d"),
    grid_half=QColor("#1f262d"), column_rule=QColor("#323c46"), axis_text=QColor("#a3aebb"),
    header_bg=QColor("#1b2128"), header_text=QColor("#e6ebf0"), day_text=QColor("#dde3ea"),
    muted_text=QColor("#7f8a96"), today_accent=QColor("#7ab4e0"), today_column=QColor("#17212b"),
    selected_day=QColor("#1d2d3d"), now_line=QColor("#f07a70"), selection=QColor("#d6e8fa"),
    off_hours=QColor("#0f1317"))


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (default: the application's) is a dark one."""
    palette = palette if palette is not None else QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def canvas_colors(palette: QPalette | None = None) -> CanvasColors:
    """The canvas table matching ``palette`` (a widget's, or the application's)."""
    return DARK if is_dark(palette) else LIGHT


@dataclass(frozen=True, slots=True)
class BlockColors:
    fill: QColor
    outline: QColor
    text: QColor
    hatch: QColor | None = None


_WHITE = QColor("#ffffff")
_BLACK = QColor("#000000")
_GREY = QColor("#9aa3ad")


@lru_cache(maxsize=512)
def block_colors(type_color: str, status: Status, dark: bool = False) -> BlockColors:
    """Fill, outline and text colour of a session block of this type and status,
    on the light canvas or (``dark``) the dark one; the text always reads."""
    base = QColor(type_color)
    if not base.isValid():
        base = QColor("#8a9aa8")
    raw = _dark_block(base, status) if dark else _light_block(base, status)
    return BlockColors(raw.fill, raw.outline, legible(raw.text, raw.fill), raw.hatch)


def _light_block(base: QColor, status: Status) -> BlockColors:
    outline = base.darker(125)
    fill_kind = STATUS_LOOK[status].fill
    if fill_kind is Fill.SOLID:
        fill = mix(base, _WHITE, 0.05)
        text = LIGHT_TEXT if contrast(LIGHT_TEXT, fill) >= contrast(DARK_TEXT, fill) else DARK_TEXT
        if text is LIGHT_TEXT:  # a mid-tone type colour is deepened until white text reads on it
            fill = _deepen(fill, text)
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


_DARK_BG = DARK.background
_DARK_TEXT_ON_DARK = QColor("#e8ecf1")
_DARK_GREY_TEXT = QColor("#9aa4ae")


def _dark_block(base: QColor, status: Status) -> BlockColors:
    """The dark canvas: tints sink into the background instead of fading to white,
    outlines are lifted instead of deepened, text is light."""
    outline = mix(base, _WHITE, 0.15)
    fill_kind = STATUS_LOOK[status].fill
    if fill_kind is Fill.SOLID:
        fill = _deepen(mix(base, _BLACK, 0.2), LIGHT_TEXT)
        return BlockColors(fill, mix(base, _WHITE, 0.3), LIGHT_TEXT)
    if fill_kind is Fill.TINT:
        return BlockColors(mix(base, _DARK_BG, 0.68), outline, _DARK_TEXT_ON_DARK)
    if fill_kind is Fill.PALE:
        return BlockColors(mix(base, _DARK_BG, 0.84), outline, _DARK_TEXT_ON_DARK)
    if fill_kind is Fill.EMPTY:
        return BlockColors(_DARK_BG, mix(base, _GREY, 0.3), _DARK_TEXT_ON_DARK)
    if fill_kind is Fill.MUTED:
        muted = mix(base, _GREY, 0.75)
        return BlockColors(mix(muted, _DARK_BG, 0.72), mix(muted, _DARK_BG, 0.3), _DARK_GREY_TEXT)
    if fill_kind is Fill.GREY:
        return BlockColors(QColor("#22282e"), QColor("#4d5661"), QColor("#8f98a2"))
    return BlockColors(QColor("#20252b"), QColor("#4d5661"), _DARK_GREY_TEXT, hatch=QColor("#3a424b"))


def _deepen(fill: QColor, text: QColor) -> QColor:
    """``fill`` darkened step by step (keeping its hue) until ``text`` reads on it."""
    for step in range(21):
        deeper = mix(fill, _BLACK, step / 40)
        if contrast(text, deeper) >= MIN_CONTRAST:
            return deeper
    return mix(fill, _BLACK, 0.5)
