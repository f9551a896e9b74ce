"""The session editor: validation next to fields, sending only changes, and the
server's refusals (invalid field, overlap, stale version) handled in the UI.

Async tests run on the qasync loop and await signals; they never nest loops.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QMessageBox

from swan_desktop.protocol.entities import Role, Status
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.dialogs.conflict_dialog import ConflictChoice, ConflictDialog
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from tests.support.qt import next_emission
from tests.support.sample import DAY, at


def editor(qtbot, store, actions, session_id: int | None = None, **kw) -> SessionDialog:
    s = store.get(session_id) if session_id is not None else None
    dialog = SessionDialog(store.directory, actions, s, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


# -- client-side validation -------------------------------------------------------------
def test_end_before_start_is_reported_next_to_the_end_time(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1)
    d.form.end_edit.setTime(QTime(8, 0))
    assert d.save() is False
    assert d.form.error_text("end") == "The end time must be after the start time."
    assert d.form.errors["end"].isVisible()
    assert actions.calls == []


def test_a_new_session_needs_a_trainer(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, start=at(DAY, 16))
    assert d.windowTitle() == "New session"
    assert d.save() is False
    assert d.form.error_text("trainer_id") == "Choose a trainer."
    assert not d.delete_button.isVisible()


def test_a_cancelled_status_needs_a_reason(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1)
    d.form.status_combo.setCurrentIndex(d.form.status_combo.findData("cancelled"))
    assert d.form.cancel_reason_edit.isVisible()
    assert d.save() is False
    assert d.form.error_text("cancel_reason") == "Say why the session is cancelled."


def test_changing_the_type_sets_its_default_duration(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1)
    d.form.type_combo.setCurrentIndex(d.form.type_combo.findData(2))  # Assessment, 90 min
    assert d.form.end_edit.time() == QTime(10, 30)
    assert d.form.duration_label.text() == "1 h 30 min"


def test_read_only_editor_disables_every_control(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1, read_only=True)
    assert all(not w.isEnabled() for w in d.form.input_widgets())
    assert not d.save_button.isVisible()
    assert d.save() is False
    assert d.close_button.isEnabled()


# -- talking to the server ----------------------------------------------------------------
async def test_edit_sends_only_the_changed_fields(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1)
    d.form.notes_edit.setPlainText("Bring a towel")
    d.form.start_edit.setTime(QTime(12, 0))
    assert d.save()
    (saved,) = await next_emission(d.saved)
    name, payload = actions.calls[-1]
    assert name == "update" and payload["version"] == 1
    assert payload["changes"] == {"notes": "Bring a towel", "start": format_ts(at(DAY, 12)),
                                  "end": format_ts(at(DAY, 13))}
    assert saved.version == 2 and store.get(1).notes == "Bring a towel"


async def test_save_shows_saving_and_disables_save_while_in_flight(qtbot, store, actions) -> None:
    import asyncio

    actions.gate = asyncio.Event()
    d = editor(qtbot, store, actions, start=at(DAY, 18))
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(3))
    d.form.client_combo.setEditText("Eli Novak")
    d.save()
    await asyncio.wait_for(actions.entered.wait(), 3)  # sent, and held at the gate
    assert d.busy and d.busy_label.isVisible() and d.busy_label.text() == "Saving…"
    assert not d.save_button.isEnabled()
    actions.gate.set()
    (created,) = await next_emission(d.saved)
    assert not d.busy and d.save_button.isEnabled()
    assert created.client_id == 11 and created.trainer_id == 3
    assert store.get(created.id) is not None


async def test_server_invalid_reply_lands_next_to_its_field(qtbot, store, actions, monkeypatch) -> None:
    async def refuse(*args, **kwargs):
        raise ProtocolError(ErrorCode.INVALID, "location is longer than 200 characters",
                            {"field": "location"})

    monkeypatch.setattr(actions, "update_session", refuse)
    d = editor(qtbot, store, actions, 1)
    d.form.location_combo.setEditText("Studio B")
    d.save()
    await next_emission(d.idle)
    assert d.form.error_text("location") == "location is longer than 200 characters"
    assert d.isVisible()


async def test_overlap_message_shows_next_to_time_and_trainer_and_admin_may_save_anyway(
        qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 4, can_override=True)  # Ana's cancelled 11:00
    d.form.status_combo.setCurrentIndex(d.form.status_combo.findData("scheduled"))
    d.form.start_edit.setTime(QTime(9, 30))
    d.save()
    await next_emission(d.idle)
    assert "Ana Kowalski already has Dana Whitfield" in d.form.error_text("start")
    assert d.form.error_text("trainer_id") == "This trainer is not free at that time."
    assert d.save_anyway_button.isVisible()
    d.save_anyway_button.click()
    box = d.override_box
    assert box is not None and "Dana Whitfield" in box.text()
    book = next(b for b in box.buttons() if b.text() == "Book anyway")
    book.click()
    (saved,) = await next_emission(d.saved)
    assert actions.calls[-1][1]["allow_overlap"] is True
    assert saved.status is Status.SCHEDULED and saved.version == 2


async def test_a_trainer_gets_no_save_anyway(qtbot, store, actions) -> None:
    actions.role = Role.TRAINER
    d = editor(qtbot, store, actions, 2, can_override=False)  # Ben 09:00
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(1))  # onto Ana's 09:00
    d.save()
    await next_emission(d.idle)
    assert d.form.error_text("start")
    assert not d.save_anyway_button.isVisible()


async def test_not_found_and_forbidden_are_said_in_words(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1)
    store.remove(1)
    d.form.notes_edit.setPlainText("x")
    d.save()
    await next_emission(d.idle)
    assert "no longer exists" in d.general_error.text()
    actions.role = Role.VIEWER
    d2 = editor(qtbot, store, actions, 2)
    d2.form.notes_edit.setPlainText("y")
    d2.save()
    await next_emission(d2.idle)
    assert "not allowed" in d2.general_error.text()


# -- version conflicts ----------------------------------------------------------------------
async def _stale_edit(qtbot, store, actions) -> tuple[SessionDialog, ConflictDialog]:
    d = editor(qtbot, store, actions, 1)
    d.form.notes_edit.setPlainText("Mine: knee rehab focus")
    actions.someone_else_saves(1, location="Studio C", notes="Theirs")
    d.save()
    (conflict,) = await next_emission(d.conflictOpened)
    return d, conflict


async def test_stale_version_opens_the_side_by_side_conflict_dialog(qtbot, store, actions) -> None:
    _d, conflict = await _stale_edit(qtbot, store, actions)
    assert conflict.isVisible()
    assert conflict.current.version == 2
    assert set(conflict.differing) == {"Location", "Notes"}
    current_cell, mine_cell = conflict.cells["Notes"]
    assert (current_cell.text(), mine_cell.text()) == ("Theirs", "Mine: knee rehab focus")
    assert conflict.current_heading.text().startswith("Current (saved by Rosa Front Desk at ")


async def test_keep_current_discards_mine_and_closes(qtbot, store, actions) -> None:
    d, conflict = await _stale_edit(qtbot, store, actions)
    conflict.keep_button.click()
    assert conflict.choice is ConflictChoice.KEEP_CURRENT
    assert not d.isVisible()
    assert store.get(1).notes == "Theirs" and store.get(1).version == 2
    assert [c[0] for c in actions.calls] == ["update"]


async def test_overwrite_resends_my_changes_on_the_current_version(qtbot, store, actions) -> None:
    d, conflict = await _stale_edit(qtbot, store, actions)
    conflict.choose(ConflictChoice.OVERWRITE)
    (saved,) = await next_emission(d.saved)
    _name, payload = actions.calls[-1]
    assert payload["version"] == 2 and payload["changes"] == {"notes": "Mine: knee rehab focus"}
    assert saved.version == 3
    assert saved.notes == "Mine: knee rehab focus" and saved.location == "Studio C"


async def test_edit_again_puts_my_values_over_the_current_version(qtbot, store, actions) -> None:
    d, conflict = await _stale_edit(qtbot, store, actions)
    conflict.edit_button.click()
    assert d.isVisible() and d.session is not None and d.session.version == 2
    assert d.form.notes_edit.toPlainText() == "Mine: knee rehab focus"
    assert d.form.location_combo.currentText() == "Studio A"  # my value, shown for review
    d.form.location_combo.setEditText("Studio C")  # accept theirs for the room
    d.save()
    (saved,) = await next_emission(d.saved)
    assert actions.calls[-1][1]["changes"] == {"notes": "Mine: knee rehab focus"}
    assert actions.calls[-1][1]["version"] == 2
    assert saved.version == 3


# -- cancel and delete -------------------------------------------------------------------------
async def test_cancel_session_sends_status_and_reason(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 1)
    d.ask_cancel_reason()
    assert d.cancel_dialog is not None and d.cancel_dialog.isVisible()
    d.cancel_dialog.detail_edit.setText("Client has the flu")
    d.cancel_dialog.cancel_button.click()
    (saved,) = await next_emission(d.saved)
    assert actions.calls[-1][1]["changes"] == {"status": "cancelled", "cancel_reason": "Client has the flu"}
    assert saved.status is Status.CANCELLED


async def test_delete_asks_first_without_blocking_then_deletes(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 3)
    d.delete_button.click()
    box = d.confirm_box
    assert box is not None and box.isVisible()
    assert actions.calls == []
    box.button(QMessageBox.StandardButton.Yes).click()
    (deleted,) = await next_emission(d.deleted)
    assert deleted == 3 and store.get(3) is None


def test_declining_the_delete_keeps_the_session(qtbot, store, actions) -> None:
    d = editor(qtbot, store, actions, 3)
    d.ask_delete()
    assert d.confirm_box is not None
    d.confirm_box.button(QMessageBox.StandardButton.No).click()
    assert store.get(3) is not None and actions.calls == []


@pytest.mark.parametrize("minutes", [30])
def test_new_session_defaults_to_the_requested_trainer_and_time(qtbot, store, actions, minutes) -> None:
    d = editor(qtbot, store, actions, start=at(DAY, 8, minutes), trainer_id=2)
    values = d.form.values()
    assert values["trainer_id"] == 2
    assert values["start"] == format_ts(at(DAY, 8, minutes))
    assert values["end"] == format_ts(at(DAY, 8, minutes) + timedelta(hours=1))
