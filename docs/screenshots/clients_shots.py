"""Render the clients feature offscreen: the Clients pane, a client card, the package
sale dialog, a group session in the schedule, the reports page and the client emails page.

    .venv/bin/python docs/screenshots/clients_shots.py

The studio here is the in-memory one the clients tests use
(``tests/clients_desktop/fake_clients.py``), which answers the clients protocol
as the server does; everything on the desktop side is the real code. Writes
clients-pane.png, client-card.png, package-sale.png, group-session.png,
reports.png and client-emails.png.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from swan_desktop.qt.clients.emails_page import ClientEmailsPage  # noqa: E402
from swan_desktop.qt.clients.group_panel import GroupPanel  # noqa: E402
from swan_desktop.qt.clients.pane import ClientsPane  # noqa: E402
from swan_desktop.qt.main_window import MainWindow  # noqa: E402
from swan_desktop.qt.schedule_pane import SchedulePane  # noqa: E402
from swan_desktop.qt.theme import apply_theme  # noqa: E402
from tests.clients_desktop.fake_clients import GROUP, PT, FakeClients  # noqa: E402

OUT = Path(__file__).resolve().parent
PEOPLE = [("Anna Berg", "anna.berg@example.org", "+49 151 2345 6701", ["morning", "rehab"]),
          ("Annika Holm", "annika@example.org", "+49 151 2345 6702", ["evening"]),
          ("Bruno Diaz", "bruno.diaz@example.org", "+49 151 2345 6703", ["group"]),
          ("Clara Weiss", "clara.w@example.org", "+49 151 2345 6704", []),
          ("Daniel Anand", "d.anand@example.org", "+49 151 2345 6705", ["group", "morning"]),
          ("Dora Lind", "dora@example.org", "+49 151 2345 6706", ["group"]),
          ("Elena Marsh", "elena@example.org", "+49 151 2345 6707", [])]


async def settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def seed(studio: FakeClients, today: datetime) -> tuple[dict[str, int], int]:
    ten = studio.add_package("Ten sessions", credits=10, price_cents=45000, validity_days=120)
    five = studio.add_package("Five sessions", credits=5, price_cents=25000, validity_days=60)
    studio.add_package("Drop-in", credits=1, price_cents=5500, validity_days=30)
    ids: dict[str, int] = {}
    for i, (name, email, phone, tags) in enumerate(PEOPLE):
        studio.now = today - timedelta(days=70 - 9 * i)
        client = studio.add_client(name, email=email, phone=phone, tags=tags,
                                   consent={"reminders": i % 3 != 2, "marketing": i % 2 == 0})
        ids[name] = client["id"]
        studio._package_sell({"client_id": client["id"], "package_id": (ten if i % 2 == 0 else five)["id"]})
    studio.now = today
    anna = ids["Anna Berg"]
    for days in (-30, -23, -16, -9, -2):
        studio.now = today + timedelta(days=days, hours=2)
        past = studio.add_session(today + timedelta(days=days, hours=1), PT, anna)
        studio._session_update({"id": past["id"], "version": past["version"],
                                "changes": {"status": "completed",
                                            "attendance": "no_show" if days == -16 else "present"}})
    studio.now = today
    for days in (2, 9):
        studio.add_session(today + timedelta(days=days, hours=1), PT, anna)
    studio._credits_adjust({"client_id": anna, "delta": 1, "reason": "goodwill: the studio closed on a Monday"})
    group = studio.add_session(today + timedelta(days=1, hours=8), GROUP)
    for name in ("Bruno Diaz", "Daniel Anand", "Dora Lind"):
        studio._booking_add({"session_id": group["id"], "client_id": ids[name]})
    return ids, group["id"]


async def main() -> None:
    apply_theme("light")
    now = datetime.now(UTC)
    today = datetime(now.year, now.month, now.day, 9, tzinfo=UTC)
    studio = FakeClients(now=today)
    ids, group_id = seed(studio, today)
    desk = studio.attach()
    # Seen live by this PC: Clara waits for the full class, then Dora's place frees up.
    studio._waitlist_join({"session_id": group_id, "client_id": ids["Clara Weiss"]})
    studio._booking_remove({"session_id": group_id, "client_id": ids["Dora Lind"]})

    schedule = SchedulePane(desk.store, desk.actions)
    window = MainWindow(schedule)
    pane = ClientsPane(desk.clients, lambda: desk.store.directory, is_admin=True, can_edit=True,
                       settings=lambda: studio.settings)
    window.add_pane(pane, "Clients")
    panel = GroupPanel(desk.clients, desk.store, lambda: studio.settings, now=lambda: studio.now)
    schedule.details.add_section(panel)
    schedule.sessionSelected.connect(panel.show_session)
    window.resize(1320, 820)
    window.show()
    window.tabs.setCurrentWidget(pane)
    pane.load()
    await settle()
    pane.page.search_edit.setText("an")
    await settle(0.6)
    pane.page.table.selectRow(0)
    await settle(0.6)
    window.grab().save(str(OUT / "clients-pane.png"))

    pane.page.card.tabs.setCurrentIndex(2)   # Credits: the ledger
    pane.page.card.resize(760, 760)
    await settle()
    pane.page.card.grab().save(str(OUT / "client-card.png"))

    dialog = pane.page.open_sale(ids["Anna Berg"])
    assert dialog is not None
    await settle()
    dialog.grab().save(str(OUT / "package-sale.png"))
    dialog.reject()

    window.tabs.setCurrentWidget(schedule)
    schedule.set_view("day")
    schedule.set_date((today + timedelta(days=1)).date())
    schedule.day_view.scroll_to_hour(15)
    await settle()
    schedule._on_selected(group_id)
    await settle()
    window.grab().save(str(OUT / "group-session.png"))

    window.tabs.setCurrentWidget(pane)
    pane.setCurrentWidget(pane.reports)
    pane.reports.set_range((today - timedelta(days=84)).date(), today.date(), "week", "revenue")
    pane.reports.run()
    await settle(0.6)
    window.grab().save(str(OUT / "reports.png"))

    studio.smtp.update(host="smtp.example.org", port=587, user="desk@swanstudio.example",
                       password_set=True, source="studio", **{"from": "desk@swanstudio.example"})
    emails = ClientEmailsPage(desk.clients)
    emails.resize(620, 640)
    emails.show()
    emails.load()
    emails.test_to.setText("owner@swanstudio.example")
    await settle()
    emails.grab().save(str(OUT / "client-emails.png"))
    for name in ("clients-pane", "client-card", "package-sale", "group-session", "reports", "client-emails"):
        print("wrote", OUT / f"{name}.png")
    pane.stop()
    panel.stop()
    window.quit()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    qasync.run(main())
