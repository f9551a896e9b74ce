"""Render the set-up assistant's pages and the Administration pages offscreen.

    .venv/bin/python docs/screenshots/studio_admin_shots.py

Real desktops signed in to a real swan-server started here on loopback, on a new
database with no studio yet (only staff accounts). The owner walks through the
assistant (name, time zone, opening hours, rooms, session types, trainers, a
staff account), then fills in the rest as the office would (more trainers, their
hours and time off, bookings, accounts); every picture shows what the server
holds. Writes setup-*.png (each page of the assistant), admin-*.png (Studio,
Trainers, a trainer's dialog, the "archive instead?" question after the server
refused to delete a trainer with sessions, the page after archiving him with
sessions still to come, Rooms, Session types, Staff accounts,
the one-time password of a reset, a CSV import preview with problems),
my-hours.png and change-password.png (on a trainer's own desktop) and
time-off-week.png (her time off shaded in the week view).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QApplication,
    QListWidget,
    QMessageBox,
    QWidget,
    QWizard,
    QWizardPage,
)

from swan_desktop.core.client import StudioClient  # noqa: E402
from swan_desktop.protocol.entities import Session  # noqa: E402
from swan_desktop.qt.admin.my_hours_page import MyHoursPage  # noqa: E402
from swan_desktop.qt.admin.pane import AdministrationPane  # noqa: E402
from swan_desktop.qt.admin.password_dialog import ChangePasswordDialog  # noqa: E402
from swan_desktop.qt.admin.setup_wizard import SetupWizard  # noqa: E402
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog  # noqa: E402
from swan_desktop.qt.theme import apply_theme  # noqa: E402
from swan_desktop.qt.views.week_view import WeekView  # noqa: E402
from tests.support.desktops import desktops  # noqa: E402
from tests.support.server import start_server  # noqa: E402

OUT = Path(__file__).resolve().parent
ZONE = ZoneInfo("Europe/Berlin")
WAIT = 10.0
#: The test accounts every test server has, named as a studio's staff would be.
STAFF = {"boss": "Marta Weber", "ana": "Ana Kowalski", "vic": "Victor Hale"}
CLIENTS = ["Eli Novak", "Mia Schulz", "Jonas Berg", "Lea Hoffmann", "Tom Richter", "Sara Klein"]
written: list[str] = []


async def settle(seconds: float = 0.2) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


async def until(test: Callable[[], object], what: str) -> None:
    """Wait (turning the Qt loop) until ``test()`` holds; say what did not happen otherwise."""
    deadline = asyncio.get_running_loop().time() + WAIT
    while not test():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"waited {WAIT} s for {what}")
        await settle(0.05)


async def adds(entries: QListWidget, click: Callable[[], None], what: str,
               shot: tuple[QWidget, str] | None = None) -> None:
    """``click()`` saves one more entry of an assistant's page: wait until its list shows it.
    ``shot``: a widget to picture first, as the entry is typed in but not yet added."""
    if shot is not None:
        await shoot(*shot)
    count = entries.count()
    click()
    await until(lambda: entries.count() == count + 1, what)


async def shoot(widget: QWidget, name: str) -> None:
    await settle()
    widget.grab().save(str(OUT / f"{name}.png"))
    written.append(name)


def answer(box: QMessageBox | None, text: str) -> None:
    assert box is not None, "no question is open"
    next(b for b in box.buttons() if b.text().replace("&", "") == text).click()


def wire(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def this_monday() -> date:
    today = datetime.now(ZONE).date()
    return today - timedelta(days=today.weekday())


async def press(wizard: SetupWizard, which: QWizard.WizardButton, then_on: QWizardPage) -> None:
    wizard.button(which).click()
    await until(lambda: wizard.currentPage() is then_on, f"the assistant's page {then_on.title()!r}")


async def assistant_pages(boss: StudioClient) -> None:
    """The owner's first sign-in: every page of the assistant, filled in and saved with Next."""
    nxt = QWizard.WizardButton.NextButton
    wizard = SetupWizard(boss.admin)
    wizard.resize(720, 600)
    wizard.show()
    wizard.name_page.name.setText("Swan Personal Training")
    await shoot(wizard, "setup-1-name")
    await press(wizard, nxt, wizard.zone_page)
    wizard.zone_page.picker.filter.setText("berl")
    await shoot(wizard, "setup-2-time-zone")
    await press(wizard, nxt, wizard.opening_page)
    for line, text in zip(wizard.opening_page.hours.lines, ["07:00–12:00, 13:00–21:00"] * 5 + ["08:00–14:00"],
                          strict=False):
        line.setText(text)
    await shoot(wizard, "setup-3-opening-hours")
    await press(wizard, nxt, wizard.rooms_page)

    rooms = wizard.rooms_page
    for name, capacity, at_once in (("Studio A", 4, 1), ("Studio B", 2, 1), ("Outdoor deck", 8, 3)):
        rooms.name.setText(name)
        rooms.capacity.setValue(capacity)
        rooms.at_once.setValue(at_once)
        await adds(rooms.list, rooms.add_button.click, f"the room {name}",
                   (wizard, "setup-4-rooms") if name == "Outdoor deck" else None)
    await press(wizard, nxt, wizard.types_page)

    types = wizard.types_page
    for name, minutes, credits, color, clients in (("Personal training", 60, 1, "#00707a", 1),
                                                   ("Assessment", 90, 2, "#7a2e8c", 1),
                                                   ("Partner session", 45, 1, "#8a5a00", 2)):
        types.name.setText(name)
        types.duration.setValue(minutes)
        types.credits.setValue(credits)
        types.color.set_color(color)
        types.capacity.setValue(clients)
        await adds(types.list, types.add_button.click, f"the session type {name}",
                   (wizard, "setup-5-session-types") if name == "Partner session" else None)
    await press(wizard, nxt, wizard.trainers_page)

    trainers = wizard.trainers_page
    for name, color, specialties, hours in (
            ("Ana Kowalski", "#1f5f8b", "strength, mobility", ["09:00–12:30, 13:30–18:00"] * 5),
            ("Ben Ortiz", "#2e6b3a", "boxing, conditioning", ["12:00–16:00, 16:30–20:00", "",
                                                               "12:00–16:00, 16:30–20:00", "",
                                                               "12:00–16:00, 16:30–20:00"])):
        dialog = trainers.open_dialog()
        assert isinstance(dialog, TrainerDialog)
        dialog.name.setText(name)
        dialog.color.set_color(color)
        dialog.specialties.setText(specialties)
        for line, text in zip(dialog.hours.lines, hours, strict=False):
            line.setText(text)
        await adds(trainers.list, dialog.save_button.click, f"the trainer {name}",
                   (dialog, "setup-6-trainer-dialog") if name == "Ben Ortiz" else None)
        if name == "Ana Kowalski":
            await shoot(wizard, "setup-6-trainers")
    await press(wizard, nxt, wizard.accounts_page)

    accounts = wizard.accounts_page
    await until(lambda: accounts.list.count() == len(STAFF) + 1, "the staff accounts")
    await shoot(wizard, "setup-7-staff-accounts")
    new = accounts.open_dialog()
    new.name.setText("Ben Ortiz")  # the user name "ben" is suggested from it
    new.role.setCurrentIndex(new.role.findData("trainer"))
    ben = next(t for t in boss.admin.feed.directory.all_trainers() if t.name == "Ben Ortiz")
    new.trainer.setCurrentIndex(new.trainer.findData(ben.id))
    new.save_button.click()
    await until(lambda: accounts.password_dialog is not None, "the one-time password")
    shown = accounts.password_dialog
    assert shown is not None
    await shoot(shown, "setup-7-one-time-password")
    shown.accept()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    await until(lambda: not wizard.isVisible(), "the assistant to finish")


