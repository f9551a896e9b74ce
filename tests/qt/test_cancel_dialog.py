"""Cancelling a session in the desk's words: a reason from the list plus free text, what
happens to the client's credit, who is notified, and no button called "Cancel".

What the dialog says beforehand is checked against a plain sample directory; cancelling itself
goes through a real desktop (boss's ``StudioClient``, or Ana's for a trainer) to a real server
holding the sample studio (conftest.py), with the studio's cancellation window, Dana's credits
and Ana Kowalski's trainer account set there by requests. What a cancellation did (the status,
the reason, the credit, who the server notified) is read back from the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.cancellation import credit_outlook, notified, window_hours
from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role, Session, Status, User
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.server.notifications.triggers import admin_users, trainer_users
from swan_desktop.server.store import Store
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.qt import next_emission
from tests.support.sample import DAY, at, make_directory, session
from tests.support.sample_studio import SampleStudio, loaded
from tests.support.server import WsClient

from .conftest import open_pane
from .live_desk import Sent, as_stored
from .live_desk import pane as pane  # the fixture: boss's real pane


# -- what the dialog says beforehand ------------------------------------------------------------
def test_the_credit_comes_back_only_outside_the_window_for_a_completed_session() -> None:
    directory = make_directory()
    done = session(9, 1, 9, status=Status.COMPLETED, client_id=10)
    early = credit_outlook(done, directory, 24, at(DAY, 9) - timedelta(hours=30))
    late = credit_outlook(done, directory, 24, at(DAY, 9) - timedelta(hours=3))
    assert early.returns and "Dana's credit comes back" in early.text
    assert not late.returns and "does not come back" in late.text and "24-hour window" in late.text
    booked = credit_outlook(session(8, 1, 9, client_id=11), directory, 12, at(DAY, 8))
    assert not booked.returns and "Eli keeps 3 credits" in booked.text and "late cancellation" in booked.text
    assert window_hours({"cancellation_window_h": "48"}) == 48 and window_hours({}) == 24


def test_the_trainer_and_the_office_are_notified_but_not_the_one_cancelling() -> None:
    directory = make_directory()
    directory.users[8] = User(8, "Ana Kowalski", Role.TRAINER, trainer_id=1)
    s = session(1, 1, 9, client_id=10)
    assert notified(s, directory, me=7) == ["Ana Kowalski"]
    assert notified(s, directory, me=8) == ["Rosa Front Desk"]
    directory.users[8] = User(8, "Ana Kowalski", Role.TRAINER)  # her name, but linked to no trainer
    assert notified(s, directory, me=7) == []
    directory.users[8] = User(8, "Ana Kowalski", Role.TRAINER, trainer_id=1, active=False)  # she has left
    assert notified(s, directory, me=7) == []
    assert notified(s, directory, me=8) == ["Rosa Front Desk"]
    rosa = directory.users[7]
    directory.users[7] = User(rosa.id, rosa.name, rosa.role, rosa.trainer_id, active=False)
    assert notified(s, directory, me=8) == []


# -- the studio on the server --------------------------------------------------------------------
async def ana_kowalskis_account(sample: SampleStudio, desk: StudioClient) -> None:
    """Ana Kowalski's own trainer account (linked to her, trainer 1), made by Rosa; boss's desktop
    knows of it once this returns."""
    rosa = await sample.sign_in_rosa()
    made = await rosa.ok("account.create", {"username": "ana.k", "name": "Ana Kowalski",
                                            "role": "trainer", "trainer_id": 1})
    account_id = int(made["account"]["id"])
    await until(lambda: account_id in desk.store.directory.users,
                what="Ana Kowalski's account on boss's desktop")


def told_by_the_server(sample: SampleStudio, session_id: int, me: int) -> set[str]:
    """Who the server's notice of a cancellation by ``me`` goes to, by its own rule: the accounts
    linked to the session's trainer and the admins, not the one cancelling. (This server runs
    without the notification service, so the rule is read rather than its notices.)"""
    def names(store: Store) -> set[str]:
        s = store.session(session_id)
        assert s is not None
        ids = (trainer_users(store, s.trainer_id) | admin_users(store)) - {me}
        return {a.name for a in store.accounts() if a.id in ids}
    told: set[str] = sample.server.server.store.submit(names)
    return told


async def give_credits(desk: StudioClient, sample: SampleStudio, name: str, credits: int,
                       on_another_pc: WsClient | None = None) -> int:
    """``name``'s package balance set to ``credits`` on the server (by boss, or by the admin signed in
    ``on_another_pc``); their client id, once boss's desktop shows the new balance."""
    client_id = sample.clients[name]
    delta = credits - await server_credits(desk, client_id)
    if delta == 0 and credits:  # the sample's opening balance already: make the change a real one
        await desk.clients.adjust(client_id, -credits, "package expired")
        delta = credits
    if delta == 0:
        return client_id
    if on_another_pc is None:
        await desk.clients.adjust(client_id, delta, "opening balance")
    else:
        await on_another_pc.ok("credits.adjust", {"client_id": client_id, "delta": delta,
                                                  "reason": "opening balance"})
    await until(lambda: desk.store.directory.clients[client_id].credits == credits,
                what=f"{name}'s credits on boss's desktop")
    return client_id


