"""The Administration pages, clicked through like an office manager would: create,
edit, archive and restore, a refused delete that offers archiving, refusals next
to their field, staff accounts (one-time password, reset, deactivate with a
question), "Change my password", and "My hours" for a trainer.

Widgets on desktops signed in to a real server (``empty_server``: nothing but the
test accounts); what each click did is read back from the server itself (its
directory and accounts, the requests it has handled, whether a password signs in).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import shiboken6
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from swan_desktop.qt.admin.accounts_page import AccountsPage
from swan_desktop.qt.admin.list_page import ListPage
from swan_desktop.qt.admin.my_hours_page import MyHoursPage
from swan_desktop.qt.admin.password_dialog import ChangePasswordDialog
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog
from swan_desktop.server.embedded import EmbeddedServer
from tests.admin_desktop.opened import opened
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.server import PASSWORDS, Clients, signs_in

from .live_pages_support import handled, pane_for, server_accounts, server_state, settled


def names(page: ListPage) -> list[str]:
    return [opened(page.model.row(i)).name for i in range(page.model.rowCount())]


def select(page: ListPage, name: str) -> None:
    assert page.select_where(lambda r: r.name == name)


def answer(box: QMessageBox | None, text: str) -> None:
    assert box is not None and box.isVisible()
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


def closed(dialog: object) -> bool:
    return not shiboken6.isValid(dialog) or not opened(dialog).isVisible()


async def add_trainer(qtbot, page: ListPage, name: str, color: str = "#1f5f8b") -> TrainerDialog:
    page.add_button.click()
    dialog = opened(page.dialog)
    assert isinstance(dialog, TrainerDialog)
    qtbot.keyClicks(dialog.name, name)
    dialog.color.edit.setText(color)
    dialog.save_button.click()
    await until(lambda: closed(dialog))  # the server's answer is in (its event may come first)
    assert name in names(page)
    return dialog


async def add_holding(qtbot, page: ListPage, name: str, capacity: int) -> None:
    """Add a room, or a session type, that holds ``capacity`` people through the page's dialog."""
    page.add_button.click()
    dialog = opened(page.dialog)
    qtbot.keyClicks(dialog.name, name)
    dialog.capacity.setValue(capacity)
    dialog.save_button.click()
    await until(lambda: names(page) == [name])


async def saved_with_warning(page: ListPage, dialog, told: str) -> None:
    """Save ``dialog``: it closes, and the page says what the office has to do, as a warning."""
    dialog.save_button.click()
    await until(lambda: closed(dialog))
    await until(lambda: page.status.text() == told)
    assert page.status.property("role") == "error"


async def the_trainer(server: EmbeddedServer) -> dict:
    """The server's only trainer."""
    trainers = (await server_state(server))["trainers"]
    assert len(trainers) == 1, trainers
    return dict(trainers[0])


