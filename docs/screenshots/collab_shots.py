"""Render the collaboration UI offscreen against a real embedded server.

    .venv/bin/python docs/screenshots/collab_shots.py

Three people are signed in (Ana's desktop is the one shown): Boss edits a
session and chats, Vic looks on. Writes collab-schedule.png (avatars and
outlines), collab-panel.png (chat and activity), session-locked.png (Ana
opens the session Boss holds) and review-dialog.png (manual review).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from swan_desktop.core.client import StudioClient  # noqa: E402
from swan_desktop.protocol.entities import Session  # noqa: E402
from swan_desktop.protocol.errors import ErrorCode, ProtocolError  # noqa: E402
from swan_desktop.qt.collab.install import install  # noqa: E402
from swan_desktop.qt.dialogs.session_dialog import SessionDialog  # noqa: E402
from swan_desktop.qt.main_window import MainWindow  # noqa: E402
from swan_desktop.qt.schedule_pane import SchedulePane  # noqa: E402
from swan_desktop.qt.views.time_grid import local_midnight  # noqa: E402
from tests.support.server import PASSWORDS, start_server  # noqa: E402

OUT = Path(__file__).resolve().parent


async def settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def at(day: date, hour: int, minutes: int = 60) -> dict[str, str]:
    start = local_midnight(day).astimezone(UTC) + timedelta(hours=hour)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")}


async def later_free(client: StudioClient, session: Session, day: date) -> Session:
    """``session`` moved to the first later hour that day where its trainer and room are free (the
    demo studio's week depends on the date it is made)."""
    for hours in range(1, 8):
        try:
            return await client.update_session(session.id, session.version,
                                               at(day, session.start.astimezone().hour + hours))
        except ProtocolError as refused:
            if refused.code is not ErrorCode.CONFLICT:
                raise
    raise RuntimeError(f"no free hour after {session.start:%H:%M} on {day}")


async def main(folder: Path) -> None:
    server = start_server(folder / "studio.sqlite3", notifications=True)
    clients: list[StudioClient] = []
    try:
        for user in ("ana", "boss", "vic"):
            client = StudioClient(server.url, outbox_dir=folder / user)
            await client.sign_in({"username": user, "password": PASSWORDS[user]})
            clients.append(client)
        ana, boss, vic = clients
        day = date.today() + timedelta(days=(7 - date.today().weekday()) % 7 or 7)  # next Monday
        first = local_midnight(day).astimezone(UTC)
        for c in clients:
            await c.load_range(first, first + timedelta(days=1))
        shown = sorted(ana.store.between(first, first + timedelta(days=1)), key=lambda s: s.start)
        if len(shown) < 3:
            for hour in (9, 11, 14):
                shown.append(await boss.create_session({**at(day, hour), "trainer_id": 1, "client_id": hour,
                                                        "location": "Studio A", "session_type_id": 1}))
        editing, looking, reviewed = shown[0], shown[1], shown[2]

        pane = SchedulePane(ana.store, ana)
        window = MainWindow(pane)
        pane.set_current_user(ana.user)
        collab = install(window, pane, ana)
        pane.set_date(day)
        window.resize(1360, 860)
        window.show()

        boss.collab.report("editing", session_id=editing.id, day=day.isoformat())
        vic.collab.report("selecting", session_id=looking.id, day=day.isoformat())
        await boss.collab.take_lock(editing.id)
        room = f"day:{day.isoformat()}"
        await ana.collab.load_room(room)
        await boss.collab.send("studio", "Morning all — the boiler is fixed, Studio B is warm again.")
        hello = await ana.collab.send("studio", "Great news, thanks @Boss!")
        await boss.collab.react(hello.id, "♥")
        q = await boss.collab.send(room, f"@Ana could you take the {editing.start.astimezone():%H:%M}? "
                                         "Tom asked for a later slot.")
        await ana.collab.react(q.id, "✔")
        await ana.collab.send(room, "Yes — moving it now.")
        moved = await later_free(ana, looking, day)
        await boss.update_session(moved.id, moved.version, {"notes": "Bring resistance bands"})
        await settle(0.8)
        collab.bridge.flush_now()
        collab.panel.bridge.flush_now()
        await settle()
        pane.day_view.scroll_to_hour(max(6, shown[0].start.astimezone().hour - 1))
        await settle()
        window.grab().save(str(OUT / "collab-schedule.png"))

        window.tabs.setCurrentWidget(collab.panel)
        collab.panel.chat.show_room(room)
        await settle()
        collab.panel.chat.select_message(q.id)
        await settle()
        window.grab().save(str(OUT / "collab-panel.png"))
        window.tabs.setCurrentIndex(0)

        editor = pane.open_editor(editing.id)
        assert editor is not None
        await settle(0.8)
        editor.adjustSize()
        await settle()
        editor.grab().save(str(OUT / "session-locked.png"))
        editor.reject()

        await boss.collab.set_strategy("manual-review")
        current = ana.store.get(reviewed.id) or reviewed
        dialog = SessionDialog(ana.store.directory, ana, current, user_name=ana.store.directory.user_name)
        dialog.show()
        dialog.form.notes_edit.setPlainText("Focus on hip mobility")
        dialog.form.location_combo.setEditText("Studio C")
        await boss.update_session(current.id, current.version, {"notes": "Client asked for a lighter session",
                                                                **at(day, current.start.astimezone().hour,
                                                                     45)})
        dialog.save()
        await settle(1.0)
        review = dialog.review_dialog
        assert review is not None
        review.adjustSize()
        await settle()
        review.grab().save(str(OUT / "review-dialog.png"))
        review.reject()
        dialog.reject()
        for name in ("collab-schedule", "collab-panel", "session-locked", "review-dialog"):
            print("wrote", OUT / f"{name}.png")
        collab.stop()
    finally:
        for client in clients:
            await client.close()
        await asyncio.to_thread(server.stop)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    with tempfile.TemporaryDirectory() as tmp:
        qasync.run(main(Path(tmp)))
