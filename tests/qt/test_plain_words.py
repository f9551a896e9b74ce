"""Plain words on screen: time zones by city, "Custom repeat…", names instead of numbers."""

from __future__ import annotations

from swan_desktop.core.directory import Directory
from swan_desktop.protocol.frames import Event
from swan_desktop.qt.dialogs.repeat_control import RepeatControl
from swan_desktop.qt.resources import stylesheet
from swan_desktop.qt.settings_pages.zone_picker import ZonePicker, city_label

from .conftest import session


def test_zones_are_named_by_city_and_found_by_any_part(qtbot) -> None:
    assert city_label("Europe/Lisbon").startswith("Lisbon — Europe (UTC")
    assert city_label("America/Argentina/Salta").startswith("Salta — America / Argentina (UTC")
    picker = ZonePicker()
    qtbot.addWidget(picker)
    completer = picker.completer()
    assert completer is not None
    completer.setCompletionPrefix("new york")
    assert completer.currentCompletion().startswith("New York — America")
    completer.setCompletionPrefix("lisb")
    assert completer.completionCount() == 1
    picker.set_zone("Europe/Lisbon")
    assert picker.zone() == "Europe/Lisbon" and picker.currentText().startswith("Lisbon")
    picker.set_zone("")
    assert picker.zone() == "" and picker.currentText() == "The server's own time zone"
    picker.setEditText("Pacific/Auckland")  # an IANA name typed in full is taken as it is
    assert picker.zone() == "Pacific/Auckland"


def test_a_custom_repeat_is_offered_in_words(qtbot) -> None:
    control = RepeatControl()
    qtbot.addWidget(control)
    texts = [control.kind_combo.itemText(i) for i in range(control.kind_combo.count())]
    assert "Custom repeat…" in texts and not any("RRULE" in t for t in texts)


def test_who_changed_a_session_is_a_name_never_a_number(store) -> None:
    directory: Directory = store.directory
    assert directory.user_name(42) == "a colleague"
    store.apply_event(Event("e", 1, "session:updated", "2031-03-12T10:00:00Z",
                            {"id": 42, "name": "Jonah Brooks", "role": "trainer"},
                            {"session": session(1, 1, 9, updated_by=42).to_wire()}))
    assert directory.user_name(42) == "Jonah Brooks"


def test_the_details_panel_names_who_changed_it(qtbot, pane) -> None:
    from PySide6.QtWidgets import QLabel

    pane.select_session(4)  # cancelled by user 7, Rosa Front Desk
    texts = " ".join(label.text() for label in pane.details.findChildren(QLabel))
    assert "Rosa Front Desk" in texts and "user #" not in texts


def test_the_dark_theme_draws_radio_buttons_visibly() -> None:
    assert "QRadioButton::indicator" in stylesheet("dark")


def test_chat_and_activity_times_read_as_people_say_them() -> None:
    from datetime import UTC, datetime, timedelta

    from swan_desktop.protocol.timefmt import format_ts
    from swan_desktop.qt.collab.models import clock, when

    now = datetime.now(UTC)
    assert ":" in clock(format_ts(now)) and not clock(format_ts(now)).startswith("today")
    assert when(format_ts(now)).startswith("today ")
    assert when(format_ts(now - timedelta(days=1))).startswith(("yesterday ", "today "))