async def server_credits(desktop: StudioClient, client_id: int) -> int:
    """The client's credits as the server counts them now."""
    reply: dict[str, Any] = await desktop.link.request("directory.query", {})
    return int(next(c["credits"] for c in reply["clients"] if c["id"] == client_id))


def acting_as(pane: SchedulePane, desktop: StudioClient) -> SchedulePane:
    """The pane as the app wires it for the signed-in user: their account, the studio's settings."""
    pane.set_current_user(desktop.user)
    pane.studio_settings = lambda: desktop.collab.settings
    return pane


@pytest.fixture
async def ana(sample: SampleStudio, sign_in: SignIn) -> StudioClient:
    """Ana's desktop (a trainer's) with the sample loaded."""
    return await loaded(await sign_in("ana"))


@pytest.fixture
def ana_pane(qtbot, ana: StudioClient) -> Iterator[SchedulePane]:
    """A schedule pane on DAY showing Ana's desktop store and acting through it."""
    yield from open_pane(qtbot, ana.store, ana)  # type: ignore[misc]


async def completed_in_three_hours(desk: StudioClient, sample: SampleStudio) -> Session:
    """Dana's completed session with Ana starting three hours from now (late for any cancelling),
    booked and completed by boss: completing it took one of Dana's credits."""
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    booked = await desk.create_session({
        "start": format_ts(soon), "end": format_ts(soon + timedelta(hours=1)), "trainer_id": 1,
        "client_id": sample.clients["Dana Whitfield"], "location": "Studio C"}, allow_overlap=True)
    return await desk.update_session(booked.id, booked.version, {"status": "completed"})


# -- cancelling ------------------------------------------------------------------------------------
async def test_cancel_from_the_editor_says_credit_and_notified_and_offers_undo(
        qtbot, pane, desk: StudioClient, sample: SampleStudio, sent: Sent) -> None:
    await ana_kowalskis_account(sample, desk)
    rosa = await sample.sign_in_rosa()
    await desk.collab.change_settings({"cancellation_window_h": 12})
    await give_credits(desk, sample, "Dana Whitfield", 8, on_another_pc=rosa)  # a sale at the desk
    acting_as(pane, desk)
    editor = pane.open_editor(1)
    qtbot.mouseClick(editor.cancel_session_button, Qt.MouseButton.LeftButton)
    dialog = editor.cancel_dialog
    assert dialog is not None and dialog.isVisible()
    texts = {b.text() for b in dialog.buttons.buttons()}
    assert texts == {"Keep session", "Cancel session"} and "Cancel" not in texts
    assert "Dana keeps 8 credits" in dialog.credit_label.text()
    # the trainer's account first, then the office (the studio's other admin accounts), not boss
    assert dialog.notify_label.text() == ("Ana Kowalski, Rosa Front Desk and Studio Admin will be notified; "
                                          "you get a confirmation in your Notifications.")
    assert desk.user is not None and set(dialog.notified) == told_by_the_server(sample, 1, desk.user.id)
    sent.clear()  # what the desk sent to set the studio up
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and sent == []
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("Client is ill"))
    qtbot.keyClicks(dialog.detail_edit, "flu")
    announced = next_emission(pane.announced)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    (text,) = await announced
    assert text == "Cancelled Dana Whitfield's 09:00 · Ana and 2 others notified · Undo (Ctrl+Z)"
    cancelled = as_stored(sample, 1)
    assert cancelled.status is Status.CANCELLED and cancelled.cancel_reason == "Client is ill: flu"
    assert desk.store.get(1) == cancelled
    assert pane.editing.undo_action.text() == "Undo cancellation of Dana Whitfield's 09:00"



