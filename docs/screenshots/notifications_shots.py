"""Renders the notification center, its analytics view and a critical toast offscreen into docs/screenshots/.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/notifications_shots.py
"""

from __future__ import annotations

import os
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication, QLabel

from swan_desktop.core.notifications import Note, NoteAction, NotificationCenter
from swan_desktop.domain.quiet_hours import QuietHours, Window
from swan_desktop.notify.channels import Popup
from swan_desktop.protocol.timefmt import now_utc
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.notifications.analytics import AnalyticsView
from swan_desktop.qt.notifications.pane import NotificationPane
from swan_desktop.qt.notifications.prefs_state import NotificationPrefs
from swan_desktop.qt.notifications.tab import NotificationTab
from swan_desktop.qt.notifications.toast import ToastManager
from swan_desktop.qt.settings_pages.notifications import NotificationSettingsPage

HERE = Path(__file__).parent


def sample() -> list[Note]:
    now = now_utc()
    confirm = (NoteAction("confirm_session", "Confirm session", True),
               NoteAction("open_session", "Open session"))
    rows = [
        ("Repeated failed sign-ins", "6 failed sign-ins for the username “admin” within 5 minutes.",
         "security", "critical", 0.2, None),
        ("Session not confirmed", "Jo Park with Mia starts in about 20 h (Tue 04 Mar 09:00 UTC) and is still "
         "scheduled.", "schedule", "high", 0.5, confirm),
        ("Session booked", "Ana booked Jo Park with Mia on Tue 04 Mar 09:00 UTC.", "schedule", "normal", 1.2,
         None),
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


def month_of_notes() -> list[Note]:
    """A studio's month: busy mornings and evenings, critical alerts acknowledged fastest."""
    rng = random.Random(7)
    now = now_utc()
    hours = [7, 8, 8, 9, 9, 9, 10, 12, 13, 16, 17, 17, 18, 18, 19, 21]
    weights = {"schedule": 10, "financial": 3, "system": 2, "security": 1, "user": 2}
    ack_minutes = {"critical": (1, 6), "high": (5, 40), "normal": (20, 180), "low": (60, 600)}
    out = []
    for i in range(1, 181):
        day = now - timedelta(days=rng.randint(0, 29))
        created = day.replace(hour=rng.choice(hours), minute=rng.randint(0, 59)).astimezone()
        category = rng.choices(list(weights), list(weights.values()))[0]
        priority = rng.choices(["low", "normal", "high", "critical"], [3, 8, 4, 1])[0]
        acked = None
        if rng.random() < 0.7:
            lo, hi = ack_minutes[priority]
            acked = created + timedelta(minutes=rng.uniform(lo, hi))
        out.append(Note(i, f"Note {i}", "", category, priority, "demo", created, read_at=acked,
                        acknowledged_at=acked))
    return out


class _NoLink:
    async def request(self, rtype: str, data: dict, *, timeout: float | None = None) -> dict:
        return {}

    async def submit_and_wait(self, rtype: str, data: dict, timeout: float | None = None) -> dict:
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
    pane.detail.lookup = {"2": {"sound": "played high", "desktop": "unavailable: no notification service",
                                "tray": "shown", "toast": "off"}}.get
    pane.table.selectRow(1)
    app.processEvents()
    pane.grab().save(str(HERE / "notification-center.png"))
    toasts = ToastManager(window)
    toasts.present(Popup("1", "Repeated failed sign-ins",
                         "6 failed sign-ins for the username “admin” within 5 minutes.", "security",
                         "critical"))
    app.processEvents()
    window.grab().save(str(HERE / "notification-toast.png"))
    pane.close_down()

    stats = NotificationCenter(_NoLink())
    stats.store.replace_all(month_of_notes())
    analytics_pane = NotificationPane(stats)
    tab = NotificationTab(analytics_pane, AnalyticsView(stats.store))
    tab.resize(1200, 720)
    tab.show()
    tab.show_view("Analytics")
    app.processEvents()
    tab.grab().save(str(HERE / "notification-analytics.png"))
    analytics_pane.close_down()

    state = NotificationPrefs(clock=lambda: datetime(2031, 3, 10, 14, 0).astimezone())
    prefs = state.copy()
    weeknights = {d: Window.parse("22:00-07:00") for d in range(5)}
    prefs.quiet = QuietHours(weeknights | {5: Window.parse("20:00-09:00")})
    prefs.by_category["financial"].discard("sound")
    prefs.dnd_until = datetime(2031, 3, 10, 15, 0).astimezone()
    state.update(prefs)
    page = NotificationSettingsPage(state, test_sound=lambda: "played normal")
    page.email_box.email.setText("boss@studio.example")
    page.email_box.email_opt_in.setChecked(True)
    # As the server answers a new address: waiting for the code emailed to it.
    page.email_box._show({"email": "", "pending_email": "boss@studio.example", "email_opt_in": True},
                         {"to": "boss@studio.example", "sent": True, "detail": ""})
    page.quiet_edits[6].setText("22:00")
    page._quiet_changed(6)
    page.resize(620, page.sizeHint().height())
    page.show()
    app.processEvents()
    page.grab().save(str(HERE / "notification-settings.png"))


if __name__ == "__main__":
    main()
