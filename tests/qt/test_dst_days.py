"""The day and week grids on the days the clocks change, in Berlin and in Los Angeles.

Rows are wall-clock hours in the studio's time zone: a 10:00 session sits on the
10:00 row, a click on the 10:00 row means 10:00 there, and dragging a session by
an hour moves it one hour on the wall clock, in 15-minute wall-clock steps. The
computer's own zone is pinned too (``TZ`` plus ``time.tzset()``), and restored.

Each pane is boss's real desktop on a real server: the studio's zone is set there
(``studio.setup.set``), the sessions booked there, and the desktop loads them from it; a drag
is saved by the server.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt

from swan_desktop.protocol.entities import Session, Status
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.views.time_grid import local_midnight
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.sample import make_directory
from tests.support.sample_studio import put_sample
from tests.support.server import Clients

from .mouse import drag, send


@dataclass(frozen=True)
class ChangeDay:
    zone: str
    day: date
    label: str

    def __str__(self) -> str:
        return self.label


CHANGE_DAYS = [
    ChangeDay("Europe/Berlin", date(2031, 3, 30), "berlin-spring"),
    ChangeDay("Europe/Berlin", date(2031, 10, 26), "berlin-fall"),
    ChangeDay("America/Los_Angeles", date(2031, 3, 9), "la-spring"),
    ChangeDay("America/Los_Angeles", date(2031, 11, 2), "la-fall"),
]


def pin_tz(name: str | None) -> None:
    if name is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = name
    time.tzset()


@pytest.fixture
def computer_zone() -> Iterator[None]:
    """Lets a test set this computer's ``TZ``; puts the old one back afterwards."""
    before = os.environ.get("TZ")
    yield
    pin_tz(before)


def wall(case: ChangeDay, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    """A wall-clock time on the change day, as the UTC instant the store keeps."""
    d = case.day
    local = datetime(d.year, d.month, d.day, hour, minute, tzinfo=ZoneInfo(case.zone), fold=fold)
    return local.astimezone(UTC)


def booking(sid: int, trainer: int, start: datetime, minutes: int = 60,
            client: str = "Dana Whitfield") -> Session:
    return Session(id=sid, start=start, end=start + timedelta(minutes=minutes), trainer_id=trainer,
                   client_name=client, location="", session_type_id=1, status=Status.SCHEDULED)


class OpenPane(Protocol):
    def __call__(self, case: ChangeDay, sessions: list[Session], *,
                 view: str = "day") -> Awaitable[SchedulePane]: ...


@pytest.fixture
async def open_pane(qtbot, studio_server: EmbeddedServer, sign_in: SignIn) -> AsyncIterator[OpenPane]:
    """``await open_pane(case, sessions)``: a schedule pane on the change day; the studio's zone is
    the case's. The sessions are booked on the server in order (ids 1, 2, ...)."""
    pool = Clients(studio_server)
    opened: list[SchedulePane] = []

    async def open_(case: ChangeDay, sessions: list[Session], *, view: str = "day") -> SchedulePane:
        boss = await pool.signed_in("boss")
        await boss.ok("studio.setup.set", {"timezone": case.zone})
        await put_sample(studio_server, boss, sessions, pool)
        desk = await sign_in("boss")
        assert desk.store.directory.timezone == case.zone
        zone = ZoneInfo(case.zone)
        await desk.load_range(local_midnight(case.day - timedelta(days=7), zone),
                              local_midnight(case.day + timedelta(days=8), zone))
        assert sorted(s.id for s in desk.store.all_sessions()) == [s.id for s in sessions]
        pane = SchedulePane(desk.store, desk)
        qtbot.addWidget(pane)
        pane.resize(1400, 900)
        pane.set_date(case.day)
        pane.set_view(view)
        pane.show()
        opened.append(pane)
        return pane

    try:
        yield open_
    finally:
        for pane in opened:
            pane.bridge.detach()
        await pool.close()


async def saved(server: EmbeddedServer, pane: SchedulePane, session_id: int, version: int) -> Session:
    """The session once the server's answer to a change is in the desktop's store (checked to be
    what the server holds)."""
    await until(lambda: (s := pane.store.get(session_id)) is not None and s.version == version,
                what=f"session {session_id} at version {version} on the desktop")
    session = pane.store.get(session_id)
    assert session is not None and server.server.store.submit(Store.session, session_id) == session
    return session


def grid(pane: SchedulePane):  # the canvas of the view on show
    return (pane.day_view if pane.current_view == "day" else pane.week_view).canvas


def column_of_day(pane: SchedulePane, trainer: int) -> int:
    if pane.current_view == "day":
        return [c.trainer_id for c in pane.day_view.columns].index(trainer)
    return [c.day for c in pane.week_view.columns].index(pane.current_date)


def row_point(canvas, column: int, minutes: float, below: float = 2) -> QPointF:
    return QPointF(canvas.column_x(column) + canvas.column_width() / 2, canvas.y_for_minutes(minutes) + below)


@pytest.fixture(params=CHANGE_DAYS, ids=str)
def case(request, computer_zone) -> ChangeDay:
    pin_tz(request.param.zone)
    return request.param


@pytest.mark.parametrize("view", ["day", "week"])
async def test_a_ten_oclock_session_is_drawn_on_the_ten_oclock_row(qtbot, open_pane, case, view) -> None:
    pane = await open_pane(case, [booking(1, 1, wall(case, 10)), booking(2, 2, wall(case, 4, 30), 45)],
                     view=view)
    canvas = grid(pane)
    assert canvas.session_rect(1).top() - 1 == canvas.y_for_minutes(10 * 60)
    assert canvas.session_rect(1).bottom() + 1 == canvas.y_for_minutes(11 * 60)
    assert canvas.session_rect(2).top() - 1 == canvas.y_for_minutes(4 * 60 + 30)  # after the change too


@pytest.mark.parametrize("view", ["day", "week"])
async def test_a_click_on_the_ten_oclock_row_means_ten_oclock_there(qtbot, open_pane, case, view) -> None:
    pane = await open_pane(case, [], view=view)
    canvas = grid(pane)
    column = column_of_day(pane, 2)
    asked: list[tuple[int, datetime]] = []
    canvas.emptyDoubleClicked.connect(lambda col, at: asked.append((col, at)))
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, pos=row_point(canvas, column, 10 * 60).toPoint())
    ((clicked_column, when),) = asked
    assert clicked_column == column
    assert when.astimezone(UTC) == wall(case, 10)
    assert canvas.time_at(row_point(canvas, column, 16 * 60 + 20)).astimezone(UTC) == wall(case, 16, 15)


