"""Render the schedule UI offscreen with demo-like data and save PNGs next to this file.

    .venv/bin/python docs/screenshots/take.py

Produces day.png, week.png, agenda.png (the schedule pane at 1400x900),
dialog.png (the session editor showing an overlap refusal) and conflict.png
(the side-by-side version conflict).
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFont, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from swan_desktop.core.actions import NoActions
from swan_desktop.core.directory import Directory
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import (
    Client,
    Location,
    Role,
    Session,
    SessionType,
    Status,
    Trainer,
    User,
)
from swan_desktop.qt.dialogs.conflict_dialog import ConflictDialog
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.views.month_view import first_shown
from swan_desktop.qt.views.week_view import week_start

OUT = Path(__file__).resolve().parent
S = Status

DIRECTORY = Directory(
    trainers={1: Trainer(1, "Ana Ribeiro", ("strength", "mobility"), "#5b8def"),
              2: Trainer(2, "Marcus Lee", ("boxing", "conditioning"), "#e07a5f"),
              3: Trainer(3, "Sofia Marin", ("pilates", "rehab"), "#81b29a"),
              4: Trainer(4, "Jonah Brooks", ("weight loss", "nutrition"), "#b48ead")},
    clients={i: Client(i, n, 6) for i, n in enumerate(
        ["Liam Nguyen", "Emma Garcia", "Noah Smith", "Olivia Patel", "Ava Kim", "Elijah Brown",
         "Mia Torres", "Lucas Meyer", "Amelia Rossi", "Mason Clark", "Harper Jones", "Ethan Wright"],
        start=1)},
    session_types={1: SessionType(1, "Personal Training", 60, "#6fa8dc"),
                   2: SessionType(2, "Assessment", 90, "#f6b26b"),
                   3: SessionType(3, "Small Group", 45, "#93c47d")},
    locations=[Location(1, "Studio A"), Location(2, "Studio B")],
    users={1: User(1, "Rosa Delgado", Role.ADMIN), 2: User(2, "Marcus Lee", Role.TRAINER),
           3: User(3, "Ana Ribeiro", Role.TRAINER), 4: User(4, "Jonah Brooks", Role.TRAINER)},
)

# (trainer, hour, minute, minutes, type, client index or 0, status, room)
TODAY_PLAN = [
    (1, 7, 0, 60, 1, 1, S.COMPLETED, "Studio A"),
    (1, 8, 30, 90, 2, 2, S.CONFIRMED, "Studio A"),
    (1, 10, 30, 60, 1, 3, S.SCHEDULED, "Studio A"),
    (1, 12, 0, 60, 1, 0, S.BLOCKED, ""),
    (1, 14, 0, 60, 1, 4, S.REQUESTED, "Studio A"),
    (1, 17, 0, 60, 1, 0, S.AVAILABLE, "Studio A"),
    (2, 6, 30, 45, 3, 5, S.COMPLETED, "Studio B"),
    (2, 8, 0, 60, 1, 6, S.CANCELLED, "Studio B"),
    (2, 9, 0, 60, 1, 7, S.CONFIRMED, "Studio B"),
    (2, 11, 0, 45, 3, 8, S.SCHEDULED, "Studio B"),
    (2, 16, 0, 60, 1, 0, S.AVAILABLE, "Studio B"),
    (2, 18, 0, 60, 1, 9, S.REQUESTED, "Studio B"),
    (3, 8, 0, 60, 1, 10, S.CONFIRMED, "Studio A"),
    (3, 9, 30, 90, 2, 11, S.SCHEDULED, "Studio B"),
    (3, 13, 0, 240, 1, 0, S.BLOCKED, ""),
    (3, 17, 30, 60, 1, 12, S.CONFIRMED, "Studio A"),
    (4, 7, 0, 60, 1, 3, S.CONFIRMED, "Studio B"),
    (4, 10, 0, 60, 1, 1, S.CANCELLED, "Studio A"),
    (4, 12, 30, 45, 3, 2, S.SCHEDULED, "Studio A"),
    (4, 15, 0, 90, 2, 5, S.REQUESTED, "Studio B"),
    (4, 19, 0, 60, 1, 0, S.AVAILABLE, "Studio A"),
]
NOTES = {2: "First assessment after knee surgery — go easy on squats.",
         4: "Lunch", 8: "Client called in sick", 15: "Physio course"}


def local(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def build_store(today: date) -> ScheduleStore:
    store = ScheduleStore()
    store.directory = DIRECTORY
    sessions: list[Session] = []
    sid = 0
    # This week in full, and the rest of the month's six weeks lighter (for the month view).
    first = first_shown(today)
    for offset in range(42):
        day = first + timedelta(days=offset)
        plan = TODAY_PLAN if day == today else TODAY_PLAN[offset % 3::2]
        if week_start(day) != week_start(today):
            plan = plan[offset % 2::3]
        for i, (tr, h, m, mins, typ, cl, status, room) in enumerate(plan):
            if day < today and status in (S.CONFIRMED, S.SCHEDULED):
                status = S.COMPLETED
            if day > today and status is S.COMPLETED:
                status = S.CONFIRMED
            sid += 1
            start = local(day, h, m)
            client = DIRECTORY.clients.get(cl)
            sessions.append(Session(
                id=sid, start=start, end=start + timedelta(minutes=mins), trainer_id=tr,
                client_id=client.id if client else None, client_name=client.name if client else "",
                location=room, session_type_id=None if status is S.BLOCKED else typ, status=status,
                notes=NOTES.get(i + 1, "") if day == today else "",
                cancel_reason="Client called in sick" if status is S.CANCELLED else "",
                version=2, updated_at=datetime.now(UTC) - timedelta(hours=3), updated_by=1))
    store.load(sessions)
    return store




def save(widget: QWidget, name: str) -> None:
    app = QApplication.instance()
    assert app is not None
    for _ in range(3):
        app.processEvents()
    path = OUT / name
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main() -> None:
    if QApplication.instance() is None:
        QApplication(sys.argv)
    QApplication.setFont(QFont("DejaVu Sans", 9))
    today = date.today()
    store = build_store(today)
    pane = SchedulePane(store, NoActions())
    pane.resize(1400, 900)
    pane.show()
    selected = next(s for s in store.between(local(today, 0, 0), local(today, 23, 59))
                    if s.notes and s.status is S.CONFIRMED)
    pane.select_session(selected.id)
    pane.day_view.scroll_to_hour(6)
    save(pane, "day.png")
    pane.set_view("week")
    pane.week_view.scroll_to_hour(6)
    save(pane, "week.png")
    pane.set_view("month")
    save(pane, "month.png")
    pane.set_view("agenda")
    pane.set_date(week_start(today))
    save(pane, "agenda.png")

    # A drag in progress: Noah Smith's 10:30 taken to another trainer an hour later.
    pane.set_view("day")
    pane.set_date(today)
    pane.day_view.scroll_to_hour(6)
    moving = next(s for s in store.between(local(today, 10, 0), local(today, 11, 0))
                  if s.client_name == "Noah Smith")
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(moving.id)
    assert rect is not None
    grab = QPointF(rect.center().x(), rect.top() + 12)
    target_col = (canvas.column_of(moving.id) or 0) + 1
    to = QPointF(canvas.column_x(target_col) + canvas.column_width() / 2,
                 canvas.y_for_minutes(11 * 60 + 30) + 12)
    for kind, pos, buttons in ((QEvent.Type.MouseButtonPress, grab, Qt.MouseButton.LeftButton),
                               (QEvent.Type.MouseMove, to, Qt.MouseButton.LeftButton)):
        button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
        QApplication.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))
    save(pane, "drag.png")
    canvas.drag.cancel()

    editing = next(s for s in store.between(local(today, 10, 0), local(today, 11, 0))
                   if s.client_name == "Noah Smith")
    dialog = SessionDialog(store.directory, NoActions(), editing, can_override=True)
    dialog.show()
    dialog.form.start_edit.setTime(dialog.form.start_edit.time().addSecs(-90 * 60))
    dialog.save_button.setFocus()
    dialog.form.set_error("start", "Ana Ribeiro already has Emma Garcia at "
                                   f"{local(today, 8, 30):%a %d %b} 08:30–10:00")
    dialog.form.set_error("trainer_id", "This trainer is not free at that time.")
    dialog.save_anyway_button.setVisible(True)
    dialog.adjustSize()
    save(dialog, "dialog.png")

    current = editing.with_changes(location="Studio B", notes="Moved to B — A is being repainted",
                                   status=S.REQUESTED,
                                   version=3, updated_at=datetime.now(UTC), updated_by=2)
    mine = {**editing.to_wire(), "notes": "Focus on deadlift form", "status": "confirmed"}
    conflict = ConflictDialog(current, mine, store.directory, "Marcus Lee")
    conflict.show()
    conflict.adjustSize()
    save(conflict, "conflict.png")
    pane.bridge.detach()


if __name__ == "__main__":
    main()
