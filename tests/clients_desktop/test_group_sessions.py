"""Group sessions on the schedule, against the real server: "3/3" on the block, the
clients with their attendance in the details, a full session's waitlist and the offer
when a place frees, and the cancellation rule said in words — credits are spent at
completion, so removing a client from a completed session refunds before the window and
not after it, and from one not completed costs nothing.

The server keeps the real clock: sessions are placed relative to now (days ahead, or
within the studio's 24-hour cancellation window, set through the real request)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.qt.clients.group_panel import GroupPanel
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.session_text import client_label
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import SignIn
from tests.support.poll import until
from tests.support.server import Clients

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")

WINDOW_H = 24


@dataclass
class GroupSession:
    """A small-group session (3 places) on the server and its clients' ids by name."""

    session_id: int
    start: datetime
    ids: dict[str, int]


def days_ahead(days: int) -> datetime:
    """10:00 UTC ``days`` from today: well before the cancellation window."""
    day = datetime.now(UTC).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def within_the_window() -> datetime:
    """The start of the hour an hour or two from now: inside the 24-hour window, still ahead."""
    return (datetime.now(UTC) + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)


async def group_session(boss: StudioClient, start: datetime, names: list[str]) -> GroupSession:
    """A studio on UTC with a 24-hour cancellation window and a small-group type of 3 places;
    a session of it at ``start`` with the first three of ``names`` booked, each of them
    holding a 5-credit package. The trainer has no working hours set, so any hour may be booked."""
    await boss.admin.set_studio(name="Swan Groups", timezone="UTC", setup_complete=True)
    await boss.collab.change_settings({"cancellation_window_h": WINDOW_H})
    trainer = await boss.admin.create_trainer("Ana Kowalski", color="#1f5f8b")
    kind = await boss.link.request("session_type.create", {"name": "Small group", "duration_min": 60,
                                                           "credits": 1, "capacity": 3})
    package = await boss.clients.create_package({"name": "Five sessions", "credits": 5,
                                                 "price_cents": 25000, "validity_days": 90})
    ids = {}
    for name in names:
        client = await boss.clients.create({"name": name})
        ids[name] = client.id
        await boss.clients.sell(client.id, package.id)
    session = await boss.create_session({
        "start": format_ts(start), "end": format_ts(start + timedelta(hours=1)), "trainer_id": trainer.id,
        "session_type_id": int(kind["session_type"]["id"]), "status": "scheduled"})
    for name in names[:3]:
        await boss.clients.book(session.id, ids[name])
    await until(lambda: set(ids) <= {c.name for c in boss.store.directory.clients.values()}
                and boss.store.directory.timezone == "UTC", what="the clients and zone on this PC")
    return GroupSession(session.id, start, ids)


def schedule_with_panel(qtbot, boss: StudioClient, group: GroupSession) -> tuple[SchedulePane, GroupPanel]:
    schedule = SchedulePane(boss.store, boss)
    panel = GroupPanel(boss.clients, boss.store, lambda: boss.collab.settings)
    schedule.details.add_section(panel)
    schedule.sessionSelected.connect(panel.show_session)
    qtbot.addWidget(schedule)
    schedule.resize(1300, 900)
    schedule.show()
    schedule.set_view("day")
    schedule.set_date(group.start.date())
    return schedule, panel


async def click_session(qtbot, schedule: SchedulePane, session_id: int) -> None:
    await until(lambda: schedule.day_view.session_rect(session_id) is not None, what="the block drawn")
    rect = schedule.day_view.session_rect(session_id)
    assert rect is not None
    schedule.day_view.scroll_area.ensureVisible(int(rect.center().x()), int(rect.center().y()))
    qtbot.mouseClick(schedule.day_view.canvas, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())


def pick_member(panel: GroupPanel, name: str) -> None:
    for row in range(panel.members.count()):
        if panel.members.item(row).text().startswith(name):
            panel.members.setCurrentRow(row)
            return
    raise AssertionError(f"{name} is not booked")


def members(panel: GroupPanel) -> list[str]:
    return [panel.members.item(i).text() for i in range(panel.members.count())]


async def answer_remove(panel: GroupPanel) -> str:
    box = panel.question
    assert isinstance(box, QMessageBox), "removing asks first"
    text = box.text()
    confirm = next(b for b in box.buttons() if b.text() == "Remove")
    confirm.click()
    return text


@pytest.fixture
async def staff(empty_server: EmbeddedServer) -> AsyncIterator[Clients]:
    """Plain protocol clients on the same server, closed before it stops."""
    pool = Clients(empty_server)
    yield pool
    await pool.close()


async def balance(boss: StudioClient, client_id: int) -> int:
    """The client's balance as the server keeps it (the sum of their ledger)."""
    return (await boss.clients.get(client_id)).client.balance


async def complete(boss: StudioClient, session_id: int) -> None:
    """The studio marks the session completed (an admin's correction ahead of time): each
    client's credit is spent."""
    session = boss.store.get(session_id)
    assert session is not None
    await boss.update_session(session_id, session.version, {"status": "completed"})


