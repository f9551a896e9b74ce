"""The grids repaint what changed, not the whole canvas: one event, one block's rectangle.
And a week too busy to show side by side shows each busy hour as one summary block.

The grids only show what they are given: here the desktop's own ScheduleStore holding the
sample (conftest.py SAMPLE_SESSIONS, or a busy week), with no server behind it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QRegion

from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.qt.fit_text import first_wording
from swan_desktop.qt.views.day_view import DayView
from swan_desktop.qt.views.week_summary import MAX_LANES
from swan_desktop.qt.views.week_view import WeekView, week_start
from tests.support.sample import DAY, at, sample_store, session


class PaintSpy(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QRegion] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.regions.append(QRegion(event.region()))  # type: ignore[attr-defined]
        return False


def painted_after(qtbot, view: DayView, change) -> QRect:
    spy = PaintSpy()
    view.canvas.installEventFilter(spy)
    change()
    qtbot.waitUntil(lambda: bool(spy.regions), timeout=10000)
    view.canvas.removeEventFilter(spy)
    union = QRegion()
    for region in spy.regions:
        union = union.united(region)
    return union.boundingRect()


def test_one_changed_session_repaints_only_its_block(qtbot, store: ScheduleStore) -> None:
    view = DayView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_day(DAY, store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=1)), store.directory)
    qtbot.wait(50)
    rect, known = view.session_rect(2), store.get(2)
    assert rect is not None and known is not None
    block = rect.toAlignedRect().adjusted(-3, -3, 3, 3)
    renamed = replace(known, client_name="Someone Else", version=9)
    store.upsert(renamed)

    def change() -> None:
        view.show_day(DAY, store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=1)), store.directory)

    painted = painted_after(qtbot, view, change)
    assert painted == block.intersected(view.canvas.rect())
    assert painted.width() < view.canvas.width() / 2


def test_a_new_mark_repaints_only_that_block(qtbot, store: ScheduleStore) -> None:
    view = DayView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_day(DAY, store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=1)), store.directory)
    qtbot.wait(50)
    rect = view.session_rect(1)
    assert rect is not None
    block = rect.toAlignedRect().adjusted(-3, -3, 3, 3)
    painted = painted_after(qtbot, view, lambda: view.set_marks({1: "pending"}))
    assert painted == block.intersected(view.canvas.rect())


def busy_week() -> ScheduleStore:
    return sample_store([session(100 + i, trainer=1 + i % 3, hour=10) for i in range(MAX_LANES + 2)]
                        + [session(200, trainer=2, hour=15)])


def test_a_busy_hour_of_the_week_is_one_summary_that_opens_its_day(qtbot) -> None:
    store = busy_week()
    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    monday = week_start(DAY)
    view.show_week(DAY, store.between(at(monday, 0), at(monday, 0) + timedelta(days=7)), store.directory)
    summaries = view.canvas.summaries
    assert [(m.column, m.count) for m in summaries] == [(2, MAX_LANES + 2), (2, 1)]
    assert summaries[0].lines[0] == f"10:00 · {MAX_LANES + 2} sessions"
    assert view.shown_ids() == []  # no slivers
    x = view.canvas.column_x(2) + 20
    y = view.canvas.y_for_minutes(10 * 60 + 30)
    with qtbot.waitSignal(view.dayRequested, timeout=10000) as requested:
        qtbot.mouseDClick(view.canvas, Qt.MouseButton.LeftButton, pos=QRect(int(x), int(y), 1, 1).topLeft())
    assert requested.args == [DAY]


def test_a_week_that_fits_shows_every_block(qtbot, store: ScheduleStore) -> None:
    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    monday = week_start(DAY)
    view.show_week(DAY, store.between(at(monday, 0), at(monday, 0) + timedelta(days=7)), store.directory)
    assert view.canvas.summaries == [] and view.shown_ids()


def trainer_lines(view: WeekView, trainer_id: int) -> set[str]:
    """The fullest wording of the trainer line of each of ``trainer_id``'s blocks."""
    return {first_wording(p.item.lines[2]) for p in view.canvas._placed
            if p.item.session.trainer_id == trainer_id}


def test_a_trainer_renamed_in_place_is_shown_at_the_next_refresh(qtbot, store: ScheduleStore) -> None:
    view = WeekView()
    qtbot.addWidget(view)
    monday = week_start(DAY)
    week = store.between(at(monday, 0), at(monday, 0) + timedelta(days=7))
    view.show_week(DAY, week, store.directory, 0, store.directory_revision)
    assert trainer_lines(view, 1) == {"Ana Kowalski · Personal training"}
    trainer = store.directory.trainers[1]
    store.directory.trainers[1] = replace(trainer, name="Zed Young")  # as the directory feed does
    store.set_directory(store.directory)
    view.show_week(DAY, week, store.directory, 0, store.directory_revision)
    assert trainer_lines(view, 1) == {"Zed Young · Personal training"}
