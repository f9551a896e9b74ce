"""The set-up assistant, driven like a person would: typing, Enter, Next, Skip, Finish.

A real desktop signed in as an admin on a real server whose studio is still
empty; each step is checked by reading back what the server now holds. The
walk ending in a first booked session is in ``test_admin_live.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard

from swan_desktop.qt.admin.setup_lists import AccountsStep
from swan_desktop.qt.admin.setup_wizard import SetupWizard
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog
from swan_desktop.server.embedded import EmbeddedServer
from tests.admin_desktop.opened import opened
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.server import signs_in

from .live_client_support import changes_made, everything_held, held, rows_held, studio_held

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
SKIP = QWizard.WizardButton.CustomButton1


async def assistant(qtbot, on_empty: SignIn) -> SetupWizard:
    """The assistant on the desktop of the admin ``boss``."""
    wizard = SetupWizard((await on_empty("boss")).admin)
    qtbot.addWidget(wizard)
    wizard.open()
    return wizard


def listed(page: AccountsStep) -> set[str]:
    return {page.list.item(i).text() for i in range(page.list.count())}


def accounts_of(account_list: dict[str, Any]) -> set[str]:
    """The lines the accounts page shows for the accounts of an ``account.list`` reply."""
    return {f"{a['name']} ({a['username']}) — {a['role']}" for a in account_list["accounts"]}


async def press(wizard: SetupWizard, which: QWizard.WizardButton, then_on: object) -> None:
    wizard.button(which).click()
    await until(lambda: wizard.currentPage() is then_on)


async def test_the_assistant_sets_up_an_empty_studio_page_by_page(
        qtbot, on_empty: SignIn, empty_server: EmbeddedServer) -> None:
    wizard = await assistant(qtbot, on_empty)
    assert wizard.page_titles() == ["Your studio", "Time zone", "Opening hours", "Rooms", "Session types",
                                    "Trainers", "Staff accounts"]
    qtbot.keyClicks(wizard.name_page.name, "Swan Personal Training")
    await press(wizard, NEXT, wizard.zone_page)
    assert (await studio_held(empty_server))["name"] == "Swan Personal Training"

    picker = wizard.zone_page.picker
    qtbot.keyClicks(picker.filter, "berlin")
    assert picker.visible_zones() == ["Europe/Berlin"]
    assert picker.list.currentItem().text() == "Europe/Berlin — Berlin"
    await press(wizard, NEXT, wizard.opening_page)
    assert (await studio_held(empty_server))["timezone"] == "Europe/Berlin"

    page = wizard.opening_page
    qtbot.keyClicks(page.hours.lines[0], "7:00-12:00, 13:00-21:00")  # a break at lunch
    qtbot.keyClicks(page.hours.lines[5], "08:00-14:00")
    await press(wizard, NEXT, wizard.rooms_page)
    assert (await studio_held(empty_server))["opening_hours"] == [
        {"weekday": 0, "start": "07:00", "end": "12:00"}, {"weekday": 0, "start": "13:00", "end": "21:00"},
        {"weekday": 5, "start": "08:00", "end": "14:00"}]

    rooms = wizard.rooms_page
    qtbot.keyClicks(rooms.name, "Studio A")
    qtbot.keyClick(rooms.name, Qt.Key.Key_Return)
    await until(lambda: rooms.list.count() == 1)
    qtbot.keyClicks(rooms.name, "Studio B")
    rooms.capacity.setValue(3)
    rooms.add_button.click()
    await until(lambda: rooms.list.count() == 2)
    assert rooms.list.item(1).text() == "Studio B — 3 people"
    qtbot.keyClicks(rooms.name, "Gym floor")  # three trainers train their clients there at once
    rooms.capacity.setValue(8)
    rooms.at_once.setValue(3)
    rooms.add_button.click()
    await until(lambda: rooms.list.count() == 3)
    assert rooms.list.item(2).text() == "Gym floor — 8 people, 3 sessions at once"
    assert rooms.at_once.value() == 1  # cleared for the next room
    assert [(r["name"], r["capacity"], r["sessions_at_once"])
            for r in await rows_held(empty_server, "locations")] == [
        ("Studio A", 1, 1), ("Studio B", 3, 1), ("Gym floor", 8, 3)]
    await press(wizard, NEXT, wizard.types_page)

    types = wizard.types_page
    qtbot.keyClicks(types.name, "Personal training")
    types.add_button.click()
    await until(lambda: types.list.count() == 1)
    qtbot.keyClicks(types.name, "Small group")
    types.capacity.setValue(6)
    types.add_button.click()
    await until(lambda: types.list.count() == 2)
    assert types.list.item(1).text() == "Small group — 60 min, 1 credit, up to 6 clients"
    assert types.capacity.value() == 1  # ready for the next type
    assert [(t["name"], t["capacity"]) for t in await rows_held(empty_server, "session_types")] == [
        ("Personal training", 1), ("Small group", 6)]
    await press(wizard, NEXT, wizard.trainers_page)

    trainers = wizard.trainers_page
    trainers.add_button.click()
    dialog = opened(trainers.dialog)
    assert isinstance(dialog, TrainerDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Rosa Lind")
    qtbot.keyClicks(dialog.specialties, "strength, mobility")
    for line in dialog.hours.lines[:5]:
        qtbot.keyClicks(line, "09:00-17:00")
    dialog.save_button.click()
    await until(lambda: trainers.list.count() == 1)
    assert trainers.list.item(0).text() == "Rosa Lind — Mon, Tue, Wed, Thu, Fri"
    [rosa] = await rows_held(empty_server, "trainers")
    assert rosa["name"] == "Rosa Lind" and rosa["specialties"] == ["strength", "mobility"]
    assert rosa["hours"] == [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    await press(wizard, NEXT, wizard.accounts_page)

    accounts = wizard.accounts_page
    staff = accounts_of(await held(empty_server, "account.list"))
    assert "Boss (boss) — admin" in staff  # the admin's own account among the server's
    await until(lambda: listed(accounts) == staff)
    accounts.add_button.click()
    new = opened(accounts.dialog)
    qtbot.keyClicks(new.name, "Rosa Lind")
    assert new.username.text() == "rosa"  # suggested from the name
    new.role.setCurrentIndex(new.role.findData("trainer"))
    new.trainer.setCurrentIndex(new.trainer.findData(rosa["id"]))
    new.save_button.click()
    await until(lambda: accounts.password_dialog is not None)
    shown = opened(accounts.password_dialog)
    password = shown.password.text()
    assert await signs_in(empty_server, "rosa", password)  # the very password the server set
    made = next(a for a in (await held(empty_server, "account.list"))["accounts"] if a["username"] == "rosa")
    assert (made["name"], made["role"], made["trainer_id"]) == ("Rosa Lind", "trainer", rosa["id"])
    shown.copy.click()
    assert QGuiApplication.clipboard().text() == password
    shown.accept()
    assert accounts.password_dialog is None  # shown once: gone with its dialog

    assert not wizard.button(SKIP).isVisible()
    assert (await held(empty_server, "studio.setup.get"))["studio"]["setup_complete"] is False
    wizard.button(FINISH).click()
    await until(lambda: not wizard.isVisible())
    setup = await held(empty_server, "studio.setup.get")
    assert setup["studio"]["setup_complete"] is True and setup["needed"] is False


async def test_every_page_can_be_skipped_and_nothing_is_sent_for_it(
        qtbot, on_empty: SignIn, empty_server: EmbeddedServer) -> None:
    wizard = await assistant(qtbot, on_empty)
    before, changes = await everything_held(empty_server), await changes_made(empty_server)
    qtbot.keyClicks(wizard.name_page.name, "Typed, then skipped")
    for page in wizard.steps[1:]:
        await press(wizard, SKIP, page)
    await until(lambda: listed(wizard.accounts_page) == accounts_of(before["accounts"]), 5)  # listing is back
    assert await changes_made(empty_server) == changes  # the server took no change …
    assert await everything_held(empty_server) == before  # … and holds what it held


async def test_a_refusal_stays_on_the_page_next_to_its_field(
        qtbot, on_empty: SignIn, empty_server: EmbeddedServer) -> None:
    wizard = await assistant(qtbot, on_empty)
    changes = await changes_made(empty_server)
    page = wizard.name_page
    page.name.setText("   ")
    wizard.button(NEXT).click()
    label = page.errors.labels["name"]
    assert label.isVisible() and "name" in label.text().lower()  # checked here before sending
    assert wizard.currentPage() is page and await changes_made(empty_server) == changes
    qtbot.keyClicks(page.name, "Swan")
    await press(wizard, NEXT, wizard.zone_page)
    studio = await studio_held(empty_server)
    assert studio["name"] == "Swan"
    qtbot.keyClicks(wizard.zone_page.picker.filter, "no such place")
    wizard.button(NEXT).click()
    assert wizard.zone_page.errors.labels["timezone"].isVisible()
    assert wizard.currentPage() is wizard.zone_page and await studio_held(empty_server) == studio
    wizard.zone_page.picker.filter.clear()
    qtbot.keyClicks(wizard.zone_page.picker.filter, "Lisbon")
    hours = wizard.opening_page.hours
    await press(wizard, NEXT, wizard.opening_page)
    studio = await studio_held(empty_server)
    qtbot.keyClicks(hours.lines[2], "18:00-09:00")
    wizard.button(NEXT).click()
    assert hours.error.isVisible() and hours.error.text().startswith("Wednesday:")
    assert wizard.currentPage() is wizard.opening_page
    assert await studio_held(empty_server) == studio and studio["opening_hours"] == []


async def test_rooms_can_come_from_a_csv_file_on_the_assistants_page(
        qtbot, on_empty: SignIn, empty_server: EmbeddedServer, tmp_path: Path) -> None:
    wizard = await assistant(qtbot, on_empty)
    for page in wizard.steps[1:4]:
        await press(wizard, SKIP, page)
    rooms = wizard.rooms_page
    assert rooms.import_button is not None and rooms.import_button.isVisible()
    rooms.import_button.click()
    chooser = rooms.csv.file_dialog
    assert chooser is not None and chooser.isVisible()
    chooser.reject()
    sheet = tmp_path / "rooms.csv"
    sheet.write_text("name,capacity\nStudio A,4\nOutdoor deck,12\n", encoding="utf-8")
    preview = rooms.csv.import_file("rooms", sheet)
    assert preview is not None and preview.import_button.isEnabled()
    preview.import_button.click()
    await until(lambda: rooms.list.count() == 2)
    assert [rooms.list.item(i).text() for i in range(2)] == ["Studio A — 4 people",
                                                             "Outdoor deck — 12 people"]
    assert [(r["name"], r["capacity"]) for r in await rows_held(empty_server, "locations")] == [
        ("Studio A", 4), ("Outdoor deck", 12)]
