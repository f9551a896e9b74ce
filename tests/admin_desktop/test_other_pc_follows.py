"""Another PC sees the office's changes as they happen: its trainer picker, its day
columns and their colours follow a trainer being added, renamed, recoloured
and archived; archived trainers' old sessions keep their name.

Two real desktops on a real server: the office (an admin) changes the trainers,
the front desk (a viewer) shows the schedule and hears of it only by the
server's events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from swan_desktop.qt.schedule_pane import SchedulePane
from tests.support.desktops import SignIn
from tests.support.poll import until

DAY = date(2031, 3, 10)


def trainer_choices(pane: SchedulePane) -> list[str]:
    combo = pane.toolbar.trainer_combo
    return [combo.itemText(i) for i in range(1, combo.count())]  # after "All trainers"


def columns(pane: SchedulePane) -> list[tuple[str, str | None]]:
    return [(c.title, c.accent) for c in pane.day_view.canvas.columns]


async def test_the_front_desk_follows_trainers_added_renamed_recoloured_and_archived(
        qtbot, on_empty: SignIn) -> None:
    office = await on_empty("boss")
    front_desk = await on_empty("vic")
    pane = SchedulePane(front_desk.store, front_desk)
    qtbot.addWidget(pane)
    pane.resize(1200, 800)
    pane.set_date(DAY)
    pane.show()
    try:
        ana = await office.admin.create_trainer("Ana", color="#1f5f8b")
        await until(lambda: trainer_choices(pane) == ["Ana"])
        assert columns(pane) == [("Ana", "#1f5f8b")]
        await office.admin.create_trainer("Ben", color="#2e6b3a")
        await until(lambda: trainer_choices(pane) == ["Ana", "Ben"])

        await office.admin.update_trainer(ana.id, name="Ana Kowalski", color="#7a2e8c")
        await until(lambda: columns(pane)[0] == ("Ana Kowalski", "#7a2e8c"))
        assert trainer_choices(pane) == ["Ana Kowalski", "Ben"]

        start = datetime(2031, 3, 10, 10, tzinfo=UTC)
        session = await office.create_session({
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trainer_id": ana.id, "client_name": "Dana"})
        await until(lambda: front_desk.store.get(session.id) is not None)
        await office.admin.archive_trainer(ana.id)
        await until(lambda: trainer_choices(pane) == ["Ben"], 5)  # not offered any more …
        assert [title for title, _c in columns(pane)] == ["Ben", "Ana Kowalski"]  # … her session still shows
        pane.set_date(DAY + timedelta(days=1))
        await until(lambda: [title for title, _c in columns(pane)] == ["Ben"], 5)  # no column on other days
    finally:
        pane.bridge.detach()
