"""Cancelling a session in the desk's words: a reason from the list plus free text, what
happens to the client's credit, who is notified, and no button called "Cancel"."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from swan_desktop.core.cancellation import credit_outlook, notified, window_hours
from swan_desktop.protocol.entities import Role, Status, User
from tests.support.qt import next_emission

from .conftest import DAY, at, session


def test_the_credit_comes_back_only_outside_the_window_for_a_completed_session(store) -> None:
    done = session(9, 1, 9, status=Status.COMPLETED, client_id=10)
    early = credit_outlook(done, store.directory, 24, at(DAY, 9) - timedelta(hours=30))
    late = credit_outlook(done, store.directory, 24, at(DAY, 9) - timedelta(hours=3))
    assert early.returns and "Dana's credit comes back" in early.text
    assert not late.returns and "does not come back" in late.text and "24-hour window" in late.text
    booked = credit_outlook(session(8, 1, 9, client_id=11), store.directory, 12, at(DAY, 8))
    assert not booked.returns and "Eli keeps 3 credits" in booked.text and "late cancellation" in booked.text
    assert window_hours({"cancellation_window_h": "48"}) == 48 and window_hours({}) == 24


def test_the_trainer_and_the_office_are_notified_but_not_the_one_cancelling(store) -> None:
    store.directory.users[8] = User(8, "Ana Kowalski", Role.TRAINER)
    s = store.get(1)
    assert notified(s, store.directory, me=7) == ["Ana Kowalski"]
    assert notified(s, store.directory, me=8) == ["Rosa Front Desk"]


async def test_cancel_from_the_editor_says_credit_and_notified_and_offers_undo(qtbot, pane, store,
                                                                              actions) -> None:
    store.directory.users[8] = User(8, "Ana Kowalski", Role.TRAINER)
    pane.set_current_user(User(7, "Rosa Front Desk", Role.ADMIN))
    pane.studio_settings = lambda: {"cancellation_window_h": "12"}
    editor = pane.open_editor(1)
    qtbot.mouseClick(editor.cancel_session_button, Qt.MouseButton.LeftButton)
    dialog = editor.cancel_dialog
    assert dialog is not None and dialog.isVisible()
    texts = {b.text() for b in dialog.buttons.buttons()}
    assert texts == {"Keep session", "Cancel session"} and "Cancel" not in texts
    assert "Dana keeps 8 credits" in dialog.credit_label.text()
    assert dialog.notify_label.text().startswith("Ana Kowalski will be notified")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisible() and actions.calls == []
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("Client is ill"))
    qtbot.keyClicks(dialog.detail_edit, "flu")
    announced = next_emission(pane.announced)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    (text,) = await announced
    assert text == "Cancelled Dana Whitfield's 09:00 · Ana notified · Undo (Ctrl+Z)"
    cancelled = store.get(1)
    assert cancelled.status is Status.CANCELLED and cancelled.cancel_reason == "Client is ill: flu"
    assert pane.editing.undo_action.text() == "Undo cancellation of Dana Whitfield's 09:00"


def test_keep_session_sends_nothing_and_cancel_is_apart_from_delete(qtbot, pane, actions) -> None:
    editor = pane.open_editor(1)
    qtbot.waitExposed(editor)
    assert editor.cancel_session_button.text() == "Cancel session…"
    gap = editor.delete_button.x() - editor.cancel_session_button.geometry().right()
    assert gap >= 24 and editor.close_button.x() - editor.delete_button.geometry().right() > 60
    editor.ask_cancel_reason()
    qtbot.mouseClick(editor.cancel_dialog.keep_button, Qt.MouseButton.LeftButton)
    assert not editor.cancel_dialog.isVisible() and actions.calls == []


class CreditCalendar:
    """The series/credit side of the actions, recording an admin's credit override."""

    def __init__(self, actions) -> None:
        self.actions = actions
        self.given_back: list[int] = []

    async def cancel_giving_credit_back(self, session_id: int, version: int, reason: str):
        self.given_back.append(session_id)
        return await self.actions.update_session(session_id, version,
                                                 {"status": "cancelled", "cancel_reason": reason})


async def test_an_admin_may_give_a_late_cancellations_credit_back(qtbot, pane, store, actions) -> None:
    from datetime import UTC, datetime

    from swan_desktop.protocol.entities import Session

    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    store.upsert(Session(id=30, start=soon, end=soon + timedelta(hours=1), trainer_id=1, client_id=10,
                         client_name="Dana Whitfield", status=Status.COMPLETED))
    actions.calendar = CreditCalendar(actions)
    pane.set_current_user(User(7, "Rosa Front Desk", Role.ADMIN))
    dialog = pane.commands.ask_cancel(30)
    assert "does not come back" in dialog.credit_label.text() and dialog.restore_box.isVisible()
    dialog.restore_box.setChecked(True)
    assert dialog.credit_label.text().startswith("Dana's credit comes back")
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("Studio closed"))
    announced = next_emission(pane.announced)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    await announced
    assert actions.calendar.given_back == [30] and store.get(30).status is Status.CANCELLED


def test_a_trainer_is_not_offered_the_credit_override(qtbot, pane, store, actions) -> None:
    from datetime import UTC, datetime

    from swan_desktop.protocol.entities import Session

    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)
    store.upsert(Session(id=31, start=soon, end=soon + timedelta(hours=1), trainer_id=1, client_id=10,
                         status=Status.COMPLETED))
    actions.calendar = CreditCalendar(actions)
    pane.set_current_user(User(8, "Ana Kowalski", Role.TRAINER))
    dialog = pane.commands.ask_cancel(31)
    assert not dialog.restore_box.isVisible() and not dialog.restore_credit()
