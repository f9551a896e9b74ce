"""Series and working hours in the session editor: a repeating session is sent with its rule,
changing an occurrence asks "this / this and following / the whole series" without blocking, and an
outside-hours refusal shows next to the time with "Book anyway" for admins."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from tests.support.qt import next_emission
from tests.support.sample import DAY, at, session

from .test_calendar_dialogs import _editor


async def test_saving_a_repeating_session_sends_the_rule(qtbot, store, actions) -> None:
    d = _editor(qtbot, store, actions, start=at(DAY, 16), trainer_id=1)
    d.form.repeat.set_kind("custom")
    d.form.repeat.custom_edit.setText("FREQ=YEARLY")
    assert d.save() is False
    assert "repeat daily, weekly or monthly" in d.form.error_text("repeat").lower()
    d.form.repeat.custom_edit.setText("FREQ=WEEKLY;COUNT=3")
    saved = next_emission(d.saved)
    assert d.save() is True
    assert (await saved)[0].series_id == 9
    assert d.calendar.calls[0][1]["rrule"] == "FREQ=WEEKLY;COUNT=3"  # type: ignore[union-attr]

async def test_changing_an_occurrence_asks_which_ones_without_blocking(qtbot, store, actions) -> None:
    occurrence = session(40, 1, 18, series_id=9, client_id=10)
    store.upsert(occurrence)
    d = _editor(qtbot, store, actions, occurrence)
    assert not d.form.repeat.isVisible()
    d.form.notes_edit.setPlainText("bring a towel")
    assert d.save() is True
    box = d.scope_box
    assert box is not None and box.isVisible()
    assert box.windowModality() != Qt.WindowModality.ApplicationModal  # opened with open(), not exec()
    following = next(b for b in box.buttons() if b.text() == "This and following")
    saved = next_emission(d.saved)
    following.click()
    await saved
    assert d.calendar.calls == [  # type: ignore[union-attr]
        ("update", {"id": 40, "changes": {"notes": "bring a towel"}, "scope": "following"})]

async def test_outside_working_hours_is_shown_by_the_time_and_admins_may_book_anyway(
        qtbot, store, actions) -> None:
    async def refuse(fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        if not allow_overlap:
            raise ProtocolError(ErrorCode.CONFLICT, "Ana does not work then", {
                "reason": "outside-availability",
                "message": "Ana does not work then; working hours: Mondays 09:00–13:00"})
        return session(77, 1, 20)
    actions.create_session = refuse
    d = _editor(qtbot, store, actions, start=at(DAY, 20), trainer_id=1, can_override=True)
    idle = next_emission(d.idle)
    d.save()
    await idle
    assert "working hours: Mondays 09:00–13:00" in d.form.error_text("start")
    assert d.save_anyway_button.isVisible() and d.save_anyway_button.text() == "Book anyway"
    saved = next_emission(d.saved)
    d.save_anyway_button.click()
    assert (await saved)[0].id == 77