async def test_the_accounts_linked_to_the_trainer_are_named_not_those_with_her_name(
        qtbot, pane, desk: StudioClient, sample: SampleStudio, sign_in: SignIn) -> None:
    """The server tells the accounts linked to the session's trainer (their ``trainer_id``), whatever
    they are called: Ana's account, "Ana", linked by Rosa to trainer Ana Kowalski while boss's desktop
    is open, is named; an account called "Ana Kowalski" that is linked to no trainer is not."""
    rosa = await sample.sign_in_rosa()
    ids = {a["username"]: int(a["id"]) for a in (await rosa.ok("account.list"))["accounts"]}
    made = await rosa.ok("account.create", {"username": "ana.k", "name": "Ana Kowalski", "role": "trainer"})
    namesake = int(made["account"]["id"])
    await rosa.ok("account.update", {"user_id": ids["ana"], "changes": {"trainer_id": 1}})
    users = desk.store.directory.users
    await until(lambda: namesake in users and users[ids["ana"]].trainer_id == 1,
                what="the new account and Ana's link on boss's desktop")
    assert users[ids["ana"]].name == "Ana" and users[namesake].trainer_id is None
    acting_as(pane, desk)
    dialog = pane.commands.ask_cancel(1)
    assert dialog is not None and desk.user is not None
    assert dialog.notify_label.text() == ("Ana, Rosa Front Desk and Studio Admin will be notified; "
                                          "you get a confirmation in your Notifications.")
    assert set(dialog.notified) == told_by_the_server(sample, 1, desk.user.id)
    dialog.reject()
    # a desktop signed in now learns the links from directory.query
    later = await sign_in("boss")
    s = later.store.get(1) or sample.stored(1)
    assert s is not None and later.user is not None
    assert notified(s, later.store.directory, later.user.id) == ["Ana", "Rosa Front Desk", "Studio Admin"]


def test_keep_session_sends_nothing_and_cancel_is_apart_from_delete(
        qtbot, pane, sent: Sent, sample: SampleStudio) -> None:
    editor = pane.open_editor(1)
    qtbot.waitExposed(editor)
    assert editor.cancel_session_button.text() == "Cancel session…"
    gap = editor.delete_button.x() - editor.cancel_session_button.geometry().right()
    assert gap >= 24 and editor.close_button.x() - editor.delete_button.geometry().right() > 60
    editor.ask_cancel_reason()
    qtbot.mouseClick(editor.cancel_dialog.keep_button, Qt.MouseButton.LeftButton)
    assert not editor.cancel_dialog.isVisible() and sent == []
    stored = as_stored(sample, 1)
    assert (stored.status, stored.version) == (Status.CONFIRMED, 1)


async def test_an_admin_may_give_a_late_cancellations_credit_back(
        qtbot, pane, desk: StudioClient, sample: SampleStudio, sent: Sent) -> None:
    dana = await give_credits(desk, sample, "Dana Whitfield", 8)
    done = await completed_in_three_hours(desk, sample)
    spent = await server_credits(desk, dana)
    acting_as(pane, desk)  # the studio's window: the server's default, 24 hours
    dialog = pane.commands.ask_cancel(done.id)
    assert dialog is not None
    assert "does not come back" in dialog.credit_label.text() and dialog.restore_box.isVisible()
    dialog.restore_box.setChecked(True)
    assert dialog.credit_label.text().startswith("Dana's credit comes back")
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("Studio closed"))
    announced = next_emission(pane.announced)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    await announced
    _name, payload = sent[-1]
    assert payload["id"] == done.id and payload["restore_credit"] is True
    assert as_stored(sample, done.id).status is Status.CANCELLED
    assert desk.store.get(done.id) == as_stored(sample, done.id)
    assert await server_credits(desk, dana) == spent + 1  # given back despite the window


async def test_a_trainer_is_not_offered_the_credit_override(
        ana_pane: SchedulePane, ana: StudioClient, desk: StudioClient, sample: SampleStudio) -> None:
    done = await completed_in_three_hours(desk, sample)
    await until(lambda: ana.store.get(done.id) == done, what="the completed session on Ana's desktop")
    pane = acting_as(ana_pane, ana)
    dialog = pane.commands.ask_cancel(done.id)
    assert dialog is not None and "does not come back" in dialog.credit_label.text()
    assert not dialog.restore_box.isVisible() and not dialog.restore_credit()
