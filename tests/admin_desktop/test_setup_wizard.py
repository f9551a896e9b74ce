"""The set-up assistant, driven like a person would: typing, Enter, Next, Skip, Finish.

Widgets against the in-memory studio (``fake_studio.py``, the server's replies
and refusals by the protocol); the same walk against the real server, ending
in a first booked session, is in ``test_admin_live.py``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard

from swan_desktop.qt.admin.setup_wizard import SetupWizard
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog
from tests.admin_desktop.opened import opened
from tests.support.poll import until

from .fake_studio import FakeStudio

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton
SKIP = QWizard.WizardButton.CustomButton1


def assistant(qtbot, studio: FakeStudio) -> SetupWizard:
    wizard = SetupWizard(studio.attach())
    qtbot.addWidget(wizard)
    wizard.open()
    return wizard


async def press(wizard: SetupWizard, which: QWizard.WizardButton, then_on: object) -> None:
    wizard.button(which).click()
    await until(lambda: wizard.currentPage() is then_on)


async def test_the_assistant_sets_up_an_empty_studio_page_by_page(qtbot, studio: FakeStudio) -> None:
    wizard = assistant(qtbot, studio)
    assert wizard.page_titles() == ["Your studio", "Time zone", "Opening hours", "Rooms", "Session types",
                                    "Trainers", "Staff accounts"]
    qtbot.keyClicks(wizard.name_page.name, "Swan Personal Training")
    await press(wizard, NEXT, wizard.zone_page)
    assert studio.studio["name"] == "Swan Personal Training"

    picker = wizard.zone_page.picker
    qtbot.keyClicks(picker.filter, "berlin")
    assert picker.visible_zones() == ["Europe/Berlin"]
    assert picker.list.currentItem().text() == "Europe/Berlin — Berlin"
    await press(wizard, NEXT, wizard.opening_page)
    assert studio.studio["timezone"] == "Europe/Berlin"

    page = wizard.opening_page
    qtbot.keyClicks(page.hours.lines[0], "7:00-12:00, 13:00-21:00")  # a break at lunch
    qtbot.keyClicks(page.hours.lines[5], "08:00-14:00")
    await press(wizard, NEXT, wizard.rooms_page)
    assert studio.studio["opening_hours"] == [
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
    await press(wizard, NEXT, wizard.types_page)

    types = wizard.types_page
    qtbot.keyClicks(types.name, "Personal training")
    types.add_button.click()
    await until(lambda: types.list.count() == 1)
    await press(wizard, NEXT, wizard.trainers_page)

    trainers = wizard.trainers_page
    trainers.add_button.click()
    dialog = opened(trainers.dialog)
    assert isinstance(dialog, TrainerDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.name, "Ana Kowalski")
    qtbot.keyClicks(dialog.specialties, "strength, mobility")
    for line in dialog.hours.lines[:5]:
        qtbot.keyClicks(line, "09:00-17:00")
    dialog.save_button.click()
    await until(lambda: trainers.list.count() == 1)
    assert trainers.list.item(0).text() == "Ana Kowalski — Mon, Tue, Wed, Thu, Fri"
    ana = next(iter(studio.trainers.values()))
    assert ana["specialties"] == ["strength", "mobility"] and len(ana["hours"]) == 5
    await press(wizard, NEXT, wizard.accounts_page)

    accounts = wizard.accounts_page
    await until(lambda: accounts.list.count() == 1)  # the admin's own account
    accounts.add_button.click()
    new = opened(accounts.dialog)
    qtbot.keyClicks(new.name, "Ana Kowalski")
    assert new.username.text() == "ana"  # suggested from the name
    new.role.setCurrentIndex(new.role.findData("trainer"))
    new.trainer.setCurrentIndex(new.trainer.findData(ana["id"]))
    new.save_button.click()
    await until(lambda: accounts.password_dialog is not None)
    shown = opened(accounts.password_dialog)
    assert shown.password.text() == studio.passwords_issued[-1]
    shown.copy.click()
    assert QGuiApplication.clipboard().text() == studio.passwords_issued[-1]
    shown.accept()
    assert accounts.password_dialog is None  # shown once: gone with its dialog

    assert not wizard.button(SKIP).isVisible()
    wizard.button(FINISH).click()
    await until(lambda: not wizard.isVisible())
    assert studio.studio["setup_complete"] is True
    assert studio.calls[-1] == ("studio.setup.set", {"setup_complete": True})


async def test_every_page_can_be_skipped_and_nothing_is_sent_for_it(qtbot, studio: FakeStudio) -> None:
    wizard = assistant(qtbot, studio)
    qtbot.keyClicks(wizard.name_page.name, "Typed, then skipped")
    for page in wizard.steps[1:]:
        await press(wizard, SKIP, page)
    assert [rtype for rtype, _data in studio.calls if rtype != "account.list"] == []


async def test_a_refusal_stays_on_the_page_next_to_its_field(qtbot, studio: FakeStudio) -> None:
    wizard = assistant(qtbot, studio)
    page = wizard.name_page
    page.name.setText("   ")
    wizard.button(NEXT).click()
    label = page.errors.labels["name"]
    assert label.isVisible() and "name" in label.text().lower()  # checked here before sending
    assert wizard.currentPage() is page and studio.calls == []
    qtbot.keyClicks(page.name, "Swan")
    await press(wizard, NEXT, wizard.zone_page)
    qtbot.keyClicks(wizard.zone_page.picker.filter, "no such place")
    wizard.button(NEXT).click()
    assert wizard.zone_page.errors.labels["timezone"].isVisible()
    wizard.zone_page.picker.filter.clear()
    qtbot.keyClicks(wizard.zone_page.picker.filter, "Lisbon")
    hours = wizard.opening_page.hours
    await press(wizard, NEXT, wizard.opening_page)
    qtbot.keyClicks(hours.lines[2], "18:00-09:00")
    wizard.button(NEXT).click()
    assert hours.error.isVisible() and hours.error.text().startswith("Wednesday:")
    assert wizard.currentPage() is wizard.opening_page


async def test_rooms_can_come_from_a_csv_file_on_the_assistants_page(
        qtbot, studio: FakeStudio, tmp_path: Path) -> None:
    wizard = assistant(qtbot, studio)
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