@pytest.mark.parametrize("view", ["day", "week"])
async def test_dragging_by_an_hour_lands_an_hour_later_on_the_wall_clock(
        qtbot, open_pane, studio_server, case, view) -> None:
    pane = await open_pane(case, [booking(1, 1, wall(case, 10))], view=view)
    canvas = grid(pane)
    rect = canvas.session_rect(1)
    grab = QPointF(rect.center().x(), rect.top() + 10)
    drag(canvas, grab, QPointF(grab.x(), canvas.y_for_minutes(11 * 60) + 10))  # onto the 11:00 row
    moved = await saved(studio_server, pane, 1, 2)
    assert (moved.start, moved.end) == (wall(case, 11), wall(case, 12))


@pytest.mark.parametrize("view", ["day", "week"])
async def test_drags_snap_to_quarter_hours_on_the_wall_clock(
        qtbot, open_pane, studio_server, case, view) -> None:
    pane = await open_pane(case, [booking(1, 1, wall(case, 10))], view=view)
    canvas = grid(pane)
    rect = canvas.session_rect(1)
    below_row = 11  # the block is grabbed a little below the 10:00 row, where it is drawn
    grab = QPointF(rect.center().x(), canvas.y_for_minutes(600) + below_row)
    send(canvas, QEvent.Type.MouseButtonPress, grab, Qt.MouseButton.LeftButton)
    for shift in (37, 52, 68, 97):  # minutes below the 10:00 row; ghosts on quarter hours
        send(canvas, QEvent.Type.MouseMove, QPointF(grab.x(), canvas.y_for_minutes(600 + shift) + below_row),
             Qt.MouseButton.LeftButton)
        target = canvas.drag.target
        assert target is not None
        local = target.start.astimezone(ZoneInfo(case.zone))
        assert local.minute % 15 == 0 and local.second == 0
        assert target.start.astimezone(UTC) == wall(case, 10) + timedelta(minutes=round(shift / 15) * 15)
    last = QPointF(grab.x(), canvas.y_for_minutes(600 + 97) + below_row)
    send(canvas, QEvent.Type.MouseButtonRelease, last, Qt.MouseButton.NoButton)
    dropped = await saved(studio_server, pane, 1, 2)
    assert dropped.start == wall(case, 11, 30)


async def test_resizing_ends_on_a_quarter_hour_on_the_wall_clock(
        qtbot, open_pane, studio_server, case) -> None:
    pane = await open_pane(case, [booking(1, 1, wall(case, 10))])
    canvas = grid(pane)
    rect = canvas.session_rect(1)
    edge = QPointF(rect.center().x(), rect.bottom() - 2)
    drag(canvas, edge, QPointF(edge.x(), canvas.y_for_minutes(11 * 60 + 38)))
    resized = await saved(studio_server, pane, 1, 2)
    assert (resized.start, resized.end) == (wall(case, 10), wall(case, 11, 45))


async def test_both_passes_of_the_repeated_hour_share_its_row(qtbot, open_pane, computer_zone) -> None:
    """On the autumn day the wall clock shows 01:00-02:00 twice in Los Angeles."""
    case = CHANGE_DAYS[3]
    pin_tz(case.zone)
    first, second = wall(case, 1, 30, fold=0), wall(case, 1, 30, fold=1)
    assert second - first == timedelta(hours=1)
    pane = await open_pane(case, [booking(1, 1, first, 30), booking(2, 2, second, 30)])
    canvas = grid(pane)
    row = canvas.y_for_minutes(90)
    assert canvas.session_rect(1).top() - 1 == row == canvas.session_rect(2).top() - 1
    # the first one ends in the second pass (01:00 again): drawn to the end of its row
    assert canvas.session_rect(1).bottom() + 1 == canvas.y_for_minutes(120)
    assert canvas.session_rect(2).bottom() + 1 == canvas.y_for_minutes(120)