async def fill_studio(boss: StudioClient) -> list[Session]:
    """What the office adds after the assistant; returns Ana's sessions this week."""
    admin = boss.admin
    directory = admin.feed.directory
    ana = next(t for t in directory.all_trainers() if t.name == "Ana Kowalski")
    ben = next(t for t in directory.all_trainers() if t.name == "Ben Ortiz")
    chloe = await admin.create_trainer("Chloe Park", color="#a23b2a", specialties=["pre-natal", "pilates"])
    dan = await admin.create_trainer("Dan Weiss", color="#3d4f9f", specialties=["running"])
    await admin.set_hours(dan.id, [(d, "06:30", "11:00") for d in (1, 3)] + [(5, "08:00", "14:00")])
    monday = this_monday()
    await admin.add_time_off(ana.id, (monday + timedelta(days=2)).isoformat(),
                             (monday + timedelta(days=3)).isoformat(), "Course in Hamburg")
    await admin.add_time_off(ana.id, (monday + timedelta(days=24)).isoformat(),
                             (monday + timedelta(days=32)).isoformat(), "Holiday")
    await admin.add_time_off(ben.id, (monday + timedelta(days=35)).isoformat(),
                             (monday + timedelta(days=39)).isoformat(), "Family visit")
    await admin.archive_trainer(chloe.id)

    personal = next(t for t in directory.session_types.values() if t.name == "Personal training")
    partner = next(t for t in directory.session_types.values() if t.name == "Partner session")
    assessment = next(t for t in directory.session_types.values() if t.name == "Assessment")

    async def book(trainer_id: int, day: date, at: str, minutes: int, client: str, room: str,
                   type_id: int, status: str = "scheduled") -> Session:
        start = datetime.combine(day, time.fromisoformat(at), ZONE)
        return await boss.create_session({
            "start": wire(start), "end": wire(start + timedelta(minutes=minutes)), "trainer_id": trainer_id,
            "client_name": client, "location": room, "session_type_id": type_id, "status": status})

    # Ben's regulars on his days (Mon, Wed, Fri) for the next four weeks: the server keeps him.
    for week in range(1, 5):
        for n, (weekday, at) in enumerate(((0, "12:00"), (0, "17:00"), (2, "13:00"), (4, "18:00"))):
            client = CLIENTS[(week + n) % len(CLIENTS)]
            await book(ben.id, monday + timedelta(days=7 * week + weekday), at, 60, client, "Studio B",
                       personal.id)
    mine = [await book(ana.id, monday + timedelta(days=day), at, minutes, client, room, kind, status)
            for day, at, minutes, client, room, kind, status in (
                (0, "09:00", 60, "Mia Schulz", "Studio A", personal.id, "confirmed"),
                (0, "14:00", 45, "Jonas Berg", "Studio A", partner.id, "confirmed"),
                (1, "10:00", 60, "Lea Hoffmann", "Studio A", personal.id, "confirmed"),
                (1, "16:00", 90, "Sara Klein", "Outdoor deck", assessment.id, "scheduled"),
                (4, "09:30", 60, "Tom Richter", "Studio A", personal.id, "confirmed"),
                (4, "15:00", 45, "Mia Schulz", "Studio B", partner.id, "scheduled"))]

    accounts = {a.username: a for a in await admin.load_accounts()}
    await admin.update_account(accounts["ana"].id, trainer_id=ana.id)
    await admin.update_account(accounts["vic"].id, role="viewer")
    made = await admin.create_account("rosa", "Rosa Lind", "viewer")
    await admin.update_account(made.account.id, active=False)  # left the studio in October
    return mine