async def test_a_full_group_session_takes_a_waitlist_and_offers_a_freed_place(
        qtbot, on_server: SignIn, staff: Clients) -> None:
    boss = await on_server("boss")
    group = await group_session(boss, days_ahead(3), ["Anna Berg", "Bruno Diaz", "Clara Holm", "Dora Lind"])
    session_id, ids = group.session_id, group.ids
    watcher = await staff.signed_in("boss")      # an admin's other PC: told of the freed place
    schedule, panel = schedule_with_panel(qtbot, boss, group)
    session = boss.store.get(session_id)
    assert session is not None
    assert client_label(session, boss.store.directory) == "Group 3/3", "the block says how many are booked"
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible(), what="the group's clients in the details")
    assert schedule.details.value_text("Client") == "Group 3/3"
    day_lines = {p.item.session.id: p.item.lines for p in schedule.day_view.canvas._placed}
    assert "Group 3/3" in day_lines[session_id]
    assert panel.heading.text() == "Clients — 3/3 booked (full)"
    assert members(panel) == ["Anna Berg", "Bruno Diaz", "Clara Holm"]
    assert panel.add_button.text() == "Join waitlist"

    panel.picker.setCurrentIndex(panel.picker.findData(ids["Dora Lind"]))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.waitlist.count() == 1, what="Dora on the waitlist")
    assert panel.waitlist.item(0).text().startswith("1. Dora Lind — since ")
    assert not panel.offer.isVisible()

    pick_member(panel, "Anna Berg")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    text = await answer_remove(panel)
    assert text.endswith("No credit has been used yet (credits are taken when a session is completed), "
                         "so Anna loses nothing.")
    await until(lambda: panel.offer.isVisible(), what="the freed place offered")
    assert panel.offer.text() == "A place is free: Dora Lind is first on the waitlist."
    note = await watcher.notification_created("A place is free")
    assert "Dora Lind is first on the waitlist" in note["message"], "the server offered Dora the place"
    assert note["links"] == {"session": session_id}
    qtbot.mouseClick(panel.offer_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.heading.text() == "Clients — 3/3 booked (full)", what="Dora booked")
    await until(lambda: panel.waitlist.count() == 0 and not panel.offer.isVisible())
    assert "Dora Lind" in members(panel)
    session = boss.store.get(session_id)
    assert session is not None and client_label(session, boss.store.directory) == "Group 3/3"
    waiting = await boss.link.request("waitlist.get", {"session_id": session_id})
    assert waiting["waitlist"] == [], "the server took Dora off the waitlist"
    assert await balance(boss, ids["Dora Lind"]) == 5, "nothing spent before completion"
    schedule.set_view("week")
    week_lines = {p.item.session.id: p.item.lines for p in schedule.week_view.canvas._placed}
    assert "Group 3/3" in week_lines[session_id], "the week's block says it too"
    panel.stop()


async def test_a_timely_removal_gives_the_credit_back(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    group = await group_session(boss, days_ahead(3), ["Anna Berg", "Bruno Diaz"])
    session_id, ids = group.session_id, group.ids
    await complete(boss, session_id)
    schedule, panel = schedule_with_panel(qtbot, boss, group)
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible())
    assert await balance(boss, ids["Bruno Diaz"]) == 4
    pick_member(panel, "Bruno Diaz")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    text = await answer_remove(panel)
    assert text.endswith("Bruno's credit comes back: cancelled more than 24 hours before the start.")
    await until(lambda: panel.heading.text() == "Clients — 1/3 booked, 2 free")
    await until(lambda: boss.clients.store.entries.get(ids["Bruno Diaz"], [])[-1:] and
                boss.clients.store.entries[ids["Bruno Diaz"]][-1].reason == "refund",
                what="the refund in this PC's ledger")
    card = await boss.clients.get(ids["Bruno Diaz"])
    assert card.client.balance == 5, "refunded through the ledger"
    assert [e.reason for e in card.ledger if e.session_id == session_id] == ["refund", "completion"]
    panel.stop()


async def test_a_late_removal_keeps_the_credit(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    group = await group_session(boss, within_the_window(), ["Anna Berg", "Bruno Diaz"])
    session_id, ids = group.session_id, group.ids
    await complete(boss, session_id)
    schedule, panel = schedule_with_panel(qtbot, boss, group)
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible())
    pick_member(panel, "Bruno Diaz")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    text = await answer_remove(panel)
    assert text.endswith("Bruno's credit does not come back: it is within the studio's 24-hour window "
                         "for cancelling.")
    await until(lambda: panel.heading.text() == "Clients — 1/3 booked, 2 free")
    card = await boss.clients.get(ids["Bruno Diaz"])
    assert card.client.balance == 4, "no refund"
    assert [e.reason for e in card.ledger if e.session_id == session_id] == ["completion"]
    assert all(e.reason != "refund" for e in (await boss.clients.get(ids["Anna Berg"])).ledger)
    panel.stop()


async def test_keeping_the_client_changes_nothing(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    group = await group_session(boss, days_ahead(3), ["Anna Berg", "Bruno Diaz"])
    session_id, ids = group.session_id, group.ids
    schedule, panel = schedule_with_panel(qtbot, boss, group)
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible())
    pick_member(panel, "Anna Berg")
    box = panel.ask_remove()
    assert box is not None
    keep = next(b for b in box.buttons() if b.text() == "Keep")
    keep.click()
    # Bruno is removed next, through the same panel and connection: a removal of Anna sent on
    # "Keep" would reach the server before his.
    pick_member(panel, "Bruno Diaz")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    await answer_remove(panel)
    await until(lambda: panel.heading.text() == "Clients — 1/3 booked, 2 free", what="Bruno removed")
    assert members(panel) == ["Anna Berg"]
    card = await boss.clients.get(ids["Anna Berg"])
    assert session_id in {s.id for s in card.upcoming}, "Anna is still booked on the server"
    panel.stop()