async def test_a_trainer_is_created_edited_archived_and_restored(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    page = pane.trainers
    await add_trainer(qtbot, page, "Ana Kowalski")
    assert "Ana Kowalski saved." in page.status.text()
    assert (await the_trainer(empty_server))["name"] == "Ana Kowalski"
    select(page, "Ana Kowalski")
    page.edit_button.click()
    dialog = opened(page.dialog)
    assert isinstance(dialog, TrainerDialog) and dialog.name.text() == "Ana Kowalski"
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Ana K.")
    dialog.hours.lines[0].setText("09:00-12:00, 13:00-18:00")  # a lunch break on Mondays
    dialog.save_button.click()
    await until(lambda: closed(dialog))
    assert names(page) == ["Ana K."]
    ana = await the_trainer(empty_server)
    assert ana["name"] == "Ana K."
    assert ana["hours"] == [{"weekday": 0, "start": "09:00", "end": "12:00"},
                            {"weekday": 0, "start": "13:00", "end": "18:00"}]
    select(page, "Ana K.")
    assert page.archive_button.text() == "Archive"
    page.archive_button.click()
    await until(lambda: page.archive_button.text() == "Restore")
    await until(lambda: "archived" in page.status.text())
    assert (await the_trainer(empty_server))["active"] is False
    page.archive_button.click()
    await until(lambda: boss.store.directory.trainers[ana["id"]].active)
    assert (await the_trainer(empty_server))["active"] is True


async def test_a_trainers_hours_narrowed_in_the_dialog_under_a_booking_say_so_on_the_page(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    ana = await boss.admin.create_trainer("Ana", color="#1f5f8b")
    await boss.admin.set_hours(ana.id, [(day, "06:00", "22:00") for day in range(7)])
    day = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    await boss.create_session({"start": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "end": (day + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "trainer_id": ana.id, "client_name": "Eli Novak"})
    await until(lambda: names(pane.trainers) == ["Ana"])
    select(pane.trainers, "Ana")
    pane.trainers.edit_button.click()
    dialog = opened(pane.trainers.dialog)
    assert isinstance(dialog, TrainerDialog)
    for line in dialog.hours.lines:
        line.setText("06:00-07:00")
    await saved_with_warning(pane.trainers, dialog, "Ana saved, but 1 booked session ahead now falls outside "
                             "these hours and stays booked: move or reassign it in the schedule.")


async def test_a_colour_too_pale_for_block_text_is_marked_as_you_pick(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    pane.trainers.add_button.click()
    dialog = opened(pane.trainers.dialog)
    assert isinstance(dialog, TrainerDialog)
    field = dialog.color
    field.edit.setText("#777777")
    assert "only 4.4:1" in field.verdict.text() and not field.acceptable()
    qtbot.keyClicks(dialog.name, "Ben")
    dialog.save_button.click()
    assert dialog.errors.labels["color"].isVisible()
    await settled(boss)
    assert handled(empty_server, "trainer.create") == 0  # refused here, never sent
    field.edit.setText("#2e6b3a")
    assert "easy to read" in field.verdict.text() and "white" in field.verdict.text()
    field.edit.setText("#f4d35e")
    assert "dark text" in field.verdict.text()
    dialog.save_button.click()
    await until(lambda: closed(dialog))
    await until(lambda: handled(empty_server, "trainer.create") == 1)
    assert (await the_trainer(empty_server))["color"] == "#f4d35e"


async def test_deleting_a_trainer_in_use_offers_to_archive_instead(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    page = pane.trainers
    await add_trainer(qtbot, page, "Chloe Park")
    trainer_id = boss.store.directory.all_trainers()[0].id
    first = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=1)
    for day in range(12):
        start = first + timedelta(days=day)
        await boss.create_session({"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "trainer_id": trainer_id, "client_name": "Eli Novak"})
    select(page, "Chloe Park")
    page.delete_button.click()
    answer(page.question, "Delete")
    await until(lambda: page.question is not None and "archive instead" in opened(page.question).text())
    assert opened(page.question).text().startswith("12 sessions refer to this trainer — archive instead?")
    assert (await the_trainer(empty_server))["id"] == trainer_id  # the server kept it
    answer(page.question, "Archive")
    await until(lambda: not boss.store.directory.trainers[trainer_id].active)
    assert (await the_trainer(empty_server))["active"] is False
    # Archiving leaves her 12 booked sessions as they are: the office is told to reassign them.
    await until(lambda: "still to come" in page.status.text())
    assert page.status.text() == ("Chloe Park is archived, but 12 sessions still to come use it and stay "
                                  "booked as before: reassign or cancel them in the schedule.")


async def test_a_trainer_nobody_booked_is_deleted_after_the_question(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    page = pane.trainers
    await add_trainer(qtbot, page, "Temp")
    select(page, "Temp")
    page.delete_button.click()
    answer(page.question, "Cancel")
    await settled(boss)
    assert handled(empty_server, "trainer.delete") == 0
    assert (await the_trainer(empty_server))["name"] == "Temp"
    page.delete_button.click()
    answer(page.question, "Delete")
    await until(lambda: "Temp was deleted." in page.status.text())
    assert names(page) == []
    assert (await server_state(empty_server))["trainers"] == []
    await until(lambda: handled(empty_server, "trainer.delete") == 1)


async def test_rooms_and_session_types_are_kept_on_their_pages(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    await add_holding(qtbot, pane.rooms, "Studio A", 4)
    assert pane.rooms.model.index(0, 1).data() == "4 people"
    assert pane.rooms.model.index(0, 2).data() == "1 session"  # one at a time, as rooms always were
    assert [(r["name"], r["capacity"]) for r in (await server_state(empty_server))["locations"]] \
        == [("Studio A", 4)]
    select(pane.rooms, "Studio A")  # a floor several trainers share: three sessions at once
    pane.rooms.edit_button.click()
    room = opened(pane.rooms.dialog)
    assert room.at_once.value() == 1
    room.at_once.setValue(3)
    room.save_button.click()
    await until(lambda: closed(room))
    await until(lambda: pane.rooms.model.index(0, 2).data() == "3 sessions")
    [floor] = (await server_state(empty_server))["locations"]
    assert (floor["capacity"], floor["sessions_at_once"]) == (4, 3)
    await until(lambda: boss.store.directory.rooms_at_once() == {"studio a": 3})
    # two trainers' sessions there at 12:00; the room made one-at-a-time again: the page says so
    day = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    for name in ("Ana", "Ben"):
        trainer = await boss.admin.create_trainer(name, color="#1f5f8b")
        await boss.create_session({"start": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "end": (day + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "trainer_id": trainer.id, "client_name": f"{name}'s client",
                                   "location": "Studio A"})
    select(pane.rooms, "Studio A")
    pane.rooms.edit_button.click()
    room = opened(pane.rooms.dialog)
    room.at_once.setValue(1)
    await saved_with_warning(pane.rooms, room, "Studio A saved, but 2 sessions still to come run there when "
                             "more than 1 session do; they stay booked: move some to another room or time.")
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
    # While the dialog is open another administrator changes the type's other fields; the dialog
    # sends only what was changed in it, so theirs are kept.
    other = await on_empty("boss")
    type_id = edit.session_type.id
    await other.admin.update_type(type_id, name="Fitness assessment", duration_min=60, color="#7a2e8c")
    edit.credits.setValue(2)
    edit.save_button.click()
    await until(lambda: closed(edit))
    assert pane.types.model.index(0, 3).data() == "2"
    [saved] = (await server_state(empty_server))["session_types"]
    assert (saved["name"], saved["duration_min"], saved["color"], saved["credits"]) \
        == ("Fitness assessment", 60, "#7a2e8c", 2)
    await until(lambda: handled(empty_server, "session_type.update") == 2)


async def test_a_group_session_type_is_set_up_and_its_capacity_lowered_over_bookings(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    """A small-group class is added with four clients a session (the list says so, the server holds
    it); three clients are booked on one ahead; lowered to two, the page says that session has more
    booked, in the words the office acts on."""
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    await add_holding(qtbot, pane.types, "Small group", 4)
    assert pane.types.model.index(0, 4).data() == "up to 4 clients"
    [saved] = (await server_state(empty_server))["session_types"]
    assert (saved["name"], saved["capacity"]) == ("Small group", 4)

    pool = Clients(empty_server)
    try:
        desk = await pool.signed_in("boss")
        trainer = (await desk.ok("trainer.create", {"name": "Ana", "color": "#1f5f8b"}))["trainer"]
        people = [(await desk.ok("client.create", {"name": name}))["client"]["id"]
                  for name in ("Rita", "Bea", "Eli")]
        day = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
        session = (await desk.ok("session.create", {
            "start": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (day + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trainer_id": trainer["id"], "client_id": people[0], "session_type_id": saved["id"],
            "allow_overlap": True}))["session"]
        for client_id in people[1:]:
            await desk.ok("booking.add", {"session_id": session["id"], "client_id": client_id})
    finally:
        await pool.close()
    select(pane.types, "Small group")
    pane.types.edit_button.click()
    edit = opened(pane.types.dialog)
    assert edit.capacity.value() == 4
    edit.capacity.setValue(2)
    await saved_with_warning(pane.types, edit, "Small group saved, but 1 session still to come has more "
                             "than 2 clients booked; they stay booked: move or call the extra clients.")
    await until(lambda: pane.types.model.index(0, 4).data() == "up to 2 clients")
    [saved] = (await server_state(empty_server))["session_types"]
    assert saved["capacity"] == 2


async def test_the_trainers_list_names_the_linked_account_once_accounts_are_loaded(
        qtbot, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    assert boss.user is not None
    await boss.admin.create_trainer("Ana", color="#1f5f8b", user_id=boss.user.id)  # linked to boss's account
    pane = pane_for(qtbot, boss.admin)
    assert pane.trainers.model.index(0, 5).data() in ("", "Boss")  # not loaded yet: the user's name
    pane.load()
    await until(lambda: pane.trainers.model.index(0, 5).data() == "boss")


async def test_staff_accounts_create_reset_and_deactivate(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin)
    page: AccountsPage = pane.accounts
    pane.load()
    staff = len(await server_accounts(empty_server))
    await until(lambda: page.model.rowCount() == staff)
    dialog = page.new_account()
    qtbot.keyClicks(dialog.name, "Rosa Front Desk")
    dialog.username.setText("Rosa Desk")  # refused by the server: shown next to the field
    dialog.save_button.click()
    await until(lambda: dialog.errors.labels["username"].isVisible())
    assert "letters, digits" in dialog.errors.labels["username"].text()
    assert len(await server_accounts(empty_server)) == staff
    dialog.username.setText("rosa")
    dialog.save_button.click()
    await until(lambda: page.password_dialog is not None)
    first = opened(page.password_dialog).password.text()
    assert await signs_in(empty_server, "rosa", first)
    opened(page.password_dialog).accept()
    await until(lambda: page.password_dialog is None)

    rosa_id = (await server_accounts(empty_server))["rosa"]["id"]
    assert page.select(rosa_id)
    page.reset_button.click()
    answer(page.question, "Reset password")
    await until(lambda: page.password_dialog is not None)
    second = opened(page.password_dialog).password.text()
    assert second != first
    assert await signs_in(empty_server, "rosa", second)
    assert not await signs_in(empty_server, "rosa", first)
    opened(page.password_dialog).reject()

    page.active_button.click()
    assert "signed out on every computer" in opened(page.question).text()
    answer(page.question, "Deactivate")
    await until(lambda: page.active_button.text() == "Reactivate…")
    accounts = await server_accounts(empty_server)
    assert [name for name, a in accounts.items() if not a["active"]] == ["rosa"]
    assert not await signs_in(empty_server, "rosa", second)
    assert page.model.index(page.table.currentIndex().row(), 4).data() == "Deactivated"
    page.active_button.click()
    answer(page.question, "Reactivate")
    await until(lambda: page.active_button.text() == "Deactivate…")
    assert (await server_accounts(empty_server))["rosa"]["active"] is True
    assert await signs_in(empty_server, "rosa", second)


async def test_change_my_password_checks_length_and_repeat_and_shows_the_servers_words(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    vic = await on_empty("vic")
    dialog = ChangePasswordDialog(vic.admin)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.current, "wrong-password")
    qtbot.keyClicks(dialog.new, "too short")
    dialog.save_button.click()
    assert "12 characters" in dialog.errors.labels["new"].text()
    dialog.new.setText("a long new password")
    qtbot.keyClicks(dialog.repeat, "a long new passwort")
    dialog.save_button.click()
    assert dialog.errors.labels["repeat"].isVisible()
    await settled(vic)
    assert handled(empty_server, "account.set_password") == 0  # both refused here, never sent
    dialog.repeat.setText("a long new password")
    dialog.save_button.click()
    await until(lambda: dialog.errors.labels["current"].isVisible())
    assert "not right" in dialog.errors.labels["current"].text()
    assert dialog.isVisible()
    dialog.current.setText(PASSWORDS["vic"])
    dialog.save_button.click()
    await until(lambda: closed(dialog))
    await until(lambda: handled(empty_server, "account.set_password") == 2)
    assert await signs_in(empty_server, "vic", "a long new password")
    assert not await signs_in(empty_server, "vic", PASSWORDS["vic"])


async def test_a_trainer_sets_their_own_hours_and_time_off(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    mine = await on_empty("ana")
    assert mine.user is not None and boss.user is not None
    user_id = mine.user.id
    office = boss.admin
    ana = await office.create_trainer("Ana", color="#1f5f8b", user_id=user_id)
    await until(lambda: mine.admin.feed.directory.trainer_for_user(user_id) is not None)
    page = MyHoursPage(mine.admin, user_id=user_id)
    qtbot.addWidget(page)
    assert page.hours is not None and page.time_off is not None
    page.hours.lines[1].setText("07:00-11:00")
    page.save_button.click()
    await until(lambda: "saved" in page.status.text())
    assert (await the_trainer(empty_server))["hours"] == [{"weekday": 1, "start": "07:00", "end": "11:00"}]
    editor = page.time_off
    qtbot.keyClicks(editor.reason, "Holiday")
    editor.add_button.click()
    await until(lambda: editor.list.count() == 1)
    assert "Holiday" in editor.list.item(0).text()
    assert [t["reason"] for t in (await the_trainer(empty_server))["time_off"]] == ["Holiday"]
    await until(lambda: [t.reason for t in office.feed.directory.trainers[ana.id].time_off] == ["Holiday"])
    editor.list.setCurrentRow(0)
    editor.remove_button.click()
    await until(lambda: editor.list.count() == 0)
    assert (await the_trainer(empty_server))["time_off"] == []
    # A sick day over a session already booked: it stays booked, and she is told so where she added it.
    day = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    await boss.create_session({"start": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "end": (day + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "trainer_id": ana.id, "client_name": "Eli Novak"}, allow_overlap=True)
    local = day.astimezone().date()
    editor.first.setDate(QDate(local.year, local.month, local.day))
    editor.last.setDate(QDate(local.year, local.month, local.day))
    editor.add_button.click()
    await until(lambda: editor.list.count() == 1)
    told = "1 booked session on that day stays booked: reassign or cancel it in the schedule."
    await until(lambda: editor.errors.general.text() == told)
    assert not editor.errors.general.isHidden()
    # Her hours narrowed under that session: it stays booked, and she is told so where she saved them.
    for line in page.hours.lines:
        line.setText("06:00-22:00")
    page.save_button.click()
    await until(lambda: handled(empty_server, "availability.set") == 2)
    for line in page.hours.lines:
        line.setText("06:00-07:00")
    page.save_button.click()
    told = ("Your hours were saved, but 1 booked session ahead now falls outside these hours and stays "
            "booked: move or reassign it in the schedule.")
    await until(lambda: page.status.text() == told)
    unlinked = MyHoursPage(mine.admin, user_id=boss.user.id)
    qtbot.addWidget(unlinked)
    assert unlinked.hours is None
