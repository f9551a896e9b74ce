"""An unexpected exception reaches the user as a dialog with the details, and the log."""

from __future__ import annotations

import asyncio
import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from swan_desktop.qt import crash_dialog


def shown_crash_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "crashDialog" and w.isVisible()]


def close_all() -> None:
    for box in shown_crash_boxes():
        box.done(0)


def test_uncaught_exception_opens_a_dialog_with_the_traceback(qapp, caplog, monkeypatch) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    crash_dialog.install()
    try:
        raise ValueError("the printer caught fire")
    except ValueError:
        with caplog.at_level(logging.ERROR):
            sys.excepthook(*sys.exc_info())
    (box,) = shown_crash_boxes()
    assert "ValueError: the printer caught fire" in box.text()
    assert "Traceback" in box.detailedText() and "test_crash_dialog.py" in box.detailedText()
    assert "the printer caught fire" in caplog.text
    close_all()


async def test_exception_in_a_background_task_is_shown_too(qapp) -> None:
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    crash_dialog.install(loop)
    try:
        async def boom() -> None:
            raise RuntimeError("lost the schedule")

        task = loop.create_task(boom())
        await asyncio.wait([task])
        loop.call_exception_handler({"message": "Task exception was never retrieved",
                                     "exception": task.exception(), "future": task})
        (box,) = shown_crash_boxes()
        assert "RuntimeError: lost the schedule" in box.text()
    finally:
        loop.set_exception_handler(previous)
        close_all()
