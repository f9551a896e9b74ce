"""Group sessions on the schedule: "3/3" on the block, the clients with their attendance
in the details, a full session's waitlist and the offer when a place frees, and the
cancellation rule said in words — credits are spent at completion, so removing a
client from a completed session refunds before the window and not after it, and
from one not completed costs nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from swan_desktop.qt.clients.group_panel import GroupPanel
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.qt.session_text import client_label
from tests.support.poll import until

from .fake_clients import GROUP, Desktop, FakeClients

START = datetime.fromisoformat("2031-03-06T10:00:00+00:00")


def group_session(studio: FakeClients, names: list[str]) -> tuple[int, dict[str, int]]:
    """A small-group session (3 places) with ``names`` booked, each holding a 5-credit package."""
    package = studio.add_package("Five sessions", credits=5, price_cents=25000)
    session = studio.add_session(START, GROUP)
    ids = {}
    for name in names:
        client = studio.add_client(name)
        ids[name] = client["id"]
        studio._package_sell({"client_id": client["id"], "package_id": package["id"]})
    for name in names[:3]:
        studio._booking_add({"session_id": session["id"], "client_id": ids[name]})
    return session["id"], ids


def schedule_with_panel(qtbot, studio: FakeClients, desk: Desktop) -> tuple[SchedulePane, GroupPanel]:
    schedule = SchedulePane(desk.store, desk.actions)
    panel = GroupPanel(desk.clients, desk.store, lambda: studio.settings, now=lambda: studio.now)
    schedule.details.add_section(panel)
    schedule.sessionSelected.connect(panel.show_session)
    qtbot.addWidget(schedule)
    schedule.resize(1300, 900)
    schedule.show()
    schedule.set_view("day")
    schedule.set_date(date(2031, 3, 6))
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


async def answer_remove(panel: GroupPanel) -> str:
    box = panel.question
    assert isinstance(box, QMessageBox), "removing asks first"
    text = box.text()
    confirm = next(b for b in box.buttons() if b.text() == "Remove")
    confirm.click()
    return text


async def test_a_full_group_session_takes_a_waitlist_and_offers_a_freed_place(
        qtbot, studio: FakeClients, desk: Desktop) -> None:
    session_id, ids = group_session(studio, ["Anna Berg", "Bruno Diaz", "Clara Holm", "Dora Lind"])
    schedule, panel = schedule_with_panel(qtbot, studio, desk)
    session = desk.store.get(session_id)
    assert session is not None
    assert client_label(session, desk.store.directory) == "Group 3/3", "the block says how many are booked"
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible(), what="the group's clients in the details")
    assert schedule.details.value_text("Client") == "Group 3/3"
    day_lines = {p.item.session.id: p.item.lines for p in schedule.day_view.canvas._placed}
    assert "Group 3/3" in day_lines[session_id]
    assert panel.heading.text() == "Clients — 3/3 booked (full)"
    assert [panel.members.item(i).text() for i in range(3)] == ["Anna Berg", "Bruno Diaz", "Clara Holm"]
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
    assert studio.offers == [(session_id, ids["Dora Lind"])]
    qtbot.mouseClick(panel.offer_button, Qt.MouseButton.LeftButton)
    await until(lambda: panel.heading.text() == "Clients — 3/3 booked (full)", what="Dora booked")
    await until(lambda: panel.waitlist.count() == 0 and not panel.offer.isVisible())
    assert "Dora Lind" in [panel.members.item(i).text() for i in range(panel.members.count())]
    session = desk.store.get(session_id)
    assert session is not None and client_label(session, desk.store.directory) == "Group 3/3"
    assert studio._balance(ids["Dora Lind"]) == 5, "nothing spent before completion"
    schedule.set_view("week")
    week_lines = {p.item.session.id: p.item.lines for p in schedule.week_view.canvas._placed}
    assert "Group 3/3" in week_lines[session_id], "the week's block says it too"
    panel.stop()


def complete(studio: FakeClients, session_id: int) -> None:
    """The studio marks the session completed: each client's credit is spent."""
    studio._session_update({"id": session_id, "version": studio.sessions[session_id]["version"],
                            "changes": {"status": "completed"}})


async def test_a_timely_removal_gives_the_credit_back(qtbot, studio: FakeClients, desk: Desktop) -> None:
    session_id, ids = group_session(studio, ["Anna Berg", "Bruno Diaz"])
    complete(studio, session_id)
    schedule, panel = schedule_with_panel(qtbot, studio, desk)
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible())
    assert studio._balance(ids["Bruno Diaz"]) == 4
    pick_member(panel, "Bruno Diaz")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    text = await answer_remove(panel)
    assert text.endswith("Bruno's credit comes back: cancelled more than 24 hours before the start.")
    await until(lambda: panel.heading.text() == "Clients — 1/3 booked, 2 free")
    await until(lambda: desk.clients.store.entries.get(ids["Bruno Diaz"], [])[-1:] and
                desk.clients.store.entries[ids["Bruno Diaz"]][-1].reason == "refund")
    assert studio._balance(ids["Bruno Diaz"]) == 5, "refunded through the ledger"
    panel.stop()


async def test_a_late_removal_keeps_the_credit(qtbot, studio: FakeClients, desk: Desktop) -> None:
    session_id, ids = group_session(studio, ["Anna Berg", "Bruno Diaz"])
    complete(studio, session_id)
    studio.now = START - timedelta(hours=2)
    schedule, panel = schedule_with_panel(qtbot, studio, desk)
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible())
    pick_member(panel, "Bruno Diaz")
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    text = await answer_remove(panel)
    assert text.endswith("Bruno's credit does not come back: it is within the studio's 24-hour window "
                         "for cancelling.")
    await until(lambda: panel.heading.text() == "Clients — 1/3 booked, 2 free")
    assert studio._balance(ids["Bruno Diaz"]) == 4, "no refund"
    assert all(e["reason"] != "refund" for e in studio.ledger)
    panel.stop()


async def test_keeping_the_client_changes_nothing(qtbot, studio: FakeClients, desk: Desktop) -> None:
    session_id, _ids = group_session(studio, ["Anna Berg"])
    schedule, panel = schedule_with_panel(qtbot, studio, desk)
    await click_session(qtbot, schedule, session_id)
    await until(lambda: panel.isVisible())
    pick_member(panel, "Anna Berg")
    box = panel.ask_remove()
    assert box is not None
    keep = next(b for b in box.buttons() if b.text() == "Keep")
    keep.click()
    assert not any(c[0] == "booking.remove" for c in studio.calls)
    panel.stop()
