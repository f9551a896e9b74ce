"""The schedule views follow the theme: in dark, the grid, axis, headers and
month cells turn dark and their text light; session blocks of every status
stay readable (WCAG contrast of text on fill) and told apart in both themes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from itertools import pairwise

import pytest
from PySide6.QtGui import QColor, QImage

from swan_desktop.protocol.entities import Status
from swan_desktop.qt.style import MIN_CONTRAST, block_colors, contrast
from swan_desktop.qt.theme import apply_theme
from swan_desktop.qt.views.time_grid import AXIS_W
from tests.support.sample_studio import READABLE

from .schedule_window import OpenWindow, ScheduleWindow

TYPE_COLOURS = ["#5b8db8", "#8a79b8", "#6aa36f", "#c98b4a", "#e0c040", "#d0544b", "#93c47d",
                "#f6b26b", "#6fa8dc", "#b48ead", "not a colour"]


@pytest.fixture
async def shown(open_window: OpenWindow) -> AsyncIterator[ScheduleWindow]:
    opened = await open_window()
    yield opened
    opened.close_for_good()
    apply_theme("system")


def lightness_range(image: QImage, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int]:
    values = [image.pixelColor(x, y).lightness() for x in range(x0, x1) for y in range(y0, y1)]
    return min(values), max(values)


def axis_label_box(view) -> tuple[QImage, tuple[int, int, int, int]]:
    """The canvas image and the box around the 12:00 axis label."""
    canvas = view.canvas
    image = canvas.grab().toImage()
    y = round(canvas.y_for_minutes(12 * 60))
    return image, (4, y - 7, AXIS_W - 8, y + 7)


@pytest.mark.parametrize("view_name", ["day", "week"])
async def test_time_grid_background_and_axis_text_follow_the_theme(shown, view_name: str) -> None:
    shown.pane.set_view(view_name)
    view = getattr(shown.pane, f"{view_name}_view")
    apply_theme("light")
    image, (x0, y0, x1, y1) = axis_label_box(view)
    background = image.pixelColor(2, y0 - 14)
    darkest, _ = lightness_range(image, x0, y0, x1, y1)
    assert background.lightness() > 240 and darkest < 130  # dark text on white

    apply_theme("dark")
    image, (x0, y0, x1, y1) = axis_label_box(view)
    background = image.pixelColor(2, y0 - 14)
    _, lightest = lightness_range(image, x0, y0, x1, y1)
    assert background.lightness() < 40 and lightest > 140  # light text on a dark grid
    header = view.header.grab().toImage()
    assert header.pixelColor(AXIS_W // 2, 5).lightness() < 50


async def test_month_cells_and_day_numbers_follow_the_theme(shown) -> None:
    shown.pane.set_view("month")
    month = shown.pane.month_view
    cell = month.cell_rect(shown.pane.current_date)
    assert cell is not None
    box = (round(cell.left()) + 4, round(cell.top()) + 4, round(cell.left()) + 24,
           round(cell.top()) + 20)  # the day number
    apply_theme("light")
    light = month.grab().toImage()
    apply_theme("dark")
    dark = month.grab().toImage()
    corner = (round(cell.right()) - 3, round(cell.bottom()) - 3)
    assert light.pixelColor(*corner).lightness() > 220 and dark.pixelColor(*corner).lightness() < 50
    assert lightness_range(light, *box)[0] < 120 and lightness_range(dark, *box)[1] > 150


async def test_the_agenda_table_follows_the_theme(shown) -> None:
    shown.pane.set_view("agenda")
    viewport = shown.pane.agenda_view.viewport()
    apply_theme("dark")
    image = viewport.grab().toImage()
    assert image.pixelColor(image.width() - 5, image.height() - 5).lightness() < 50


async def test_blocks_are_painted_with_the_dark_colours_in_the_dark_theme(shown) -> None:
    view = shown.pane.day_view
    confirmed = next(s for s in shown.pane.store.between(*shown.pane.visible_range())
                     if s.status is Status.CONFIRMED)
    rect = view.session_rect(confirmed.id)
    assert rect is not None
    inside = (round(rect.left()) + 6, round(rect.bottom()) - 4)  # below the text lines
    colour = shown.pane.store.directory.type_color(confirmed.session_type_id)
    assert colour == READABLE["#5b8db8"]  # Personal training's colour, as the server holds it
    for theme, dark in (("light", False), ("dark", True)):
        apply_theme(theme)
        painted = view.canvas.grab().toImage().pixelColor(*inside)
        assert painted == block_colors(colour, Status.CONFIRMED, dark=dark).fill


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_block_text_reads_on_its_fill_for_every_status_and_type_colour(dark: bool) -> None:
    for colour in TYPE_COLOURS:
        for status in Status:
            c = block_colors(colour, status, dark=dark)
            assert contrast(c.text, c.fill) >= MIN_CONTRAST >= 4.5, (colour, status)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_statuses_stay_distinguishable_by_fill_or_outline(dark: bool) -> None:
    looks = [block_colors("#5b8db8", s, dark=dark) for s in (
        Status.CONFIRMED, Status.SCHEDULED, Status.REQUESTED, Status.AVAILABLE)]
    # the booking ladder: each step's fill differs clearly from the next
    for a, b in pairwise(looks):
        assert abs(a.fill.lightness() - b.fill.lightness()) >= 12 or \
            contrast(a.fill, b.fill) >= 1.3, (a.fill.name(), b.fill.name())
    background = QColor("#161c22" if dark else "#ffffff")
    solid = looks[0]
    assert contrast(solid.fill, background) >= 1.8  # a confirmed block stands out of the grid