async def admin_pages(boss: StudioClient) -> None:
    admin = boss.admin
    pane = AdministrationPane(admin)
    pane.resize(1100, 620)
    pane.show()
    pane.load()
    await until(lambda: len(admin.accounts.all()) == len(STAFF) + 3, "the accounts")
    await shoot(pane, "admin-studio")
    trainers = pane.trainers
    pane.setCurrentWidget(trainers)
    trainers.select_where(lambda t: t.name == "Ana Kowalski")
    await shoot(pane, "admin-trainers")
    trainers.edit()
    dialog = trainers.dialog
    assert isinstance(dialog, TrainerDialog)
    await shoot(dialog, "admin-trainer-dialog")
    dialog.color.set_color("#8a8a8a")
    dialog.adjustSize()  # room for the warning's second line
    await shoot(dialog, "admin-trainer-low-contrast")
    dialog.reject()
    trainers.select_where(lambda t: t.name == "Ben Ortiz")
    trainers.ask_delete()
    answer(trainers.question, "Delete")
    await until(lambda: trainers.question is not None and "archive instead" in trainers.question.text(),
                "the server to refuse deleting Ben")
    refused = trainers.question
    assert refused is not None
    await shoot(refused, "admin-delete-in-use")
    answer(refused, "Cancel")
    trainers.toggle_archive()  # archived with his sessions ahead: the page says how many stay booked
    await until(lambda: "still to come" in trainers.status.text(), "the server's count of Ben's sessions")
    await shoot(pane, "admin-archived-with-sessions")
    trainers.toggle_archive()  # and restored, for the pictures after
    await until(lambda: "back in use" in trainers.status.text(), "Ben restored")
    pane.setCurrentWidget(pane.rooms)
    await shoot(pane, "admin-rooms")
    pane.setCurrentWidget(pane.types)
    await shoot(pane, "admin-session-types")
    accounts = pane.accounts
    pane.setCurrentWidget(accounts)
    accounts.select(next(a.id for a in admin.accounts.all() if a.username == "rosa"))
    await shoot(pane, "admin-staff-accounts")
    accounts.select(next(a.id for a in admin.accounts.all() if a.username == "ben"))
    accounts.ask_reset()  # Ben forgot his
    answer(accounts.question, "Reset password")
    await until(lambda: accounts.password_dialog is not None, "the reset password")
    shown = accounts.password_dialog
    assert shown is not None
    await shoot(shown, "admin-one-time-password")
    shown.accept()
    preview = pane.preview_import("trainers", "name,color,specialties\n"
                                  "Eva Brandt,#00707a,\"yoga, mobility\"\n"
                                  "Felix Roth,#dddddd,strength\n"
                                  "Ana Kowalski,#1f5f8b,\n"
                                  "Gina Moreau,#3d4f9f,pilates\n"
                                  ",#8a5a00,\n", "new-trainers.csv")
    await shoot(preview, "admin-csv-preview")
    preview.reject()
    pane.stop()
    pane.close()


