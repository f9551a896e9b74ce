"""iCalendar: sessions out to .ics and back; realistic files from Google
Calendar, Outlook and Apple Calendar in, with time zones, recurrence and
all-day events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from swan_desktop.domain.ics import IcsError, export_sessions, parse_calendar
from swan_desktop.protocol.entities import Session, Status

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ics"
STUDIO = ZoneInfo("Europe/Lisbon")


def read(name: str):
    return parse_calendar((FIXTURES / name).read_bytes(), STUDIO)


def test_google_all_day_and_recurring_events_with_an_exception() -> None:
    cal = read("google_export.ics")
    assert cal.product.startswith("-//Google Inc")
    holiday = [e for e in cal.events if e.summary == "Holiday – Porto"]
    assert len(holiday) == 1 and holiday[0].all_day
    # Two whole local days in the studio's zone (Lisbon is UTC+0 in November).
    assert (holiday[0].start, holiday[0].end) == (datetime(2026, 11, 23, tzinfo=UTC),
                                                 datetime(2026, 11, 25, tzinfo=UTC))
    bootcamp = [e for e in cal.events if e.summary == "Outdoor bootcamp"]
    assert [e.start.strftime("%d %H:%M") for e in bootcamp] == ["26 07:30", "10 07:30", "17 07:30"]
    assert bootcamp[0].location == "Parque da Cidade"
    assert any("Cancelled dentist" in reason for reason in cal.skipped)


def test_outlook_windows_time_zone_from_its_own_vtimezone() -> None:
    cal = read("outlook_recurring_tz.ics")
    physio = cal.events
    # Tuesdays 10:00 Berlin-style time: CEST (UTC+2) in October, CET (UTC+1) from November.
    assert [e.start.strftime("%m-%d %H:%M") for e in physio[:3]] == ["10-20 08:00", "10-27 09:00",
                                                                     "11-03 09:00"]
    assert physio[-1].start.strftime("%m-%d") == "12-15"  # UNTIL is inclusive
    assert all(e.end - e.start == timedelta(hours=2) for e in physio)


def test_apple_series_across_the_us_dst_change_and_a_multi_day_all_day_event() -> None:
    cal = read("apple_calendar.ics")
    spin = [e for e in cal.events if e.summary == "Morning spin class"]
    assert [e.start.strftime("%m-%d %H:%M") for e in spin] == ["10-27 11:00", "11-03 12:00"]
    weekend = [e for e in cal.events if e.summary == "Thanksgiving weekend"]
    assert weekend[0].all_day and weekend[0].end - weekend[0].start == timedelta(days=3)


def test_sessions_round_trip_through_ics() -> None:
    start = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    sessions = [
        Session(id=7, start=start, end=start + timedelta(hours=1), trainer_id=1, client_name="Tom Reed",
                location="Studio A", session_type_id=1, status=Status.CONFIRMED, notes="Knee rehab",
                version=3, updated_at=start),
        Session(id=8, start=start + timedelta(hours=2), end=start + timedelta(hours=3), trainer_id=1,
                status=Status.CANCELLED, client_name="Amy", cancel_reason="Ill"),
    ]
    data = export_sessions(sessions, calendar_name="Ana Ribeiro", trainer_name=lambda _: "Ana Ribeiro",
                           type_name=lambda _: "Personal Training", now=start)
    parsed = icalendar.Calendar.from_ical(data)
    (first, second) = parsed.walk("VEVENT")
    assert str(first["SUMMARY"]) == "Tom Reed – Personal Training (Ana Ribeiro)"
    assert first.decoded("DTSTART") == start and str(first["LOCATION"]) == "Studio A"
    assert str(first["STATUS"]) == "CONFIRMED" and first.decoded("SEQUENCE") == 2
    assert str(second["STATUS"]) == "CANCELLED" and "Cancelled: Ill" in str(second["DESCRIPTION"])
    back = parse_calendar(data, STUDIO)
    # Cancelled sessions travel too, with what only Swan Desktop reads back.
    assert [(e.summary, e.start) for e in back.events] == [
        (str(first["SUMMARY"]), start), (str(second["SUMMARY"]), start + timedelta(hours=2))]
    kept, cancelled = (e.swan for e in back.events)
    assert kept is not None and cancelled is not None
    assert (kept.session_id, kept.status, kept.trainer_id) == (7, "confirmed", 1)
    assert (kept.trainer_name, kept.session_type_id) == ("Ana Ribeiro", 1)
    assert (kept.session_type_name, kept.notes) == ("Personal Training", "Knee rehab")
    assert back.events[0].location == "Studio A" and kept.client_name == "Tom Reed"
    assert (cancelled.status, cancelled.cancel_reason, cancelled.session_id) == ("cancelled", "Ill", 8)
    categories = first["CATEGORIES"]
    assert isinstance(categories, icalendar.prop.vCategory) and str(categories.cats[0]) == "Personal Training"
    assert first["ORGANIZER"].params["CN"] == "Ana Ribeiro" and first["ATTENDEE"].params["CN"] == "Tom Reed"


@pytest.mark.parametrize("data", [b"", b"hello", b"BEGIN:VCARD\r\nEND:VCARD\r\n"])
def test_files_that_are_not_calendars_are_refused_in_words(data: bytes) -> None:
    with pytest.raises(IcsError, match="not an iCalendar file"):
        parse_calendar(data, STUDIO)


def test_google_moved_occurrence_is_imported_at_its_new_time_and_a_cancelled_one_is_gone() -> None:
    cal = read("google_moved_occurrence.ics")
    pilates = [e for e in cal.events if e.summary.startswith("Pilates with Rita")]
    starts = [e.start.strftime("%m-%d %H:%M") for e in pilates]
    assert starts[:3] == ["11-03 18:00", "11-11 07:30", "11-24 18:00"]  # 10 Nov moved, 17 Nov cancelled
    moved = pilates[1]
    assert moved.summary == "Pilates with Rita (moved)" and moved.end - moved.start == timedelta(hours=1)
    assert any("moved from Tue 10 Nov 18:00" in n for n in moved.notes)
    assert "11-10 18:00" not in starts and "11-17 18:00" not in starts
    assert any("17 Nov" in reason and "cancelled" in reason for reason in cal.skipped)
    # No end in the file: cut at 52 and said on every row.
    assert len(pilates) == 51 and all(any("without end" in n and "52" in n for n in e.notes) for e in pilates)


def test_apple_moved_occurrence_across_the_us_dst_change() -> None:
    cal = read("apple_moved_occurrence.ics")
    assert [e.start.strftime("%m-%d %H:%M") for e in cal.events] == ["10-27 11:00", "11-03 14:00",
                                                                     "11-17 12:00"]
    assert cal.events[1].end - cal.events[1].start == timedelta(hours=1)
    assert all(not e.notes for e in (cal.events[0], cal.events[2]))


def test_outlook_fold_inside_a_utf8_character_and_an_unknown_time_zone() -> None:
    (event,) = read("outlook_folded_unknown_tz.ics").events
    assert event.summary == ("Avaliação física – Conceição Gonçalves, revisão do plano de treino e nutrição")
    assert event.start == datetime(2026, 11, 4, 10, tzinfo=UTC)  # on the studio's clock (Lisbon, UTC+0)
    assert event.notes == ("time zone “Customized Time Zone 1” is unknown: its times are read on the "
                           "studio's clock",)


def test_all_day_and_floating_times_on_the_studio_clock_across_its_dst_change() -> None:
    events = read("google_dst_all_day_floating.ics").events
    race, stretch = events
    # 25 October 2026: Lisbon goes from UTC+1 to UTC+0, so the day lasts 25 hours.
    assert (race.start, race.end) == (datetime(2026, 10, 24, 23, tzinfo=UTC),
                                      datetime(2026, 10, 26, tzinfo=UTC))
    assert race.all_day and stretch.start == datetime(2026, 10, 26, 9, tzinfo=UTC)
    data = (FIXTURES / "google_dst_all_day_floating.ics").read_bytes()
    athens = parse_calendar(data, ZoneInfo("Europe/Athens"))
    assert athens.events[0].start == datetime(2026, 10, 24, 21, tzinfo=UTC)  # EEST midnight
    assert athens.events[1].start == datetime(2026, 10, 26, 7, tzinfo=UTC)   # EET 09:00
