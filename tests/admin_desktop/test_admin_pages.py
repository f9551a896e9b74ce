"""The Administration pages, clicked through like an office manager would: create,
edit, archive and restore, a refused delete that offers archiving, refusals next
to their field, staff accounts (one-time password, reset, deactivate with a
question), "Change my password", and "My hours" for a trainer.

Widgets against the in-memory studio (``fake_studio.py``, the server's replies
and refusals by the protocol); the same against the real server is in
``test_admin_live.py``.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QMessageBox

from swan_desktop.qt.admin.accounts_page import AccountsPage
from swan_desktop.qt.admin.list_page import ListPage
from swan_desktop.qt.admin.my_hours_page import MyHoursPage
from swan_desktop.qt.admin.pane import AdministrationPane
from swan_desktop.qt.admin.password_dialog import ChangePasswordDialog
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog
from tests.admin_desktop.opened import opened
from tests.support.poll import until

from .fake_studio import FakeStudio


def pane_for(qtbot, studio: FakeStudio) -> AdministrationPane:
    pane = AdministrationPane(studio.attach())
    qtbot.addWidget(pane)
    pane.resize(1000, 640)
    pane.show()
    return pane


def names(page: ListPage) -> list[str]:
    return [opened(page.model.row(i)).name for i in range(page.model.rowCount())]


def select(page: ListPage, name: str) -> None:
    assert page.select_where(lambda r: r.name == name)


def answer(box: QMessageBox | None, text: str) -> None:
    assert box is not None and box.isVisible()
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


async def add_trainer(qtbot, page: ListPage, name: str, color: str = "#1f5f8b") -> TrainerDialog:
    page.add_button.click()
    dialog = opened(page.dialog)
    assert isinstance(dialog, TrainerDialog)
    qtbot.keyClicks(dialog.name, name)
    dialog.color.edit.setText(color)
    dialog.save_button.click()
    await until(lambda: name in names(page))
    return dialog


async def test_a_trainer_is_created_edited_archived_and_restored(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    page = pane.trainers
    await add_trainer(qtbot, page, "Ana Kowalski")
    assert "Ana Kowalski saved." in page.status.text()
    select(page, "Ana Kowalski")
    page.edit_button.click()
    dialog = opened(page.dialog)
    assert isinstance(dialog, TrainerDialog) and dialog.name.text() == "Ana Kowalski"
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Ana K.")
    dialog.hours.lines[0].setText("09:00-12:00, 13:00-18:00")  # a lunch break on Mondays
    dialog.save_button.click()
    await until(lambda: names(page) == ["Ana K."])
    ana = next(iter(studio.trainers.values()))
    assert ana["hours"] == [{"weekday": 0, "start": "09:00", "end": "12:00"},
                            {"weekday": 0, "start": "13:00", "end": "18:00"}]
    select(page, "Ana K.")
    assert page.archive_button.text() == "Archive"
    page.archive_button.click()
    await until(lambda: ana["active"] is False)
    await until(lambda: page.archive_button.text() == "Restore")
    assert "archived" in page.status.text()
    page.archive_button.click()
    await until(lambda: ana["active"] is True)


async def test_a_colour_too_pale_for_block_text_is_marked_as_you_pick(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    pane.trainers.add_button.click()
    dialog = opened(pane.trainers.dialog)
    assert isinstance(dialog, TrainerDialog)
    field = dialog.color
    field.edit.setText("#777777")
    assert "only 4.4:1" in field.verdict.text() and not field.acceptable()
    qtbot.keyClicks(dialog.name, "Ben")
    dialog.save_button.click()
    assert dialog.errors.labels["color"].isVisible() and studio.calls == []
    field.edit.setText("#2e6b3a")
    assert "easy to read" in field.verdict.text() and "white" in field.verdict.text()
    field.edit.setText("#f4d35e")
    assert "dark text" in field.verdict.text()


async def test_deleting_a_trainer_in_use_offers_to_archive_instead(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    page = pane.trainers
    await add_trainer(qtbot, page, "Chloe Park")
    trainer_id = next(iter(studio.trainers))
    studio.in_use[("trainer", trainer_id)] = 12
    select(page, "Chloe Park")
    page.delete_button.click()
    answer(page.question, "Delete")
    await until(lambda: page.question is not None and "archive instead" in opened(page.question).text())
    assert opened(page.question).text().startswith("12 sessions refer to this trainer — archive instead?")
    assert trainer_id in studio.trainers
    answer(page.question, "Archive")
    await until(lambda: studio.trainers[trainer_id]["active"] is False)


async def test_a_trainer_nobody_booked_is_deleted_after_the_question(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    page = pane.trainers
    await add_trainer(qtbot, page, "Temp")
    select(page, "Temp")
    page.delete_button.click()
    answer(page.question, "Cancel")
    assert ("trainer.delete" not in [c[0] for c in studio.calls])
    page.delete_button.click()
    answer(page.question, "Delete")
    await until(lambda: names(page) == [])
    assert studio.trainers == {}


async def test_rooms_and_session_types_are_kept_on_their_pages(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    pane.rooms.add_button.click()
    room = opened(pane.rooms.dialog)
    qtbot.keyClicks(room.name, "Studio A")
    room.capacity.setValue(4)
    room.save_button.click()
    await until(lambda: names(pane.rooms) == ["Studio A"])
    assert pane.rooms.model.index(0, 1).data() == "4 people"
    pane.types.add_button.click()
    kind = opened(pane.types.dialog)
    qtbot.keyClicks(kind.name, "Assessment")
    kind.duration.setValue(90)
    kind.save_button.click()
    await until(lambda: names(pane.types) == ["Assessment"])
    select(pane.types, "Assessment")
    pane.types.edit_button.click()
    edit = opened(pane.types.dialog)
    notes = [w.text() for w in edit.findChildren(type(edit.errors.general)) if "keep their type" in w.text()]
    assert notes  # changing a type never rewrites past sessions, and says so
    edit.credits.setValue(2)
    edit.save_button.click()
    await until(lambda: pane.types.model.index(0, 3).data() == "2")
    assert studio.calls[-1][0] == "session_type.update"
    assert studio.calls[-1][1]["changes"] == {"credits": 2}


async def test_the_trainers_list_names_the_linked_account_once_accounts_are_loaded(
        qtbot, studio: FakeStudio) -> None:
    office = studio.attach()
    await office.create_trainer("Ana", color="#1f5f8b", user_id=1)  # linked to boss's account
    pane = pane_for(qtbot, studio)
    assert pane.trainers.model.index(0, 5).data() in ("", "Boss")  # not loaded yet: the user's name
    pane.load()
    await until(lambda: pane.trainers.model.index(0, 5).data() == "boss")


async def test_staff_accounts_create_reset_and_deactivate(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    page: AccountsPage = pane.accounts
    pane.load()
    await until(lambda: page.model.rowCount() == 1)
    dialog = page.new_account()
    qtbot.keyClicks(dialog.name, "Rosa Front Desk")
    dialog.username.setText("Rosa Desk")  # refused by the server: shown next to the field
    dialog.save_button.click()
    await until(lambda: dialog.errors.labels["username"].isVisible())
    assert "lower-case" in dialog.errors.labels["username"].text()
    dialog.username.setText("rosa")
    dialog.save_button.click()
    await until(lambda: page.password_dialog is not None)
    first = opened(page.password_dialog).password.text()
    assert first == studio.passwords_issued[-1]
    opened(page.password_dialog).accept()
    await until(lambda: page.password_dialog is None)

    assert page.select(next(a["id"] for a in studio.accounts.values() if a["username"] == "rosa"))
    page.reset_button.click()
    answer(page.question, "Reset password")
    await until(lambda: page.password_dialog is not None)
    assert opened(page.password_dialog).password.text() == studio.passwords_issued[-1] != first
    opened(page.password_dialog).reject()

    page.active_button.click()
    assert "signed out on every computer" in opened(page.question).text()
    answer(page.question, "Deactivate")
    await until(lambda: page.active_button.text() == "Reactivate…")
    rosa = next(a for a in studio.accounts.values() if a["username"] == "rosa")
    assert rosa["active"] is False and studio.deactivated == [rosa["id"]]
    assert page.model.index(page.table.currentIndex().row(), 4).data() == "Deactivated"
    page.active_button.click()
    answer(page.question, "Reactivate")
    await until(lambda: rosa["active"] is True)


async def test_change_my_password_checks_length_and_repeat_and_shows_the_servers_words(
        qtbot, studio: FakeStudio) -> None:
    dialog = ChangePasswordDialog(studio.attach())
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.current, "wrong-password")
    qtbot.keyClicks(dialog.new, "too short")
    dialog.save_button.click()
    assert "12 characters" in dialog.errors.labels["new"].text() and studio.calls == []
    dialog.new.setText("a long new password")
    qtbot.keyClicks(dialog.repeat, "a long new passwort")
    dialog.save_button.click()
    assert dialog.errors.labels["repeat"].isVisible() and studio.calls == []
    dialog.repeat.setText("a long new password")
    dialog.save_button.click()
    await until(lambda: dialog.errors.labels["current"].isVisible())
    assert dialog.isVisible()
    dialog.current.setText("current-password")
    dialog.save_button.click()
    await until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert studio.calls[-1] == ("account.set_password", {"current": "current-password",
                                                         "new": "a long new password"})


async def test_a_trainer_sets_their_own_hours_and_time_off(qtbot, studio: FakeStudio) -> None:
    office = studio.attach()
    ana = await office.create_trainer("Ana", color="#1f5f8b", user_id=42)
    mine = studio.attach()
    page = MyHoursPage(mine, user_id=42)
    qtbot.addWidget(page)
    assert page.hours is not None and page.time_off is not None
    page.hours.lines[1].setText("07:00-11:00")
    page.save_button.click()
    await until(lambda: "saved" in page.status.text())
    assert studio.trainers[ana.id]["hours"] == [{"weekday": 1, "start": "07:00", "end": "11:00"}]
    editor = page.time_off
    qtbot.keyClicks(editor.reason, "Holiday")
    editor.add_button.click()
    await until(lambda: editor.list.count() == 1)
    assert "Holiday" in editor.list.item(0).text()
    assert [t.reason for t in office.feed.directory.trainers[ana.id].time_off] == ["Holiday"]
    editor.list.setCurrentRow(0)
    editor.remove_button.click()
    await until(lambda: editor.list.count() == 0)
    unlinked = MyHoursPage(mine, user_id=99)
    qtbot.addWidget(unlinked)
    assert unlinked.hours is None