async def trainer_views(ana: StudioClient, sessions: list[Session]) -> None:
    """Ana on her own desktop: her hours and time off, changing her password, her week."""
    assert ana.user is not None
    page = MyHoursPage(ana.admin, ana.user.id)
    page.resize(760, 620)
    page.show()
    await shoot(page, "my-hours")
    password = ChangePasswordDialog(ana.admin)
    password.show()
    password.current.setText("current-password")
    password.new.setText("short")
    password.save_button.click()
    password.adjustSize()  # room for the refusal under the field
    await shoot(password, "change-password")
    password.reject()
    directory = ana.admin.feed.directory
    trainer = directory.trainer_for_user(ana.user.id)
    assert trainer is not None
    week = WeekView()
    week.resize(1000, 720)
    week.show()
    week.show_week(this_monday(), sessions, directory, trainer_id=trainer.id)
    await shoot(week, "time-off-week")


async def main(folder: Path) -> None:
    server = start_server(folder / "studio.sqlite3", demo=False)
    try:
        async with desktops(server.url, folder) as sign_in:
            boss = await sign_in("boss")
            for account in await boss.admin.load_accounts():
                if account.username in STAFF:
                    await boss.admin.update_account(account.id, name=STAFF[account.username])
            await assistant_pages(boss)
            sessions = await fill_studio(boss)
            await admin_pages(boss)
            ana = await sign_in("ana")
            await trainer_views(ana, sessions)
    finally:
        server.stop()
    for name in written:
        print("wrote", OUT / f"{name}.png")


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # the assistant closes before the pane opens
    app.setFont(QFont("DejaVu Sans", 9))
    apply_theme("light")
    with tempfile.TemporaryDirectory() as tmp:
        qasync.run(main(Path(tmp)))
