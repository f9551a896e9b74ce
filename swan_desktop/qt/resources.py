"""The one way to find the app's resources (icons, stylesheets), from a source
checkout and from the frozen PyInstaller bundle alike.

From source the folder is ``<repo>/resources``; frozen, PyInstaller unpacks it
as ``resources`` under ``sys._MEIPASS`` (see ``packaging/swan_desktop.spec``).
``SWAN_RESOURCES`` overrides both (tests and unusual installs).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QPixmap

ICON_NAME = "swan-desktop"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


class MissingResource(FileNotFoundError):
    """A resource the app ships is not where it should be (a broken install)."""


def resource_root() -> Path:
    override = os.environ.get("SWAN_RESOURCES")
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


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
    icon and stylesheet readable, and the image plugins that read them present."""
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
    return found
