"""The schedule's File menu against the real server: export the view as .ics
and PDF, and import a calendar file through the preview dialog."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from swan_desktop.core.client import StudioClient
from swan_desktop.domain.ics import parse_calendar
from swan_desktop.domain.overlap import overlaps
from swan_desktop.qt.file_actions import FileActions
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.support.qt import next_emission

GOOGLE = Path(__file__).parent.parent / "fixtures" / "ics" / "google_export.ics"


async def schedule_window(qtbot, client: StudioClient):
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    qtbot.addWidget(window)
    actions = FileActions(window, pane, client)
    window.show()
    pane.set_view("week")
    pane.set_date(date(2026, 11, 26))
    await client.load_range(*pane.visible_range())
    pane.refresh()
    return window, pane, actions


async def test_file_menu_offers_import_export_and_print(qtbot, sign_in) -> None:
    boss = await sign_in("boss")
    window, _pane, _actions = await schedule_window(qtbot, boss)
    texts = [a.text() for a in window.file_menu.actions()]
    assert texts[:4] == ["Import calendar (.ics)…", "Export view as .ics…", "Export view as PDF…",
                         "Print…"]
    assert "&Quit" in texts


async def test_export_view_as_ics_holds_every_session_shown(qtbot, sign_in, tmp_path) -> None:
    boss = await sign_in("boss")
    _window, pane, actions = await schedule_window(qtbot, boss)
    path = tmp_path / "week.ics"
    count = actions.export_ics(str(path))
    shown = pane.store.between(*pane.visible_range())
    assert count == len(shown) > 0
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert {str(e["UID"]) for e in events} == {f"session-{s.id}@swan-desktop" for s in shown}


async def test_export_view_as_pdf(qtbot, sign_in, tmp_path) -> None:
    boss = await sign_in("boss")
    _window, _pane, actions = await schedule_window(qtbot, boss)
    path = tmp_path / "week.pdf"
    actions.export_pdf(str(path))
    assert path.read_bytes().startswith(b"%PDF")


async def test_import_through_the_preview_creates_the_clash_free_events(qtbot, sign_in) -> None:
    boss = await sign_in("boss")
    _window, _pane, actions = await schedule_window(qtbot, boss)
    await boss.load_range(datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC))
    trainer = boss.store.directory.sorted_trainers()[0].id  # the dialog's first choice
    events = parse_calendar(GOOGLE.read_bytes(), ZoneInfo("UTC")).events
    bootcamp = [e for e in events if e.summary == "Outdoor bootcamp"]
    for s in boss.store.between(bootcamp[0].start, bootcamp[-1].end):  # clear that trainer's mornings
        if s.trainer_id == trainer and any(overlaps(s.start, s.end, e.start, e.end) for e in bootcamp):
            await boss.delete_session(s.id, s.version)
    clash = await boss.create_session({"start": "2026-11-24T10:00:00Z", "end": "2026-11-24T11:00:00Z",
                                       "trainer_id": trainer, "client_name": "Tom"}, allow_overlap=True)

    dialog = actions.import_file(str(GOOGLE))
    assert dialog is not None and dialog.isVisible()
    plan = dialog.plan
    # The two-day holiday is one row per day.
    assert plan is not None and dialog.table.rowCount() == len(plan.items) == 5
    rows = {r: dialog.row_texts(r) for r in dialog.clash_rows()}  # Tom's (and any demo) sessions
    assert {t[1] for t in rows.values()} == {"Holiday – Porto"}
    (holiday_row,) = [r for r, t in rows.items() if t[3] == "day 2 of 2"]  # 24 Nov: Tom
    assert "Tom" in dialog.row_texts(holiday_row)[2] and clash.id in {
        c.other.id for i in plan.clashing for c in i.clashes}
    free = 5 - len(rows)  # the three bootcamps, and the holiday's first day if the demo left it free
    assert dialog.import_button.text() == f"Import {free}"
    dialog.import_button.click()
    (count,) = await next_emission(dialog.imported, timeout=5)
    assert count == free


async def test_an_unreadable_file_is_said_not_raised(qtbot, sign_in, tmp_path) -> None:
    boss = await sign_in("boss")
    _window, _pane, actions = await schedule_window(qtbot, boss)
    assert actions.import_file(str(tmp_path / "missing.ics")) is None
    bad = tmp_path / "notes.ics"
    bad.write_text("these are not events")
    dialog = actions.import_file(str(bad))
    assert dialog is not None and "not an iCalendar file" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


async def test_an_import_refused_half_way_is_said_in_the_preview_and_nothing_stays(qtbot, sign_in) -> None:
    boss, ana = await sign_in("boss"), await sign_in("ana")
    _window, _pane, actions = await schedule_window(qtbot, boss)
    january = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))
    await boss.load_range(*january)
    trainer = boss.store.directory.sorted_trainers()[0].id  # the dialog's first choice (blocked time)
    dialog = actions.import_file(str(GOOGLE.parent / "outlook_multi_day.ics"))
    assert dialog is not None and dialog.import_button.text() == "Import 3"
    assert "longer than 24 hours" in dialog.row_texts(3)[2]  # the expo: refused in the preview
    await ana.create_session({"start": "2027-01-13T10:00:00Z", "end": "2027-01-13T11:00:00Z",
                              "trainer_id": trainer, "client_name": "Booked meanwhile"}, allow_overlap=True)
    dialog.import_button.click()

    async def said() -> None:
        while "was refused" not in dialog.summary.text():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(said(), 10)
    assert "nothing was imported" in dialog.summary.text() and dialog.isVisible()
    assert dialog.import_button.text() == "Import 2"  # the preview again, with the new booking
    await boss.load_range(*january)
    assert [s for s in boss.store.between(*january) if s.status.value == "blocked"] == []
