"""Plain words on screen: time zones by city, "Custom repeat…", names instead of numbers.

Who changed a session is told by a real server (the sample studio, conftest.py) to boss's
desktop, and the pane shows that desktop's store.
"""

from __future__ import annotations

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role, Session
from swan_desktop.qt.dialogs.repeat_control import RepeatControl
from swan_desktop.qt.resources import stylesheet
from swan_desktop.qt.settings_pages.zone_picker import ZonePicker, city_label
from swan_desktop.server.store import Store
from tests.support.poll import found
from tests.support.sample_studio import SampleStudio
from tests.support.server import FAST_HASHER


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


async def test_who_changed_a_session_is_a_name_never_a_number(
        desk: StudioClient, sample: SampleStudio) -> None:
    # Jonah's account is put in the server's database directly (as an account made while boss's
    # desktop was away): no directory event tells the desktop about it.
    jonah, _ = sample.server.server.store.submit(
        Store.upsert_user, "jonah", "Jonah Brooks", Role.TRAINER, FAST_HASHER.hash("jonah-secret"), 1)
    assert desk.store.directory.user_name(jonah.id) == "a colleague"
    ws = await sample.pool.open()
    await ws.ok("authenticate", {"username": "jonah", "password": "jonah-secret"})
    await ws.ok("session.update", {"id": 1, "version": 1, "changes": {"notes": "Knee strapped"}})

    def changed() -> Session | None:
        s = desk.store.get(1)
        return s if s is not None and s.version == 2 else None

    session = await found(changed, what="Jonah's change on boss's desktop")
    assert session.updated_by == jonah.id and session.notes == "Knee strapped"
    assert desk.store.directory.user_name(jonah.id) == "Jonah Brooks"


def test_the_details_panel_names_who_changed_it(qtbot, desk_pane) -> None:
    from PySide6.QtWidgets import QLabel

    pane = desk_pane
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
