"""The session editor: validation next to fields, sending only changes, and the
server's refusals (invalid field, overlap, stale version) handled in the UI.

The editor acts through boss's real desktop (``StudioClient``) on a real server holding the
sample studio (conftest.py); the refusals are that server's own, and what a save did is read
back from the server. Async tests run on the qasync loop and await signals; they never nest loops.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QTime
from PySide6.QtWidgets import QMessageBox

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Status
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.dialogs.conflict_dialog import ConflictChoice, ConflictDialog
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from swan_desktop.server.store import Store
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.proxy import ChaosProxy
from tests.support.qt import next_emission
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio, loaded

from .live_desk import as_stored
from .live_desk import store as store  # the fixture: boss's desktop's store


@pytest.fixture
def actions(desk: StudioClient) -> StudioClient:
    return desk


def editor(qtbot, store, actions, session_id: int | None = None, **kw) -> SessionDialog:
    s = store.get(session_id) if session_id is not None else None
    dialog = SessionDialog(store.directory, actions, s, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog





# -- client-side validation -------------------------------------------------------------
def test_end_before_start_is_reported_next_to_the_end_time(qtbot, store, actions, sent, sample) -> None:
    d = editor(qtbot, store, actions, 1)
    d.form.end_edit.setTime(QTime(8, 0))
    assert d.save() is False
    assert d.form.error_text("end") == "The end time must be after the start time."
    assert d.form.errors["end"].isVisible()
    assert sent == [] and not d.busy
    assert as_stored(sample, 1).version == 1


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
async def test_edit_sends_only_the_changed_fields(qtbot, store, actions, sent, sample) -> None:
    before = as_stored(sample, 1)
    d = editor(qtbot, store, actions, 1)
    d.form.notes_edit.setPlainText("Bring a towel")
    d.form.start_edit.setTime(QTime(12, 0))
    assert d.save()
    (saved,) = await next_emission(d.saved)
    name, payload = sent[-1]
    assert name == "session.update" and payload["version"] == 1
    assert payload["changes"] == {"notes": "Bring a towel", "start": format_ts(at(DAY, 12)),
                                  "end": format_ts(at(DAY, 13))}
    assert saved.version == 2 and store.get(1).notes == "Bring a towel"
    assert as_stored(sample, 1) == before.with_changes(
        notes="Bring a towel", start=at(DAY, 12), end=at(DAY, 13), version=2,
        updated_at=saved.updated_at, updated_by=actions.user.id)


async def test_save_shows_saving_and_disables_save_while_in_flight(
        qtbot, store, actions, sample: SampleStudio, line: ChaosProxy) -> None:
    server_store = sample.server.server.store
    sessions_before = server_store.submit(Store.count, "sessions")
    line.hold(True)  # the server's answers wait on the line
    d = editor(qtbot, store, actions, start=at(DAY, 18))
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(3))
    d.form.client_combo.setEditText("Eli Novak")
    d.save()
    await until(lambda: server_store.submit(Store.count, "sessions") == sessions_before + 1,
                what="the new session on the server")  # sent and done; the answer still on its way
    assert d.busy and d.busy_label.isVisible() and d.busy_label.text() == "Saving…"
    assert not d.save_button.isEnabled()
    line.hold(False)
    (created,) = await next_emission(d.saved)
    assert not d.busy and d.save_button.isEnabled()
    assert created.client_id == sample.clients["Eli Novak"] and created.trainer_id == 3
    assert store.get(created.id) is not None
    assert as_stored(sample, created.id) == created


async def test_server_invalid_reply_lands_next_to_its_field(qtbot, store, actions, sample) -> None:
    rosa = await sample.sign_in_rosa()
    await rosa.ok("room.update", {"id": 2, "changes": {"active": False}})  # Studio B, archived
    d = editor(qtbot, store, actions, 1)
    d.form.location_combo.setEditText("Studio B")
    d.save()
    await next_emission(d.idle)
    assert d.form.error_text("location") == ("the room 'Studio B' is archived; choose another, "
                                             "or make it active again")
    assert d.isVisible()
    assert as_stored(sample, 1).location == "Studio A"


async def test_overlap_message_shows_next_to_time_and_trainer_and_admin_may_save_anyway(
        qtbot, store, actions, sample) -> None:
    d = editor(qtbot, store, actions, 4, can_override=True)  # Ana's cancelled 11:00
    d.form.status_combo.setCurrentIndex(d.form.status_combo.findData("scheduled"))
    d.form.start_edit.setTime(QTime(9, 30))
    d.save()
    await next_emission(d.idle)
    assert "Ana Kowalski already has Dana Whitfield" in d.form.error_text("start")
    assert d.form.error_text("trainer_id") == "This trainer is not free at that time."
    assert as_stored(sample, 4).version == 1  # refused: nothing changed
    assert d.save_anyway_button.isVisible()
    d.save_anyway_button.click()
    box = d.override_box
    assert box is not None and "Dana Whitfield" in box.text()
    book = next(b for b in box.buttons() if b.text() == "Book anyway")
    book.click()
    (saved,) = await next_emission(d.saved)
    assert saved.status is Status.SCHEDULED and saved.version == 2
    # booked over the clash: the server holds both of Ana's sessions at 09:30
    stored = as_stored(sample, 4)
    assert (stored.status, stored.start, stored.version) == (Status.SCHEDULED, at(DAY, 9, 30), 2)
    assert as_stored(sample, 1).start == at(DAY, 9) and as_stored(sample, 1).trainer_id == 1


async def test_a_trainer_gets_no_save_anyway(qtbot, sample, sign_in: SignIn) -> None:
    ana = await loaded(await sign_in("ana"))
    d = editor(qtbot, ana.store, ana, 2, can_override=False)  # Ben 09:00
    d.form.trainer_combo.setCurrentIndex(d.form.trainer_combo.findData(1))  # onto Ana's 09:00
    d.save()
    await next_emission(d.idle)
    assert d.form.error_text("start")
    assert not d.save_anyway_button.isVisible()
    assert as_stored(sample, 2).trainer_id == 2


async def test_not_found_and_forbidden_are_said_in_words(qtbot, store, actions, sample, sign_in) -> None:
    d = editor(qtbot, store, actions, 1)
    rosa = await sample.sign_in_rosa()
    await rosa.ok("session.delete", {"id": 1, "version": 1})  # deleted on another PC
    await until(lambda: store.get(1) is None, what="the deletion reaching boss's desktop")
    d.form.notes_edit.setPlainText("x")
    d.save()
    await next_emission(d.idle)
    assert "no longer exists" in d.general_error.text()
    vic = await loaded(await sign_in("vic"))
    d2 = editor(qtbot, vic.store, vic, 2)
    d2.form.notes_edit.setPlainText("y")
    d2.save()
    await next_emission(d2.idle)
    assert "not allowed" in d2.general_error.text()
    assert as_stored(sample, 2).notes == ""


# -- version conflicts ----------------------------------------------------------------------
async def _stale_edit(qtbot, store, actions, sample: SampleStudio) -> tuple[SessionDialog, ConflictDialog]:
    d = editor(qtbot, store, actions, 1)
    d.form.notes_edit.setPlainText("Mine: knee rehab focus")
    rosa = await sample.sign_in_rosa()  # Rosa saves first, on her own PC
    await rosa.ok("session.update", {"id": 1, "version": 1,
                                     "changes": {"location": "Studio C", "notes": "Theirs"}})
    d.save()
    (conflict,) = await next_emission(d.conflictOpened)
    return d, conflict


async def test_stale_version_opens_the_side_by_side_conflict_dialog(qtbot, store, actions, sample) -> None:
    _d, conflict = await _stale_edit(qtbot, store, actions, sample)
    assert conflict.isVisible()
    assert conflict.current.version == 2
    assert set(conflict.differing) == {"Location", "Notes"}
    current_cell, mine_cell = conflict.cells["Notes"]
    assert (current_cell.text(), mine_cell.text()) == ("Theirs", "Mine: knee rehab focus")
    assert conflict.current_heading.text().startswith("Current (saved by Rosa Front Desk at ")


async def test_keep_current_discards_mine_and_closes(qtbot, store, actions, sent, sample) -> None:
    d, conflict = await _stale_edit(qtbot, store, actions, sample)
    conflict.keep_button.click()
    assert conflict.choice is ConflictChoice.KEEP_CURRENT
    assert not d.isVisible()
    assert store.get(1).notes == "Theirs" and store.get(1).version == 2
    assert [name for name, _payload in sent] == ["session.update"]
    stored = as_stored(sample, 1)
    assert (stored.notes, stored.version, stored.updated_by) == ("Theirs", 2, sample.rosa_id)


async def test_overwrite_resends_my_changes_on_the_current_version(
        qtbot, store, actions, sent, sample) -> None:
    d, conflict = await _stale_edit(qtbot, store, actions, sample)
    conflict.choose(ConflictChoice.OVERWRITE)
    (saved,) = await next_emission(d.saved)
    _name, payload = sent[-1]
    assert payload["version"] == 2 and payload["changes"] == {"notes": "Mine: knee rehab focus"}
    assert saved.version == 3
    assert saved.notes == "Mine: knee rehab focus" and saved.location == "Studio C"
    stored = as_stored(sample, 1)
    assert (stored.notes, stored.location, stored.version) == ("Mine: knee rehab focus", "Studio C", 3)


async def test_edit_again_puts_my_values_over_the_current_version(
        qtbot, store, actions, sent, sample) -> None:
    d, conflict = await _stale_edit(qtbot, store, actions, sample)
    conflict.edit_button.click()
    assert d.isVisible() and d.session is not None and d.session.version == 2
    assert d.form.notes_edit.toPlainText() == "Mine: knee rehab focus"
    assert d.form.location_combo.currentText() == "Studio A"  # my value, shown for review
    d.form.location_combo.setEditText("Studio C")  # accept theirs for the room
    d.save()
    (saved,) = await next_emission(d.saved)
    assert sent[-1][1]["changes"] == {"notes": "Mine: knee rehab focus"}
    assert sent[-1][1]["version"] == 2
    assert saved.version == 3
    stored = as_stored(sample, 1)
    assert (stored.notes, stored.location, stored.version) == ("Mine: knee rehab focus", "Studio C", 3)


# -- cancel and delete -------------------------------------------------------------------------
async def test_cancel_session_sends_status_and_reason(qtbot, store, actions, sent, sample) -> None:
    d = editor(qtbot, store, actions, 1)
    d.ask_cancel_reason()
    assert d.cancel_dialog is not None and d.cancel_dialog.isVisible()
    d.cancel_dialog.detail_edit.setText("Client has the flu")
    d.cancel_dialog.cancel_button.click()
    (saved,) = await next_emission(d.saved)
    assert sent[-1][1]["changes"] == {"status": "cancelled", "cancel_reason": "Client has the flu"}
    assert saved.status is Status.CANCELLED
    stored = as_stored(sample, 1)
    assert (stored.status, stored.cancel_reason) == (Status.CANCELLED, "Client has the flu")


async def test_delete_asks_first_without_blocking_then_deletes(qtbot, store, actions, sent, sample) -> None:
    d = editor(qtbot, store, actions, 3)
    d.delete_button.click()
    box = d.confirm_box
    assert box is not None and box.isVisible()
    assert sent == []
    box.button(QMessageBox.StandardButton.Yes).click()
    (deleted,) = await next_emission(d.deleted)
    assert deleted == 3 and store.get(3) is None
    assert sample.stored(3) is None


def test_declining_the_delete_keeps_the_session(qtbot, store, actions, sent, sample) -> None:
    d = editor(qtbot, store, actions, 3)
    d.ask_delete()
    assert d.confirm_box is not None
    d.confirm_box.button(QMessageBox.StandardButton.No).click()
    assert store.get(3) is not None and sent == []
    assert as_stored(sample, 3).version == 1


@pytest.mark.parametrize("minutes", [30])
def test_new_session_defaults_to_the_requested_trainer_and_time(qtbot, store, actions, minutes) -> None:
    d = editor(qtbot, store, actions, start=at(DAY, 8, minutes), trainer_id=2)
    values = d.form.values()
    assert values["trainer_id"] == 2
    assert values["start"] == format_ts(at(DAY, 8, minutes))
    assert values["end"] == format_ts(at(DAY, 8, minutes) + timedelta(hours=1))
