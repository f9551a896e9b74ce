"""Renders the notification center and a critical toast offscreen into docs/screenshots/.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/notifications_shots.py
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from swan_desktop.core.notifications import Note, NoteAction, NotificationCenter  # noqa: E402
from swan_desktop.notify.channels import Popup  # noqa: E402
from swan_desktop.protocol.timefmt import now_utc  # noqa: E402
from swan_desktop.qt.main_window import MainWindow  # noqa: E402
from swan_desktop.qt.notifications.pane import NotificationPane  # noqa: E402
from swan_desktop.qt.notifications.toast import ToastManager  # noqa: E402

HERE = Path(__file__).parent


def sample() -> list[Note]:
    now = now_utc()
    confirm = (NoteAction("confirm_session", "Confirm session", True), NoteAction("open_session", "Open session"))
    rows = [
        ("Repeated failed sign-ins", "6 failed sign-ins for the username “admin” within 5 minutes.",
         "security", "critical", 0.2, None),
        ("Session not confirmed", "Jo Park with Mia starts in about 20 h (Tue 04 Mar 09:00 UTC) and is still "
         "scheduled.", "schedule", "high", 0.5, confirm),
        ("Session booked", "Ana booked Jo Park with Mia on Tue 04 Mar 09:00 UTC.", "schedule", "normal", 1.2, None),
        ("Client credits low", "Lena Low has 1 credit left (booked Wed 05 Mar 10:00 UTC).", "financial",
         "normal", 3, None),
        ("Session cancelled", "Ana cancelled Sam Reed with Leo on Mon 03 Mar 17:00 UTC. Reason: ill.",
         "schedule", "high", 26, None),
        ("Database slow", "Queries take 2.1 s (threshold 0.5 s).", "system", "high", 50, None),
        ("Closed Monday", "The studio is closed on Easter Monday.", "user", "normal", 120, None),
    ]
    out = []
    for i, (title, message, cat, prio, hours_ago, actions) in enumerate(rows, start=1):
        created = now - timedelta(hours=hours_ago)
        read = created + timedelta(minutes=5) if hours_ago > 2 else None
        out.append(Note(i, title, message, cat, prio, "schedule", created, {"session": i},
                        actions or (), read_at=read, acknowledged_at=read if hours_ago > 40 else None))
    return out


class _NoLink:
    async def request(self, rtype: str, data: dict, *, timeout: float | None = None) -> dict:
        return {}


def main() -> None:
    app = QApplication.instance() or QApplication([])
    center = NotificationCenter(_NoLink())
    center.store.replace_all(sample())
    window = MainWindow(QLabel("Schedule"))
    pane = NotificationPane(center)
    index = window.add_pane(pane, "Notifications")
    window.tabs.setTabText(index, pane.tab_title)
    window.tabs.setCurrentIndex(index)
    window.resize(1200, 560)
    window.show()
    pane.table.selectRow(1)
    app.processEvents()
    pane.grab().save(str(HERE / "notification-center.png"))
    toasts = ToastManager(window)
    toasts.present(Popup("1", "Repeated failed sign-ins",
                         "6 failed sign-ins for the username “admin” within 5 minutes.", "security", "critical"))
    app.processEvents()
    window.grab().save(str(HERE / "notification-toast.png"))
    pane.close_down()


if __name__ == "__main__":
    main()
