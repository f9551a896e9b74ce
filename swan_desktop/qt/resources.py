"""The one way to find the app's resources (icons, stylesheets, sounds), from a
source checkout and from the frozen PyInstaller bundle alike.

The folder is :func:`~swan_desktop.settings.paths.resource_root`: from source
``<repo>/resources``; frozen, ``resources`` under ``sys._MEIPASS`` (see
``packaging/swan_desktop.spec``); ``SWAN_RESOURCES`` overrides both.
"""

from __future__ import annotations

import functools
import wave
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap

from ..settings.paths import resource_root

__all__ = ["ICON_NAME", "ICON_SIZES", "SOUNDS", "MissingResource", "problems", "resource_path",
           "resource_root"]

ICON_NAME = "swan-desktop"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: The notification chimes, one per priority (``resources/sounds``).
SOUNDS = tuple(f"notify-{p}.wav" for p in ("low", "normal", "high", "critical"))


class MissingResource(FileNotFoundError):
    """A resource the app ships is not where it should be (a broken install)."""


def resource_path(*parts: str) -> Path:
    """The path of a shipped file; raises :class:`MissingResource` when it is absent."""
    path = resource_root().joinpath(*parts)
    if not path.exists():
        raise MissingResource(f"resource {'/'.join(parts)} is missing (looked in {resource_root()})")
    return path


@functools.cache
def app_icon() -> QIcon:
    """The app icon, crisp at every size and device pixel ratio.

    Drawn from the SVG (Qt's SVG icon engine renders any size at any scale); where that
    engine is missing, from the pre-rendered PNGs, each also offered as the @2x image of
    half its size, so a high-DPI screen gets the large PNG instead of a small one upscaled.
    """
    svg = QIcon(str(resource_path("icons", f"{ICON_NAME}.svg")))
    if svg_icon_engine_works(svg):
        return svg
    return png_icon()


def png_icon() -> QIcon:
    """The app icon from the PNG sizes alone, with @2x entries (see :func:`app_icon`)."""
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap(str(resource_path("icons", f"{ICON_NAME}-{size}.png")))
        icon.addPixmap(pixmap)
        if size // 2 >= ICON_SIZES[0]:
            double = QPixmap(pixmap)
            double.setDevicePixelRatio(2.0)
            icon.addPixmap(double)
    return icon


def svg_icon_engine_works(icon: QIcon) -> bool:
    """Whether ``icon`` is drawn by an engine that scales up (a pixmap engine never does)."""
    big = max(ICON_SIZES) * 2
    return not icon.isNull() and icon.pixmap(QSize(big, big)).width() >= big


def stylesheet(name: str) -> str:
    """The text of ``resources/styles/<name>.qss``."""
    return resource_path("styles", f"{name}.qss").read_text("utf-8")


def problems() -> list[str]:
    """What a broken install or bundle lacks (the self-test reports these): every shipped
    icon, stylesheet and sound readable, and the Qt plugins and modules that read them present."""
    from PySide6.QtGui import QImageReader

    found: list[str] = []
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    found += [f"no Qt image plugin for {fmt}" for fmt in ("png", "svg", "ico") if fmt not in formats]
    try:
        if not svg_icon_engine_works(QIcon(str(resource_path("icons", f"{ICON_NAME}.svg")))):
            found.append("no Qt SVG icon engine: the icon is not crisp at large sizes")
    except MissingResource:
        pass  # reported below with the other files
    files = [("icons", f"{ICON_NAME}-{s}.png") for s in ICON_SIZES]
    files += [("icons", f"{ICON_NAME}.svg"), ("icons", f"{ICON_NAME}.ico"),
              ("styles", "light.qss"), ("styles", "dark.qss")]
    for parts in files:
        try:
            path = resource_path(*parts)
        except MissingResource as exc:
            found.append(str(exc))
            continue
        if path.suffix != ".qss" and QImageReader(str(path)).read().isNull():
            found.append(f"cannot read {'/'.join(parts)}")
    return found + _sound_problems()


def _sound_problems() -> list[str]:
    found: list[str] = []
    try:
        from PySide6.QtMultimedia import QSoundEffect  # noqa: F401 - what plays them
    except ImportError as exc:
        found.append(f"no QtMultimedia to play sounds ({exc})")
    for name in SOUNDS:
        try:
            path = resource_path("sounds", name)
        except MissingResource as exc:
            found.append(str(exc))
            continue
        try:
            with wave.open(str(path)) as sound:
                if sound.getnframes() == 0:
                    found.append(f"sounds/{name} is empty")
        except (wave.Error, EOFError, OSError) as exc:
            found.append(f"cannot read sounds/{name} ({exc})")
    return found
