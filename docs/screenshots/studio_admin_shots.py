"""Render the set-up assistant's pages and the Administration pages offscreen.

    .venv/bin/python docs/screenshots/studio_admin_shots.py

The widgets are the real ones over an in-memory studio that answers the
administration protocol (the test suite's ``tests/admin_desktop/fake_studio.py``),
so the pictures do not depend on a database. Writes setup-*.png (each page of
the assistant), admin-*.png (Studio, Trainers, a trainer's dialog, the
"archive instead?" question, Rooms, Session types, Staff accounts, the
one-time password, a CSV import preview with problems), my-hours.png,
change-password.png and time-off-week.png (time off shaded in the week view).
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
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from swan_desktop.core.admin import AdminClient  # noqa: E402
from swan_desktop.core.outcomes import InUse  # noqa: E402
from swan_desktop.qt.admin.my_hours_page import MyHoursPage  # noqa: E402
from swan_desktop.qt.admin.pane import AdministrationPane  # noqa: E402
from swan_desktop.qt.admin.password_dialog import ChangePasswordDialog  # noqa: E402
from swan_desktop.qt.admin.setup_wizard import SetupWizard  # noqa: E402
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog  # noqa: E402
from swan_desktop.qt.theme import apply_theme  # noqa: E402
from swan_desktop.qt.views.week_view import WeekView  # noqa: E402
from tests.admin_desktop.fake_studio import FakeStudio  # noqa: E402

OUT = Path(__file__).resolve().parent
WEEKDAYS = [(d, "07:00", "12:00") for d in range(5)] + [(d, "13:00", "21:00") for d in range(5)] \
    + [(5, "08:00", "14:00")]
written: list[str] = []


async def settle(seconds: float = 0.2) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


async def shoot(widget: QWidget, name: str) -> None:
    await settle()
    widget.grab().save(str(OUT / f"{name}.png"))
    written.append(name)


async def seed(admin: AdminClient) -> None:
    await admin.set_studio(name="Swan Personal Training", timezone="Europe/Berlin", opening_hours=WEEKDAYS)
    for name, capacity in (("Studio A", 4), ("Studio B", 2), ("Outdoor deck", 8)):
        await admin.create_room(name, capacity)
    await admin.create_type("Personal training", duration_min=60, color="#00707a", credits=1)
    await admin.create_type("Assessment", duration_min=90, color="#7a2e8c", credits=2)
    await admin.create_type("Partner session", duration_min=45, color="#8a5a00", credits=1)
    ana = await admin.create_trainer("Ana Kowalski", color="#1f5f8b", specialties=["strength", "mobility"])
    ben = await admin.create_trainer("Ben Ortiz", color="#2e6b3a", specialties=["boxing"])
    chloe = await admin.create_trainer("Chloe Park", color="#a23b2a", specialties=["pre-natal"])
    await admin.create_trainer("Dan Weiss", color="#3d4f9f", specialties=["running"])
    await admin.set_hours(ana.id, [(d, "09:00", "12:30") for d in range(5)]
                          + [(d, "13:30", "18:00") for d in range(5)])
    await admin.set_hours(ben.id, [(d, "12:00", "20:00") for d in (0, 2, 4)])
    monday = date.today() - timedelta(days=date.today().weekday())
    await admin.add_time_off(ana.id, (monday + timedelta(days=2)).isoformat(),
                             (monday + timedelta(days=3)).isoformat(), "Course in Hamburg")
    await admin.add_time_off(ana.id, "2026-12-24", "2026-12-31", "Holiday")
    await admin.archive_trainer(chloe.id)
    await admin.load_accounts()
    for username, name, role, trainer in (("ana", "Ana Kowalski", "trainer", ana.id),
                                          ("ben", "Ben Ortiz", "trainer", ben.id),
                                          ("rosa", "Rosa Lind", "viewer", None)):
        created = await admin.create_account(username, name, role, trainer)
        if trainer is not None:
            await admin.update_trainer(trainer, user_id=created.account.id)
    rosa = next(a for a in admin.accounts.all() if a.username == "rosa")
    await admin.update_account(rosa.id, active=False)


async def assistant_pages(studio: FakeStudio) -> None:
    wizard = SetupWizard(studio.attach())
    wizard.resize(720, 600)
    wizard.show()
    wizard.name_page.name.setText("Swan Personal Training")
    await shoot(wizard, "setup-1-name")
    wizard.skip()
    wizard.zone_page.picker.filter.setText("berl")
    await shoot(wizard, "setup-2-time-zone")
    wizard.skip()
    for i, text in enumerate(["07:00–12:00, 13:00–21:00"] * 5 + ["08:00–14:00", ""]):
        wizard.opening_page.hours.lines[i].setText(text)
    await shoot(wizard, "setup-3-opening-hours")
    wizard.skip()
    admin = wizard.admin
    await admin.create_room("Studio A", 4)
    await admin.create_room("Studio B", 2)
    wizard.rooms_page.refresh()
    wizard.rooms_page.name.setText("Outdoor deck")
    wizard.rooms_page.capacity.setValue(8)
    await shoot(wizard, "setup-4-rooms")
    wizard.skip()
    await admin.create_type("Personal training", duration_min=60, color="#00707a", credits=1)
    wizard.types_page.refresh()
    wizard.types_page.name.setText("Assessment")
    wizard.types_page.duration.setValue(90)
    wizard.types_page.credits.setValue(2)
    wizard.types_page.color.set_color("#7a2e8c")
    await shoot(wizard, "setup-5-session-types")
    wizard.skip()
    ana = await admin.create_trainer("Ana Kowalski", color="#1f5f8b")
    await admin.set_hours(ana.id, [(d, "09:00", "17:00") for d in range(5)])
    wizard.trainers_page.refresh()
    await shoot(wizard, "setup-6-trainers")
    dialog = wizard.trainers_page.open_dialog()
    dialog.name.setText("Ben Ortiz")
    dialog.color.set_color("#2e6b3a")
    dialog.specialties.setText("boxing, conditioning")
    for line in dialog.hours.lines[:3]:
        line.setText("12:00–16:00, 16:30–20:00")
    await shoot(dialog, "setup-6-trainer-dialog")
    dialog.reject()
    wizard.skip()
    await settle(0.3)
    await shoot(wizard, "setup-7-staff-accounts")
    new = await admin.create_account("ana", "Ana Kowalski", "trainer", ana.id)
    wizard.accounts_page.refresh()
    wizard.accounts_page.on_saved(new)
    await shoot(wizard.accounts_page.password_dialog, "setup-7-one-time-password")  # type: ignore[arg-type]
    wizard.accounts_page.password_dialog.reject()  # type: ignore[union-attr]
    wizard.close()


async def admin_pages(studio: FakeStudio, admin: AdminClient) -> None:
    pane = AdministrationPane(admin)
    pane.resize(1100, 620)
    pane.show()
    await settle()
    await shoot(pane, "admin-studio")
    pane.setCurrentWidget(pane.trainers)
    pane.trainers.select_where(lambda t: t.name == "Ana Kowalski")
    await shoot(pane, "admin-trainers")
    pane.trainers.edit()
    dialog = pane.trainers.dialog
    assert isinstance(dialog, TrainerDialog)
    await shoot(dialog, "admin-trainer-dialog")
    dialog.color.set_color("#8a8a8a")
    await shoot(dialog, "admin-trainer-low-contrast")
    dialog.reject()
    row = next(t for t in admin.feed.directory.all_trainers() if t.name == "Ben Ortiz")
    box = pane.trainers.offer_archive(row, InUse("in use", 37))
    await shoot(box, "admin-delete-in-use")
    box.reject()
    pane.setCurrentWidget(pane.rooms)
    await shoot(pane, "admin-rooms")
    pane.setCurrentWidget(pane.types)
    await shoot(pane, "admin-session-types")
    pane.setCurrentWidget(pane.accounts)
    pane.accounts.select(next(a.id for a in admin.accounts.all() if a.username == "rosa"))
    await shoot(pane, "admin-staff-accounts")
    ana = next(a for a in admin.accounts.all() if a.username == "ana")
    shown = pane.accounts.show_password(ana, "lilac-harbor-47-rowing")
    await shoot(shown, "admin-one-time-password")
    shown.reject()
    preview = pane.preview_import("trainers", "name,color,specialties\n"
                                  "Eva Brandt,#00707a,\"yoga, mobility\"\n"
                                  "Felix Roth,#dddddd,strength\n"
                                  "Ana Kowalski,#1f5f8b,\n"
                                  "Gina Moreau,#3d4f9f,pilates\n"
                                  ",#8a5a00,\n", "new-trainers.csv")
    await shoot(preview, "admin-csv-preview")
    preview.reject()
    password = ChangePasswordDialog(admin)
    password.show()
    password.current.setText("current-password")
    password.new.setText("short")
    password.save_button.click()
    await shoot(password, "change-password")
    password.reject()
    pane.stop()


async def trainer_views(studio: FakeStudio, admin: AdminClient) -> None:
    ana = next(t for t in admin.feed.directory.all_trainers() if t.name == "Ana Kowalski")
    page = MyHoursPage(studio.attach(), ana.user_id or 0)
    page.resize(760, 620)
    page.show()
    await shoot(page, "my-hours")
    week = WeekView()
    week.resize(1000, 560)
    week.show()
    week.show_week(date.today(), [], admin.feed.directory, trainer_id=ana.id)
    week.scroll_to_hour(7) if hasattr(week, "scroll_to_hour") else None
    await shoot(week, "time-off-week")


async def main() -> None:
    await assistant_pages(FakeStudio())
    studio = FakeStudio(needed=False)
    admin = studio.attach()
    await seed(admin)
    await admin_pages(studio, admin)
    await trainer_views(studio, admin)
    for name in written:
        print("wrote", OUT / f"{name}.png")


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    apply_theme("light")
    qasync.run(main())
