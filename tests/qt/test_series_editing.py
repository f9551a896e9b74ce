"""Series and working hours in the session editor: a repeating session is sent with its rule,
changing an occurrence asks "this / this and following / the whole series" without blocking, and an
outside-hours refusal shows next to the time with "Book anyway" for admins.

The editor acts through boss's real desktop on a real server holding the sample studio
(conftest.py); series and working hours are the server's, and what a save did is read back from it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.calendar.tables import calendar_series, series_members
from swan_desktop.server.store import Store
from tests.support.poll import until
from tests.support.qt import next_emission
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio

from .live_desk import as_stored, editor


def series_on_server(sample: SampleStudio, series_id: int) -> tuple[str, list[Session]]:
    """The series' repeat rule and its sessions, earliest first, as the server's database holds them."""
    def read(store: Store) -> tuple[str, list[int]]:
        rule = store.db.execute(select(calendar_series.c.rrule)
                                .where(calendar_series.c.id == series_id)).scalar_one()
        ids = store.db.execute(select(series_members.c.session_id)
                               .where(series_members.c.series_id == series_id)).scalars().all()
        return str(rule), [int(i) for i in ids]

    rule, ids = sample.server.server.store.submit(read)
    return rule, sorted((as_stored(sample, i) for i in ids), key=lambda s: s.start)


async def test_saving_a_repeating_session_sends_the_rule(qtbot, desk: StudioClient, sample) -> None:
    d = editor(qtbot, desk, start=at(DAY, 16), trainer_id=1)
    d.form.repeat.set_kind("custom")
    d.form.repeat.custom_edit.setText("FREQ=YEARLY")
    assert d.save() is False
    assert "repeat daily, weekly or monthly" in d.form.error_text("repeat").lower()
    d.form.repeat.custom_edit.setText("FREQ=WEEKLY;COUNT=3")
    saved = next_emission(d.saved)
    assert d.save() is True
    (first,) = await saved
    assert first.series_id is not None
    rule, sessions = series_on_server(sample, first.series_id)
    assert rule == "FREQ=WEEKLY;COUNT=3"
    assert [s.start for s in sessions] == [at(DAY + timedelta(weeks=w), 16) for w in range(3)]
    assert sessions[0] == first and all(desk.store.get(s.id) == s for s in sessions)


async def test_changing_an_occurrence_asks_which_ones_without_blocking(
        qtbot, desk: StudioClient, sample: SampleStudio) -> None:
    rosa = await sample.sign_in_rosa()  # Rosa books Dana weekly, three times, on her own PC
    made = await rosa.ok("session.create", {
        "start": format_ts(at(DAY, 18)), "end": format_ts(at(DAY, 19)), "trainer_id": 1,
        "client_id": sample.clients["Dana Whitfield"], "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=3"}})
    ids = [int(w["id"]) for w in made["sessions"]]
    await until(lambda: all(desk.store.get(i) is not None for i in ids), what="the series on boss's desktop")
    occurrence = desk.store.get(ids[1])  # the second week's
    assert occurrence is not None and occurrence.series_id is not None
    d = editor(qtbot, desk, occurrence)
    assert not d.form.repeat.isVisible()
    d.form.notes_edit.setPlainText("bring a towel")
    assert d.save() is True
    box = d.scope_box
    assert box is not None and box.isVisible()
    assert box.windowModality() != Qt.WindowModality.ApplicationModal  # opened with open(), not exec()
    assert as_stored(sample, ids[1]).notes == ""  # nothing sent before the answer
    following = next(b for b in box.buttons() if b.text() == "This and following")
    saved = next_emission(d.saved)
    following.click()
    await saved
    _rule, sessions = series_on_server(sample, occurrence.series_id)
    assert [(s.id, s.notes) for s in sessions] == [
        (ids[0], ""), (ids[1], "bring a towel"), (ids[2], "bring a towel")]
    assert [getattr(desk.store.get(i), "notes", None) for i in ids] == ["", "bring a towel", "bring a towel"]


async def test_outside_working_hours_is_shown_by_the_time_and_admins_may_book_anyway(
        qtbot, desk: StudioClient, sample: SampleStudio) -> None:
    rosa = await sample.sign_in_rosa()  # Ana works Wednesday mornings
    await rosa.ok("availability.set", {"trainer_id": 1, "hours": [
        {"weekday": DAY.weekday(), "start": "09:00", "end": "13:00"}]})
    sessions_before = sample.server.server.store.submit(Store.count, "sessions")
    d = editor(qtbot, desk, start=at(DAY, 20), trainer_id=1, can_override=True)
    idle = next_emission(d.idle)
    d.save()
    await idle
    assert "Ana Kowalski does not work then" in d.form.error_text("start")
    assert "working hours: Wednesdays 09:00–13:00" in d.form.error_text("start")
    assert sample.server.server.store.submit(Store.count, "sessions") == sessions_before  # refused
    assert d.save_anyway_button.isVisible() and d.save_anyway_button.text() == "Book anyway"
    saved = next_emission(d.saved)
    d.save_anyway_button.click()
    (booked,) = await saved
    stored = as_stored(sample, booked.id)
    assert stored == booked and (stored.trainer_id, stored.start) == (1, at(DAY, 20))
