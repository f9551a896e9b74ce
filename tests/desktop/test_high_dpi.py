"""High-DPI screens: the app icon at device pixel ratio 2 is drawn from the
SVG (or the large PNG), never a small PNG upscaled; the day view renders at
twice the pixels, not as a stretched 1x picture."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QRegion

from swan_desktop.qt.resources import ICON_NAME, app_icon, png_icon, resource_path

from .schedule_window import OpenWindow


def png(size: int) -> QImage:
    return QImage(str(resource_path("icons", f"{ICON_NAME}-{size}.png"))).convertToFormat(
        QImage.Format.Format_ARGB32)


def difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel (0-255) between two same-sized images."""
    assert a.size() == b.size()
    a = a.convertToFormat(QImage.Format.Format_ARGB32)
    b = b.convertToFormat(QImage.Format.Format_ARGB32)
    total = 0
    for y in range(a.height()):
        for x in range(a.width()):
            ca, cb = a.pixelColor(x, y), b.pixelColor(x, y)
            total += (abs(ca.red() - cb.red()) + abs(ca.green() - cb.green())
                      + abs(ca.blue() - cb.blue()) + abs(ca.alpha() - cb.alpha()))
    return total / (a.width() * a.height() * 4)


def upscaled(size: int, factor: int) -> QImage:
    return png(size).scaled(size * factor, size * factor, Qt.AspectRatioMode.IgnoreAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)


@pytest.mark.parametrize("logical", [16, 24, 32, 128])
def test_icon_at_2x_has_twice_the_pixels_drawn_sharp(qapp, logical: int) -> None:
    pixmap = app_icon().pixmap(QSize(logical, logical), 2.0)
    assert pixmap.devicePixelRatio() == 2.0
    assert pixmap.size() == QSize(2 * logical, 2 * logical)
    image = pixmap.toImage()
    sharp, blurred = png(2 * logical), upscaled(logical, 2)
    # it looks like the large pre-rendered PNG, clearly not like the small one upscaled
    assert difference(image, sharp) < difference(image, blurred) / 2


def test_icon_at_2x_for_the_largest_size_is_still_full_resolution(qapp) -> None:
    assert app_icon().pixmap(QSize(256, 256), 2.0).size() == QSize(512, 512)


def test_without_the_svg_engine_the_png_set_still_gives_the_large_png_at_2x(qapp) -> None:
    for logical in (16, 32, 64):
        pixmap = png_icon().pixmap(QSize(logical, logical), 2.0)
        assert pixmap.size() == QSize(2 * logical, 2 * logical)
        assert difference(pixmap.toImage(), png(2 * logical)) < 1.0


async def test_window_icon_at_2x_is_sharp(open_window: OpenWindow) -> None:
    opened = await open_window(show=False)
    icon = opened.window.windowIcon().pixmap(QSize(32, 32), 2.0)
    assert icon.size() == QSize(64, 64)
    assert difference(icon.toImage(), png(64)) < difference(icon.toImage(), upscaled(32, 2)) / 2
    opened.close_for_good()


async def test_day_view_renders_at_device_pixel_ratio_2(open_window: OpenWindow) -> None:
    opened = await open_window()
    canvas = opened.pane.day_view.canvas
    w, h = 240, 160
    images = []
    for ratio in (1, 2):
        image = QImage(w * ratio, h * ratio, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        canvas.render(painter, QPoint(0, 0), QRegion(0, canvas.height() // 3, w, h))
        painter.end()
        images.append(image)
    one, two = images
    assert two.size() == QSize(2 * w, 2 * h) and two.devicePixelRatio() == 2
    stretched = one.scaled(2 * w, 2 * h, Qt.AspectRatioMode.IgnoreAspectRatio,
                           Qt.TransformationMode.FastTransformation)
    # text and lines are drawn at the finer resolution: a stretched 1x picture differs from it
    assert difference(two, stretched) > 1.0
    opened.close_for_good()
