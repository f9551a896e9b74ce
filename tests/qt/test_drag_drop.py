"""Editing on the grid: drag a session to another time and trainer, resize it
by its lower edge, see a clash before dropping (and the session snap back),
and undo or redo one's own changes."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from swan_desktop.protocol.entities import Session
from tests.support.qt import next_emission
from tests.support.sample import at


def send(widget: QWidget, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(canvas: QWidget, start: QPointF, end: QPointF) -> None:
    send(canvas, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    middle = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
    send(canvas, QEvent.Type.MouseMove, middle, Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseMove, end, Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)


def point_at(canvas, column: int, local_hour: float, grab_from_top: float = 10) -> QPointF:
    x = canvas.column_x(column) + canvas.column_width() / 2
    return QPointF(x, canvas.y_for_minutes(local_hour * 60) + grab_from_top)


async def test_dragging_moves_a_session_to_another_trainer_and_time_snapped(qtbot, pane, store,
                                                                            actions) -> None:
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)  # trainer 1 (column 0), 09:00–10:00
    grab = QPointF(rect.center().x(), rect.top() + 10)
    drag(canvas, grab, point_at(canvas, 2, 16.1))  # trainer 3's column, a little after 16:00
    await next_emission(store_changed(pane))
    name, payload = actions.calls[-1]
    assert name == "update" and payload["id"] == 1
    moved: Session = store.get(1)
    assert moved.trainer_id == 3
    assert moved.start == at(moved.start.astimezone().date(), 16, 0).astimezone(moved.start.tzinfo)
    assert moved.end - moved.start == timedelta(hours=1)
    assert pane.editing.undo_action.isEnabled()


async def test_a_drop_onto_a_clash_shows_it_and_snaps_back(qtbot, pane, store, actions) -> None:
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    grab = QPointF(rect.center().x(), rect.top() + 10)
    send(canvas, QEvent.Type.MouseButtonPress, grab, Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseMove, point_at(canvas, 1, 9.0), Qt.MouseButton.LeftButton)
    assert canvas.drag.problem is not None and "Eli Novak" in canvas.drag.problem  # trainer 2 at 9
    with qtbot.waitSignal(canvas.dropRefused) as refused:
        send(canvas, QEvent.Type.MouseButtonRelease, point_at(canvas, 1, 9.0), Qt.MouseButton.NoButton)
    assert "already has Eli Novak" in refused.args[0]
    assert pane.editing.notice.isVisible() and "Eli Novak" in pane.editing.notice.text()
    assert actions.calls == [] and store.get(1).trainer_id == 1  # nothing sent, nothing moved


async def test_dragging_the_lower_edge_resizes_in_quarter_hours(qtbot, pane, store, actions) -> None:
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    edge = QPointF(rect.center().x(), rect.bottom() - 2)
    drag(canvas, edge, QPointF(edge.x(), canvas.y_for_minutes(10 * 60 + 38)))  # to ~10:38
    await next_emission(store_changed(pane))
    _name, payload = actions.calls[-1]
    assert set(payload["changes"]) == {"end"}
    resized = store.get(1)
    assert resized.end - resized.start == timedelta(minutes=105)  # 09:00–10:45


async def test_undo_and_redo_a_move(qtbot, pane, store, actions) -> None:
    canvas = pane.day_view.canvas
    original = store.get(1)
    rect = canvas.session_rect(1)
    drag(canvas, QPointF(rect.center().x(), rect.top() + 10), point_at(canvas, 2, 16.1))
    await next_emission(store_changed(pane))
    pane.editing.undo_action.trigger()
    await next_emission(store_changed(pane))
    back = store.get(1)
    assert (back.start, back.end, back.trainer_id) == (original.start, original.end, original.trainer_id)
    assert back.version == original.version + 2  # the undo is a change like any other
    pane.editing.redo_action.trigger()
    await next_emission(store_changed(pane))
    assert store.get(1).trainer_id == 3


async def test_viewers_cannot_drag(qtbot, pane, store, actions) -> None:
    pane.set_read_only(True)
    canvas = pane.day_view.canvas
    rect = canvas.session_rect(1)
    drag(canvas, QPointF(rect.center().x(), rect.top() + 10), point_at(canvas, 2, 16.1))
    assert actions.calls == [] and not canvas.drag.active
    assert not pane.editing.undo_action.isEnabled()


def store_changed(pane):
    return pane.bridge.changed
