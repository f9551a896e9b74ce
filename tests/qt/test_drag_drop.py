"""Editing on the grid: drag a session to another time and trainer, resize it
by its lower edge, see a clash before dropping (and the session snap back),
and undo or redo one's own changes.

The pane is boss's real desktop on a real server holding the sample studio (conftest.py):
what a drop sent is recorded off that desktop's line, what it did is read back from the
server; a viewer is vic, signed in on a PC of his own.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QPointF, Qt

from swan_desktop.qt.schedule_pane import SchedulePane
from tests.support.qt import next_emission
from tests.support.sample import DAY, at
from tests.support.sample_studio import SampleStudio

from .live_desk import Sent, saved, schedule_changes_handled, settled
from .live_desk import pane as pane  # the fixture: boss's real pane
from .live_desk import store as store  # the fixture: boss's desktop's store
from .mouse import drag, send


def point_at(canvas, column: int, local_hour: float, grab_from_top: float = 10) -> QPointF:
    x = canvas.column_x(column) + canvas.column_width() / 2
    return QPointF(x, canvas.y_for_minutes(local_hour * 60) + grab_from_top)


def drag_to_chloe_at_four(pane: SchedulePane) -> None:
    """Session 1 (trainer 1, column 0, 09:00–10:00) dragged to trainer 3's column, a little after 16:00."""
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    assert rect is not None
    drag(canvas, QPointF(rect.center().x(), rect.top() + 10), point_at(canvas, 2, 16.1))


async def test_dragging_moves_a_session_to_another_trainer_and_time_snapped(
        qtbot, pane, store, sent: Sent, sample: SampleStudio) -> None:
    drag_to_chloe_at_four(pane)
    (said,) = await next_emission(pane.announced)  # once the server has answered
    assert said.startswith("Moved Dana Whitfield's 09:00")
    moved = await saved(sample, store, 1, 2)
    name, payload = sent[-1]
    assert name == "session.update" and payload["id"] == 1 and payload["version"] == 1
    assert moved.trainer_id == 3
    assert moved.start == at(DAY, 16, 0) and moved.end - moved.start == timedelta(hours=1)
    assert pane.editing.undo_action.isEnabled()


async def test_a_drop_onto_a_clash_shows_it_and_snaps_back(qtbot, pane, store, sent: Sent,
                                                           sample: SampleStudio) -> None:
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    grab = QPointF(rect.center().x(), rect.top() + 10)
    send(canvas, QEvent.Type.MouseButtonPress, grab, Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseMove, point_at(canvas, 1, 9.0), Qt.MouseButton.LeftButton)
    assert canvas.drag.problem is not None and "Eli Novak" in canvas.drag.problem  # trainer 2 at 9
    with qtbot.waitSignal(canvas.dropRefused, timeout=10000) as refused:
        send(canvas, QEvent.Type.MouseButtonRelease, point_at(canvas, 1, 9.0), Qt.MouseButton.NoButton)
    assert "already has Eli Novak" in refused.args[0]
    assert pane.editing.notice.isVisible() and "Eli Novak" in pane.editing.notice.text()
    await settled(pane)
    assert sent == [] and store.get(1).trainer_id == 1  # nothing sent, nothing moved
    stored = sample.stored(1)
    assert stored is not None and (stored.trainer_id, stored.version) == (1, 1)


async def test_dragging_the_lower_edge_resizes_in_quarter_hours(qtbot, pane, store, sent: Sent,
                                                                sample: SampleStudio) -> None:
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    edge = QPointF(rect.center().x(), rect.bottom() - 2)
    drag(canvas, edge, QPointF(edge.x(), canvas.y_for_minutes(10 * 60 + 38)))  # to ~10:38
    await next_emission(pane.announced)
    resized = await saved(sample, store, 1, 2)
    _name, payload = sent[-1]
    assert set(payload["changes"]) == {"end"}
    assert (resized.start, resized.end) == (at(DAY, 9), at(DAY, 10, 45))  # 09:00–10:45


async def test_undo_and_redo_a_move(qtbot, pane, store, sample: SampleStudio) -> None:
    original = store.get(1)
    drag_to_chloe_at_four(pane)
    await next_emission(pane.announced)
    await saved(sample, store, 1, 2)
    pane.editing.undo_action.trigger()
    (said,) = await next_emission(pane.announced)
    assert said.startswith("Undone: ")
    back = await saved(sample, store, 1, 3)  # the undo is a change like any other
    assert (back.start, back.end, back.trainer_id) == (original.start, original.end, original.trainer_id)
    pane.editing.redo_action.trigger()
    (said,) = await next_emission(pane.announced)
    assert said.startswith("Redone: ")
    again = await saved(sample, store, 1, 4)
    assert (again.trainer_id, again.start) == (3, at(DAY, 16))


async def test_viewers_cannot_drag(qtbot, viewer_pane: SchedulePane, sample: SampleStudio) -> None:
    assert viewer_pane.read_only  # vic is a viewer
    before = schedule_changes_handled(sample)
    drag_to_chloe_at_four(viewer_pane)
    await settled(viewer_pane)
    assert schedule_changes_handled(sample) == before  # nothing reached the server
    assert not viewer_pane.day_view.canvas.drag.active
    assert not viewer_pane.editing.undo_action.isEnabled()
    stored = sample.stored(1)
    assert stored is not None and (stored.trainer_id, stored.version) == (1, 1)
    assert viewer_pane.store.get(1) == stored
