"""Unexpected exceptions reach the user as a dialog with the details, and the log."""

from __future__ import annotations

import asyncio
import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger(__name__)

_open_boxes: list[QMessageBox] = []


def show_error(summary: str, details: str) -> None:
    """Show a non-modal error box (never ``exec()``: it may be called inside a coroutine)."""
    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "Swan Desktop — unexpected error",
                      f"{summary}\n\nYour work on the server is safe. Details were written to the log.")
    box.setDetailedText(details)
    box.setObjectName("crashDialog")
    _open_boxes.append(box)
    box.finished.connect(lambda _=0, b=box: _open_boxes.remove(b) if b in _open_boxes else None)
    box.open()


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected exception\n%s", details)
    show_error(f"{kind.__name__}: {value}", details)


def _loop_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    exc = context.get("exception")
    message = str(context.get("message", "error in the event loop"))
    if exc is None:
        log.error("event loop: %s", message)
        return
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    log.error("event loop: %s\n%s", message, details)
    show_error(f"{type(exc).__name__}: {exc}", details)


def install(loop: asyncio.AbstractEventLoop | None = None) -> None:
    sys.excepthook = _excepthook
    if loop is not None:
        loop.set_exception_handler(_loop_handler)