async def test_a_click_in_the_hour_that_does_not_exist_means_the_hour_after(
        qtbot, open_pane, computer_zone) -> None:
    """In Berlin on 30 March 2031 the clocks jump from 02:00 to 03:00."""
    case = CHANGE_DAYS[0]
    pin_tz(case.zone)
    pane = await open_pane(case, [booking(1, 1, wall(case, 1), 30)])  # shows the early hours
    canvas = grid(pane)
    when = canvas.time_at(row_point(canvas, 1, 2 * 60 + 30))
    assert when.astimezone(UTC) == wall(case, 3, 30)
    assert canvas.time_at(row_point(canvas, 1, 3 * 60)).astimezone(UTC) == wall(case, 3)


async def test_the_clash_shown_while_dragging_names_the_studios_times(
        qtbot, open_pane, computer_zone) -> None:
    """This computer runs on Los Angeles time; the studio is in Berlin."""
    case = CHANGE_DAYS[0]
    pin_tz("America/Los_Angeles")
    pane = await open_pane(case, [booking(1, 1, wall(case, 10)),
                                   booking(2, 2, wall(case, 10), client="Eli Novak")])
    canvas = grid(pane)
    assert canvas.session_rect(1).top() - 1 == canvas.y_for_minutes(10 * 60)  # Berlin's wall clock
    rect = canvas.session_rect(1)
    send(canvas, QEvent.Type.MouseButtonPress, QPointF(rect.center().x(), rect.top() + 10),
         Qt.MouseButton.LeftButton)
    send(canvas, QEvent.Type.MouseMove, row_point(canvas, 1, 10 * 60, below=10), Qt.MouseButton.LeftButton)
    assert canvas.drag.problem is not None
    assert "Eli Novak at Sun 30 Mar 10:00–11:00" in canvas.drag.problem
    send(canvas, QEvent.Type.MouseButtonRelease, row_point(canvas, 1, 10 * 60, below=10),
         Qt.MouseButton.NoButton)


async def test_the_month_and_agenda_put_sessions_on_the_studios_day(qtbot, open_pane, computer_zone) -> None:
    """05:00 in Berlin is still the evening before in Los Angeles."""
    case = CHANGE_DAYS[1]
    pin_tz("America/Los_Angeles")
    early = booking(1, 1, wall(case, 5), 30)
    pane = await open_pane(case, [early], view="month")
    assert [s.id for s in pane.month_view.sessions_on(case.day)] == [1]
    pane.set_view("agenda")
    model = pane.table_model
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert "Sun 26 Oct" in texts and "05:00–05:30" in texts


def test_the_session_form_reads_and_writes_the_studios_wall_clock(qtbot, computer_zone) -> None:
    """Los Angeles computer, Berlin studio, Berlin's spring day."""
    from swan_desktop.qt.dialogs.session_form import SessionForm

    pin_tz("America/Los_Angeles")
    directory = make_directory()
    directory.timezone = "Europe/Berlin"
    form = SessionForm(directory)
    qtbot.addWidget(form)
    form.load_wire({"start": "2031-03-30T08:00:00Z", "end": "2031-03-30T09:00:00Z", "trainer_id": 1})
    assert form.date_edit.date().toPython() == date(2031, 3, 30)
    assert (form.start_edit.time().toString("HH:mm"), form.end_edit.time().toString("HH:mm")) == \
        ("10:00", "11:00")
    assert (form.values()["start"], form.values()["end"]) == ("2031-03-30T08:00:00Z", "2031-03-30T09:00:00Z")
    form.start_edit.setTime(form.start_edit.time().fromString("01:30", "HH:mm"))
    form.end_edit.setTime(form.end_edit.time().fromString("03:30", "HH:mm"))
    assert form.length_minutes() == 60  # 01:30 CET to 03:30 CEST: one real hour
    assert form.duration_label.text() == "1 h 00 min"
    assert form.values()["start"] == "2031-03-30T00:30:00Z"
    assert form.validate() == {}


@pytest.mark.parametrize("view", ["day", "week"])
async def test_the_hour_the_clocks_skip_is_hatched_on_that_days_column(qtbot, open_pane, case, view) -> None:
    pane = await open_pane(case, [booking(1, 1, wall(case, 1), 30)], view=view)
    canvas = grid(pane)
    spring = case.day.month == 3
    for column in canvas.columns:
        expected = ((120, 180),) if spring and column.day == case.day else ()
        assert column.skipped == expected
    if spring:
        image = canvas.grab().toImage()
        col = column_of_day(pane, 3)
        x = int(canvas.column_x(col) + canvas.column_width() / 2)
        hatched = {image.pixelColor(x + dx, int(canvas.y_for_minutes(130))).name() for dx in range(40)}
        plain = {image.pixelColor(x + dx, int(canvas.y_for_minutes(190))).name() for dx in range(40)}
        assert len(hatched) > 1 and len(plain) == 1
