"""A day or a week on paper: a one-page PDF holding the whole day, scaled to fit."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from swan_desktop.qt.printing import export_pdf, printable_parts, render
from swan_desktop.qt.views.day_view import DayView
from tests.support.sample import DAY, make_directory, session


def day_view(qtbot) -> DayView:
    view = DayView()
    qtbot.addWidget(view)
    view.resize(1200, 500)  # shorter than the day: part of it is scrolled away on screen
    view.show_day(DAY, [session(1, 1, 7), session(2, 2, 19)], make_directory())
    view.show()
    return view


def test_the_pdf_is_one_landscape_page(qtbot, tmp_path: Path) -> None:
    view = day_view(qtbot)
    path = tmp_path / "day.pdf"
    scale = export_pdf(view, str(path), "Wednesday 12 March 2031")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    (box,) = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert (round(float(box[0])), round(float(box[1]))) == (842, 595)  # A4 landscape, in points
    assert 0 < scale <= 1.5


def test_paper_holds_the_whole_day_not_just_the_visible_part(qtbot) -> None:
    view = day_view(qtbot)
    header, canvas = printable_parts(view)
    assert canvas.height() > view.scroll_area.viewport().height()  # more than the screen shows
    image = QImage(1400, 1000, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scale = render(painter, QRectF(0, 0, 1400, 1000), "Day", [header, canvas])
    painter.end()
    # The 19:00 session (near the bottom of the day) is on the page.
    assert canvas is view.canvas
    rect = view.canvas.session_rect(2)
    assert rect is not None
    y = int(36 + (header.height() + rect.center().y()) * scale)
    x = int(rect.center().x() * scale)
    assert image.pixelColor(x, y) != QColor("white")


def test_paper_is_light_even_when_the_screen_is_dark(qtbot) -> None:
    from swan_desktop.qt.theme import dark_palette

    view = day_view(qtbot)
    for part in printable_parts(view):
        part.setPalette(dark_palette())
    header, canvas = printable_parts(view)
    image = QImage(1400, 1000, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scale = render(painter, QRectF(0, 0, 1400, 1000), "Day", [header, canvas])
    painter.end()
    # An empty stretch of the grid, well below the title, prints light.
    empty = image.pixelColor(int(canvas.width() * scale) - 20, int(36 + header.height() * scale + 40))
    assert empty.lightness() > 200
    assert canvas.palette().window().color().lightness() < 128  # the screen stays dark
