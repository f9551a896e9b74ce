"""Another PC sees the office's changes as they happen: its trainer picker, its day
columns and their colours follow a trainer being added, renamed, recoloured
and archived; archived trainers' old sessions keep their name.

Two desktops on the in-memory studio (``fake_studio.py`` hands every change's
event to both, as the server's hub does); the same between two real desktops
is in ``test_admin_live.py``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Session
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.qt.fake_actions import InMemoryActions
from tests.support.poll import until

from .fake_studio import FakeStudio

DAY = date(2031, 3, 10)


def trainer_choices(pane: SchedulePane) -> list[str]:
    combo = pane.toolbar.trainer_combo
    return [combo.itemText(i) for i in range(1, combo.count())]  # after "All trainers"


def columns(pane: SchedulePane) -> list[tuple[str, str | None]]:
    return [(c.title, c.accent) for c in pane.day_view.canvas.columns]


async def test_the_front_desk_follows_trainers_added_renamed_recoloured_and_archived(
        qtbot, studio: FakeStudio) -> None:
    office = studio.attach()
    store = ScheduleStore()
    studio.attach(store)  # the front desk's directory follows the studio's events
    pane = SchedulePane(store, InMemoryActions(store))
    qtbot.addWidget(pane)
    pane.resize(1200, 800)
    pane.set_date(DAY)
    pane.show()
    try:
        ana = await office.create_trainer("Ana", color="#1f5f8b")
        await until(lambda: trainer_choices(pane) == ["Ana"])
        assert columns(pane) == [("Ana", "#1f5f8b")]
        await office.create_trainer("Ben", color="#2e6b3a")
        await until(lambda: trainer_choices(pane) == ["Ana", "Ben"])

        await office.update_trainer(ana.id, name="Ana Kowalski", color="#7a2e8c")
        await until(lambda: columns(pane)[0] == ("Ana Kowalski", "#7a2e8c"))
        assert trainer_choices(pane) == ["Ana Kowalski", "Ben"]

        start = datetime(2031, 3, 10, 10, tzinfo=UTC)
        store.upsert(Session(id=1, start=start, end=start + timedelta(hours=1), trainer_id=ana.id,
                             client_name="Dana"))
        await office.archive_trainer(ana.id)
        await until(lambda: trainer_choices(pane) == ["Ben"])  # not offered any more …
        assert [title for title, _c in columns(pane)] == ["Ben", "Ana Kowalski"]  # … her session still shows
        pane.set_date(DAY + timedelta(days=1))
        await until(lambda: [title for title, _c in columns(pane)] == ["Ben"])  # no column on other days
    finally:
        pane.bridge.detach()
