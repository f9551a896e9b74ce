"""Studio administration against the real server: from an empty server through the
set-up assistant to a first booked session; the Administration pages (create,
edit, archive, a refused delete that offers archiving, an account reset);
deactivating an account signs that person's desktop out with the server's
words; another PC's pickers and columns follow trainer changes live.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from swan_desktop.core.client import StudioClient
from swan_desktop.core.outcomes import Invalid, outcome_of
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.qt.admin.pane import AdministrationPane
from swan_desktop.qt.admin.setup_wizard import SetupWizard
from swan_desktop.qt.admin.trainer_dialog import TrainerDialog
from swan_desktop.qt.app import parse_args, run
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.server.embedded import EmbeddedServer
from tests.admin_desktop.opened import opened
from tests.server.support import PASSWORDS, start_server
from tests.support.desktops import SignIn, desktops
from tests.support.poll import until
from tests.support.qt import APP_LOG_NOISE, shown
from tests.support.sign_in_dialog import submit

pytestmark = pytest.mark.qt_log_ignore(APP_LOG_NOISE)

BERLIN = ZoneInfo("Europe/Berlin")
NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


def next_monday() -> date:
    today = datetime.now(BERLIN).date()
    return today + timedelta(days=7 - today.weekday())


async def press(wizard: SetupWizard, which: QWizard.WizardButton, then_on: object) -> None:
    wizard.button(which).click()
    await until(lambda: wizard.currentPage() is then_on)


async def test_from_an_empty_server_through_the_assistant_to_a_first_booked_session(
        qtbot, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    state = await boss.admin.setup_state()
    assert state.needed
    wizard = SetupWizard(boss.admin)
    qtbot.addWidget(wizard)
    wizard.open()
    qtbot.keyClicks(wizard.name_page.name, "Swan Personal Training")
    await press(wizard, NEXT, wizard.zone_page)
    qtbot.keyClicks(wizard.zone_page.picker.filter, "Berlin")
    await press(wizard, NEXT, wizard.opening_page)
    wizard.opening_page.hours.fill_weekdays("07:00-21:00")
    await press(wizard, NEXT, wizard.rooms_page)
    qtbot.keyClicks(wizard.rooms_page.name, "Studio A")
    wizard.rooms_page.add_button.click()
    await until(lambda: wizard.rooms_page.list.count() == 1)
    await press(wizard, NEXT, wizard.types_page)
    qtbot.keyClicks(wizard.types_page.name, "Personal training")
    wizard.types_page.add_button.click()
    await until(lambda: wizard.types_page.list.count() == 1)
    await press(wizard, NEXT, wizard.trainers_page)
    wizard.trainers_page.add_button.click()
    dialog = opened(wizard.trainers_page.dialog)
    assert isinstance(dialog, TrainerDialog)
    qtbot.keyClicks(dialog.name, "Ana Kowalski")
    for line in dialog.hours.lines[:5]:
        line.setText("09:00-12:00, 13:00-18:00")
    dialog.save_button.click()
    await until(lambda: wizard.trainers_page.list.count() == 1)
    await press(wizard, NEXT, wizard.accounts_page)
    wizard.button(FINISH).click()
    await until(lambda: not wizard.isVisible())
    state = await boss.admin.setup_state()
    assert not state.needed and state.studio.setup_complete and state.studio.name == "Swan Personal Training"

    directory = boss.store.directory
    trainer = directory.sorted_trainers()[0]
    kind = directory.active_session_types()[0]
    room = directory.active_locations()[0]
    start = datetime.combine(next_monday(), datetime.min.time().replace(hour=10), BERLIN).astimezone(UTC)
    session = await boss.create_session({
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (start + timedelta(minutes=kind.duration_min)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "trainer_id": trainer.id, "client_name": "Dana Whitfield", "location": room.name,
        "session_type_id": kind.id})
    assert isinstance(session, Session) and session.id > 0
    assert boss.store.get(session.id) is not None


async def test_the_demo_studio_never_asks_to_be_set_up(sign_in_demo: SignIn) -> None:
    boss = await sign_in_demo("boss")
    assert not (await boss.admin.setup_state()).needed


@pytest.fixture
async def sign_in_demo(tmp_path: Path) -> AsyncIterator[SignIn]:
    srv = start_server(tmp_path / "demo.sqlite3", demo=True)
    try:
        async with desktops(srv.url, tmp_path / "demo-pcs") as open_desktop:
            yield open_desktop
    finally:
        srv.stop()


async def test_administration_pages_against_the_server(qtbot, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = AdministrationPane(boss.admin)
    qtbot.addWidget(pane)
    pane.show()
    page = pane.trainers
    page.add_button.click()
    dialog = opened(page.dialog)
    qtbot.keyClicks(dialog.name, "Ben Ortiz")
    dialog.hours.fill_weekdays("08:00-20:00")
    dialog.save_button.click()
    await until(lambda: [t.name for t in boss.store.directory.all_trainers()] == ["Ben Ortiz"])
    ben = boss.store.directory.all_trainers()[0]
    # The page shows what the directory holds on its next turn of the loop (changes coalesce).
    await until(lambda: page.select_where(lambda r: r.id == ben.id), what="Ben listed on the Trainers page")
    page.edit_button.click()
    edit = opened(page.dialog)
    edit.color.edit.setText("#777777")
    edit.save_button.click()
    assert edit.errors.labels["color"].isVisible()  # checked here; the server refuses it too
    with pytest.raises(ProtocolError) as refused:
        await boss.admin.update_trainer(ben.id, color="#777777")
    outcome = outcome_of(refused.value)
    assert isinstance(outcome, Invalid) and outcome.field in ("color", "changes.color")
    edit.reject()

    start = datetime.combine(next_monday(), datetime.min.time().replace(hour=9), UTC)
    await boss.create_session({"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "trainer_id": ben.id, "client_name": "Eli Novak"}, allow_overlap=True)
    assert page.select_where(lambda r: r.id == ben.id)
    page.delete_button.click()
    box = page.question
    assert isinstance(box, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Delete").click()
    await until(lambda: page.question is not None and "archive instead" in opened(page.question).text())
    assert opened(page.question).text().startswith("1 session refers to this trainer")
    next(b for b in opened(page.question).buttons() if b.text() == "Archive").click()
    await until(lambda: not boss.store.directory.trainers[ben.id].active)

    pane.load()
    accounts = pane.accounts
    await until(lambda: accounts.model.rowCount() >= 3)
    vic = next(a for a in boss.admin.accounts.all() if a.username == "vic")
    assert accounts.select(vic.id)
    accounts.reset_button.click()
    next(b for b in opened(accounts.question).buttons() if b.text() == "Reset password").click()
    await until(lambda: accounts.password_dialog is not None)
    assert len(opened(accounts.password_dialog).password.text()) >= 12


async def test_deactivating_an_account_signs_their_desktop_out_with_the_message(
        empty_server: EmbeddedServer, tmp_path: Path, private_app_state: None, memory_keyring) -> None:
    task = asyncio.ensure_future(run(parse_args(["--server", empty_server.url])))
    await submit(await shown(LoginDialog), "vic", PASSWORDS["vic"], remember=True)

    async def window() -> MainWindow:
        while True:
            for w in QApplication.topLevelWidgets():
                if isinstance(w, MainWindow) and w.isVisible():
                    return w
            await asyncio.sleep(0.01)
    vics_window = await asyncio.wait_for(window(), 10)

    async with desktops(empty_server.url, tmp_path / "office") as open_desktop:
        boss = await open_desktop("boss")
        await boss.admin.load_accounts()
        vic = next(a for a in boss.admin.accounts.all() if a.username == "vic")
        await boss.admin.update_account(vic.id, active=False)

    again = await shown(LoginDialog, 10)
    assert "your account was deactivated" in again.error.text()
    assert not vics_window.isVisible()
    assert ("swan-desktop", f"vic@{empty_server.url}") not in memory_keyring.store
    again.reject()
    assert await asyncio.wait_for(task, 10) == 0


async def test_another_pc_follows_trainers_live(qtbot, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    front_desk: StudioClient = await on_empty("vic")
    pane = SchedulePane(front_desk.store, front_desk)
    qtbot.addWidget(pane)
    pane.set_date(next_monday())
    pane.show()
    combo = pane.toolbar.trainer_combo

    def choices() -> list[str]:
        return [combo.itemText(i) for i in range(1, combo.count())]

    try:
        ana = await boss.admin.create_trainer("Ana", color="#1f5f8b")
        await until(lambda: choices() == ["Ana"])
        await boss.admin.update_trainer(ana.id, name="Ana Kowalski", color="#7a2e8c")
        await until(lambda: [(c.title, c.accent) for c in pane.day_view.canvas.columns]
                    == [("Ana Kowalski", "#7a2e8c")], 5)
        await boss.admin.archive_trainer(ana.id)
        await until(lambda: choices() == [])
        assert front_desk.store.directory.trainer_name(ana.id) == "Ana Kowalski"
    finally:
        pane.bridge.detach()


async def test_a_renamed_room_follows_in_every_pcs_sessions(sign_in_demo: SignIn) -> None:
    boss = await sign_in_demo("boss")
    front_desk = await sign_in_demo("vic")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    await front_desk.load_range(today - timedelta(days=7), today + timedelta(days=7))
    old = next(s.location for s in front_desk.store.all_sessions() if s.location)
    room = next(r for r in front_desk.store.directory.locations if r.name == old)
    in_room = {s.id for s in front_desk.store.all_sessions() if s.location == old}
    await boss.admin.update_room(room.id, name="Main floor")
    await until(lambda: {s.id for s in front_desk.store.all_sessions() if s.location == "Main floor"}
                == in_room, 5)
    assert not [s for s in front_desk.store.all_sessions() if s.location == old]
    assert [r.name for r in front_desk.store.directory.locations if r.id == room.id] == ["Main floor"]
