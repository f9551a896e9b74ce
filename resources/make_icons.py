"""Render the app icon's PNG sizes and the Windows .ico from the one SVG source.

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/make_icons.py

Writes icons/swan-desktop-<size>.png for every size in SIZES and
icons/swan-desktop.ico (PNG-compressed entries, 16–256 px, as Windows Vista+ reads them).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent / "icons"
SOURCE = HERE / "swan-desktop.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """An ICONDIR with one PNG-compressed ICONDIRENTRY per size (0 in a byte means 256)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, data in sorted(images.items()):
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    path.write_bytes(header + entries + payload)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    images: dict[int, bytes] = {}
    for size in SIZES:
        data = png_bytes(render(renderer, size))
        (HERE / f"swan-desktop-{size}.png").write_bytes(data)
        images[size] = data
    write_ico(HERE / "swan-desktop.ico", images)
    print(f"wrote {len(SIZES)} PNGs and swan-desktop.ico into {HERE}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
