"""A working day at the desk, rendered offscreen: the booking form with a clash and its free
alternatives, the cancel dialog, the Edit menu after a move, the keyboard focus outline with
the "Booked … · Undo" notice, and the calendar key. The desk is signed in to a real server
(started here, on a temporary database) where the front desk first set up the studio and
booked this week through its own requests; the booking, the move and the cancel dialog go to
that server.

    .venv/bin/python docs/screenshots/desk_shots.py

Writes booking-alternatives.png, cancel-dialog.png, edit-menu.png, focus-outline.png,
calendar-key.png, whos-free.png and filter-chip.png next to this file.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import qasync  # noqa: E402
from PySide6.QtCore import QPoint, Qt, QTime  # noqa: E402
from PySide6.QtGui import QFont, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from take import DIRECTORY, build_store, local  # noqa: E402

from swan_desktop.core.client import StudioClient  # noqa: E402
from swan_desktop.protocol.entities import Role  # noqa: E402
from swan_desktop.qt.edit_menu import install_edit_menu  # noqa: E402
from swan_desktop.qt.main_window import MainWindow  # noqa: E402
from swan_desktop.qt.schedule_pane import SchedulePane  # noqa: E402
from swan_desktop.qt.views.week_view import week_start  # noqa: E402
from swan_desktop.server.embedded import EmbeddedServer  # noqa: E402
from tests.support.sample_studio import book, put_studio  # noqa: E402
from tests.support.server import PASSWORDS, start_server  # noqa: E402

OUT = Path(__file__).resolve().parent


async def settle(seconds: float = 0.2) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def save(widget: QWidget, name: str) -> None:
    widget.grab().save(str(OUT / name))
    print("wrote", OUT / name)


async def set_up(server: EmbeddedServer, folder: Path) -> None:
    """The front desk's admin, Rosa Delgado, sets the studio up and books this week of ``take.py``;
    the trainers get accounts linked to them (as ``take.py``'s directory has)."""
    rosa = StudioClient(server.url, outbox_dir=folder / "setup")
    try:
        await rosa.sign_in({"username": "boss", "password": PASSWORDS["boss"]})
        assert rosa.user is not None
        await rosa.admin.update_account(rosa.user.id, name="Rosa Delgado")
        await rosa.link.request("studio.settings.set", {"cancellation_window_h": 24})
        ids = await put_studio(rosa, DIRECTORY)
        trainers = {t.name: ids.trainers[t.id] for t in DIRECTORY.trainers.values()}
        for user in DIRECTORY.users.values():
            if user.role is Role.TRAINER:
                await rosa.admin.create_account(user.name.lower().replace(" ", "."), user.name, "trainer",
                                                trainer_id=trainers[user.name])
        today = date.today()
        week = local(week_start(today), 0, 0)
        await book(rosa, ids, build_store(today).between(week, week + timedelta(days=7)))
    finally:
        await rosa.close()


async def main(folder: Path) -> None:
    server = start_server(folder / "studio.sqlite3", demo=False)
    try:
        await set_up(server, folder)
        desk = StudioClient(server.url, outbox_dir=folder / "desk")  # Rosa at the desk, signed in anew
        try:
            await desk.sign_in({"username": "boss", "password": PASSWORDS["boss"]})
            week = local(week_start(date.today()), 0, 0)
            await desk.load_range(week, week + timedelta(days=7))
            await shots(desk)
        finally:
            await desk.close()
    finally:
        server.stop()


async def shots(client: StudioClient) -> None:
    today = date.today()
    store = client.store
    trainers = {t.name: t.id for t in store.directory.trainers.values()}
    pane = SchedulePane(store, client)
    window = MainWindow(pane)
    pane.set_current_user(client.user)
    pane.studio_settings = lambda: client.collab.settings  # the cancellation window, as the app does
    menu = install_edit_menu(window, pane)
    window.resize(1400, 900)
    window.show()
    pane.set_date(today)
    pane.day_view.scroll_to_hour(6)
    await settle()

    # The booking form: Ana at 10:45 clashes with her 10:30; free alternatives are offered.
    dialog = pane.open_new(trainer_id=trainers["Ana Ribeiro"], start=local(today, 10, 45))
    assert dialog is not None and dialog.clash_watch is not None
    dialog.form.client_combo.setEditText("Mia Torres")
    dialog.clash_watch.check_now()
    dialog.adjustSize()
    await settle()
    save(dialog, "booking-alternatives.png")
    dialog.alternatives_bar.buttons[0].click()
    await settle()
    dialog.save()
    await settle(0.3)

    # Keyboard: the grid has focus, the new booking is outlined, the notice offers Undo.
    canvas = pane.day_view.canvas
    window.activateWindow()
    canvas.setFocus()
    await settle()
    save(window, "focus-outline.png")

    # A move with Ctrl+Down, then the Edit menu naming it.
    pane.select_session(next(s.id for s in store.between(local(today, 11, 0), local(today, 12, 0))
                             if s.client_name == "Lucas Meyer"))
    canvas.setFocus()
    await settle()
    from PySide6.QtTest import QTest
    QTest.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    await settle(0.3)
    bar = window.menuBar()
    edit_action = menu.menuAction()
    menu.popup(bar.mapToGlobal(bar.actionGeometry(edit_action).bottomLeft()))
    await settle()
    shot = window.grab()
    painter = QPainter(shot)
    painter.drawPixmap(menu.pos() - window.mapToGlobal(QPoint(0, 0)), menu.grab())
    painter.end()
    shot.copy(0, 0, 900, 360).save(str(OUT / "edit-menu.png"))
    print("wrote", OUT / "edit-menu.png")
    menu.close()

    # Cancelling: reason, credit and who is told; no button called "Cancel".
    target = next(s for s in store.between(local(today, 9, 0), local(today, 10, 0))
                  if s.client_name and s.status.value == "confirmed")
    cancel = pane.commands.ask_cancel(target.id)
    assert cancel is not None
    cancel.reason_combo.setCurrentIndex(cancel.reason_combo.findData("Client is ill"))
    cancel.detail_edit.setText("flu, will rebook next week")
    cancel.adjustSize()
    await settle()
    save(cancel, "cancel-dialog.png")
    cancel.close()

    key = pane.footer.open_key()
    key.adjustSize()
    await settle()
    save(key, "calendar-key.png")
    key.close()

    free = pane.footer.open_whos_free(QTime(9, 0))
    await settle()
    save(free, "whos-free.png")
    free.close()

    # A trainer filter on: the chip says so, and ✕ clears it; the week names trainers where it can.
    combo = pane.toolbar.trainer_combo
    combo.setCurrentIndex(combo.findData(trainers["Jonah Brooks"]))
    pane.set_view("week")
    pane.week_view.scroll_to_hour(6)
    await settle()
    window.grab().copy(0, 0, 1400, 420).save(str(OUT / "filter-chip.png"))
    print("wrote", OUT / "filter-chip.png")
    pane.bridge.detach()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    with tempfile.TemporaryDirectory(prefix="desk-shots-") as folder:
        qasync.run(main(Path(folder)))
