"""The bulk bar: it appears over a multi-selection in the agenda and acts on
every selected session (each one a request of its own).

The pane is boss's real desktop on a real server holding the sample studio (conftest.py); what
the bar did is read back from the server, and a session the server refuses is its own refusal.
A viewer is vic, signed in on a PC of his own.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import icalendar
from PySide6.QtCore import QItemSelectionModel, Qt

from swan_desktop.protocol.entities import Status
from swan_desktop.protocol.timefmt import format_ts
from tests.support.poll import until
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio

from .live_desk import Sent, saved, schedule_changes_handled, settled
from .live_desk import pane as pane  # the fixture: boss's real pane
from .live_desk import store as store  # the fixture: boss's desktop's store


def select_rows(pane, rows: list[int]) -> None:
    view = pane.agenda_view
    model = view.model()
    selection = view.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def test_the_bar_shows_for_several_selected_sessions_only(qtbot, pane) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0])
    assert not pane.bulk.isVisible()
    select_rows(pane, [0, 1, 2])
    assert pane.bulk.isVisible() and pane.bulk.count.text() == "3 selected"
    assert len(pane.bulk.ids) == 3


async def test_confirm_acts_on_every_selected_session(qtbot, pane, store, sent: Sent,
                                                     sample: SampleStudio) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0, 1])
    chosen = list(pane.bulk.ids)
    assert sorted(chosen) == [1, 5]  # Dana Whitfield's 09:00, confirmed already; Ben's blocked 07:00
    pane.bulk.confirm_button.click()
    await until(lambda: pane.bulk.last is not None)
    assert pane.bulk.last.failed == []
    # a request for the session not confirmed yet, none for the one that is
    assert [p["id"] for name, p in sent if name == "session.update"] == [5]
    for i, version in ((5, 2), (1, 1)):
        assert (await saved(sample, store, i, version)).status is Status.CONFIRMED
    assert pane.editing.notice.isVisible() and pane.editing.notice.text().startswith("Confirm: ")


def week_later(pane):
    return next(a for a in pane.bulk.move_button.menu().actions() if a.text() == "1 week later")


async def test_move_a_selection_a_week_later(qtbot, pane, store, sample: SampleStudio) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0, 1])
    before = {i: store.get(i).start for i in pane.bulk.ids}
    week_later(pane).trigger()
    await until(lambda: pane.bulk.last is not None)
    assert pane.bulk.last.failed == []
    moved = {i: await saved(sample, store, i, 2) for i in before}
    assert {i: moved[i].start - start for i, start in before.items()} == {
        i: timedelta(days=7) for i in before}


async def test_a_session_the_server_refuses_is_named_and_the_rest_still_move(
        qtbot, pane, store, sample: SampleStudio) -> None:
    rosa = await sample.sign_in_rosa()  # on her own PC: Ben Ortiz's 09:00 a week later is taken
    taken, until_ten = at(DAY + timedelta(days=7), 9), at(DAY + timedelta(days=7), 10)
    made = await rosa.ok("session.create", {"start": format_ts(taken), "end": format_ts(until_ten),
                                            "trainer_id": 2, "client_name": "Ivy Chen"})
    await until(lambda: store.get(made["session"]["id"]) is not None, what="Rosa's booking on boss's desktop")
    pane.set_view("agenda")
    select_rows(pane, [1, 2])  # Dana Whitfield with Ana, Eli Novak with Ben: both at 09:00
    assert sorted(pane.bulk.ids) == [1, 2]
    week_later(pane).trigger()
    await until(lambda: pane.bulk.last is not None)
    result = pane.bulk.last
    assert result.done == [1] and [sid for sid, _why in result.failed] == [2]
    assert "Ben Ortiz already has Ivy Chen" in result.failed[0][1]
    assert pane.editing.notice.isVisible()
    assert pane.editing.notice.text().startswith("Reschedule: 1 done, 1 not: #2 Ben Ortiz already has")
    assert (await saved(sample, store, 1, 2)).start == at(DAY + timedelta(days=7), 9)
    assert (await saved(sample, store, 2, 1)).start == at(DAY, 9)  # refused: it stays


def test_export_writes_the_selection_as_ics(qtbot, pane, tmp_path: Path) -> None:
    pane.set_view("agenda")
    select_rows(pane, [0, 1, 2])
    path = tmp_path / "selection.ics"
    assert pane.bulk.export_to(str(path)) == 3
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    assert uids == {f"session-{i}@swan-desktop" for i in pane.bulk.ids}


async def test_viewers_can_export_but_not_change(qtbot, viewer_pane, sample: SampleStudio) -> None:
    viewer_pane.set_view("agenda")
    select_rows(viewer_pane, [0, 1])
    bar = viewer_pane.bulk
    assert bar.isVisible() and bar.export_button.isEnabled()
    assert not bar.confirm_button.isEnabled() and not bar.delete_button.isEnabled()
    before = schedule_changes_handled(sample)
    bar.confirm_button.click()
    await settled(viewer_pane)
    assert schedule_changes_handled(sample) == before and bar.last is None  # nothing reached the server
    for i in bar.ids:
        assert sample.stored(i) == viewer_pane.store.get(i) and viewer_pane.store.get(i).version == 1


def test_ctrl_click_selects_several_rows(qtbot, pane) -> None:
    pane.set_view("agenda")
    view = pane.agenda_view
    first = view.visualRect(view.model().index(0, 1)).center()
    third = view.visualRect(view.model().index(2, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, third)
    assert len(view.selected_ids()) == 2 and pane.bulk.isVisible()


def test_ctrl_click_on_the_day_grid_picks_several_sessions_for_the_bulk_bar(qtbot, pane) -> None:
    canvas = pane.day_view.canvas
    first, second = canvas.session_rect(1), canvas.session_rect(2)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=first.center().toPoint())
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     second.center().toPoint())
    assert canvas.picked == [1, 2] and pane.bulk.isVisible() and pane.bulk.ids == [1, 2]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     second.center().toPoint())  # Ctrl+click again takes it out
    assert canvas.picked == [1] and not pane.bulk.isVisible()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     second.center().toPoint())
    pane.set_view("month")
    assert not pane.bulk.isVisible()  # another view's picks are not acted on
    pane.set_view("day")
    assert pane.bulk.ids == [1, 2]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=first.center().toPoint())  # a plain click
    assert canvas.picked == [] and not pane.bulk.isVisible()
