"""The Notifications settings page: applied live to the router, kept across a restart, quiet hours
validated next to the field, do-not-disturb shared with the tray, email prefs kept on the server."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QLabel

from swan_desktop.core.notifications import NotificationCenter
from swan_desktop.notify.prefs import DeliveryPrefs, prefs_file
from swan_desktop.notify.router import DeliveryRouter
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.notifications.install import attach_settings, install
from swan_desktop.qt.notifications.prefs_state import NotificationPrefs
from swan_desktop.qt.resources import app_icon
from swan_desktop.qt.settings_pages.notifications import NotificationSettingsPage
from swan_desktop.qt.tray import Tray
from swan_desktop.server.notifications import SmtpConfig
from tests.support.mail import code_in, smtp_server

NOW = datetime(2031, 3, 10, 14, 0).astimezone()


def page_for(qtbot, router: DeliveryRouter | None = None, **kw) -> tuple[NotificationPrefs,
                                                                           NotificationSettingsPage]:
    state = NotificationPrefs(router, clock=lambda: NOW)
    page = NotificationSettingsPage(state, **kw)
    qtbot.addWidget(page)
    return state, page


def test_choices_apply_to_the_router_at_once_and_survive_a_restart_of_the_page(qtbot) -> None:
    router = DeliveryRouter([])
    state, page = page_for(qtbot, router)
    page.category_boxes[("financial", "sound")].setChecked(False)
    page.priority_boxes[("low", "desktop")].setChecked(True)
    page.volume.setValue(35)
    page.quiet_edits[4].setText("22:30–06:15")  # Friday night into Saturday
    page.quiet_edits[4].editingFinished.emit()
    page.critical.setChecked(False)

    assert router.prefs is state.prefs  # applied live
    assert "sound" not in router.prefs.channels("financial", "high")
    assert "desktop" in router.prefs.channels("schedule", "low")
    assert router.prefs.volume == 0.35 and not router.prefs.critical_breaks_through
    saturday_early = datetime(2031, 3, 15, 5, 0).astimezone()
    assert router.prefs.gate.holds(saturday_early, "critical")

    _again_state, again = page_for(qtbot)  # a new page over the file: as the next start of the app sees it
    assert not again.category_boxes[("financial", "sound")].isChecked()
    assert again.priority_boxes[("low", "desktop")].isChecked()
    assert again.volume.value() == 35 and again.volume_label.text() == "35 %"
    assert again.quiet_edits[4].text() == "22:30–06:15" and again.quiet_edits[0].text() == ""
    assert not again.critical.isChecked()
    assert DeliveryPrefs.load(prefs_file()).quiet.windows[4].end == time(6, 15)


@pytest.mark.parametrize(("text", "message"), [
    ("25:00–07:00", "'25:00' is not a time like 22:30."),
    ("22:00", "Write it as 22:00–07:00 (start–end)."),
    ("08:00-08:00", "Start and end must differ."),
])
def test_invalid_quiet_hours_are_refused_with_a_message_next_to_the_field(qtbot, text, message) -> None:
    router = DeliveryRouter([])
    state, page = page_for(qtbot, router)
    page.quiet_edits[2].setText("21:00-06:00")
    page.quiet_edits[2].editingFinished.emit()
    page.quiet_edits[2].setText(text)
    page.quiet_edits[2].editingFinished.emit()
    assert page.quiet_errors[2].text() == message and not page.quiet_errors[2].isHidden()
    assert str(state.prefs.quiet.windows[2]) == "21:00-06:00"  # the last valid choice stands
    assert str(DeliveryPrefs.load(prefs_file()).quiet.windows[2]) == "21:00-06:00"
    page.quiet_edits[2].setText("")
    page.quiet_edits[2].editingFinished.emit()
    assert page.quiet_errors[2].isHidden() and 2 not in router.prefs.quiet.windows


async def test_do_not_disturb_from_the_tray_and_from_the_page_agree(qtbot, monkeypatch) -> None:
    window = MainWindow(QLabel("schedule"))
    qtbot.addWidget(window)
    center = NotificationCenter(_Offline())
    ui = install(window, center, prefs=DeliveryPrefs(), sound=False)
    shell = SimpleNamespace(tray=Tray(window, app_icon(), available=False), extra_pages=[])
    try:
        state = attach_settings(shell, ui)  # what qt/app.py does
        state.clock = lambda: NOW
        ((title, make),) = shell.extra_pages
        page = make()
        qtbot.addWidget(page)
        assert title == "Notifications" and isinstance(page, NotificationSettingsPage)
        tray = shell.tray

        tray.dnd_action.trigger()  # the tray's menu item
        assert state.dnd_active and ui.router.prefs.gate.silenced(NOW)
        assert page.dnd_status.text() == "<b>On</b> until Tue 00:00"
        page.dnd_off.click()
        assert not tray.dnd_action.isChecked() and not state.dnd_active and page.dnd_status.text() == "Off"
        page.dnd_buttons["30 minutes"].click()
        assert tray.dnd_action.isChecked() and page.dnd_status.text() == "<b>On</b> until 14:30"
        tray.dnd_action.trigger()
        assert not state.dnd_active and ui.router.prefs.dnd_until is None and page.dnd_status.text() == "Off"
        page.close_down()
    finally:
        ui.close()


class _Offline:
    """No server is needed for do-not-disturb (email settings then say they were not loaded)."""

    async def request(self, rtype: str, data: dict, *, timeout: float | None = None) -> dict:
        raise ConnectionError("offline")

    async def submit_and_wait(self, rtype: str, data: dict, timeout: float | None = None) -> dict:
        raise ConnectionError("offline")


def test_do_not_disturb_running_out_unticks_the_tray(qtbot) -> None:
    clock = [NOW]
    state = NotificationPrefs(DeliveryRouter([]), clock=lambda: clock[0])
    seen: list[bool] = []
    state.dndChanged.connect(seen.append)
    state.set_dnd("1 hour")
    clock[0] = NOW.replace(hour=15, minute=1)
    state._dnd_timer.timeout.emit()  # what the timer does an hour later
    assert seen == [True, False]


async def test_a_new_address_is_confirmed_with_the_code_emailed_to_it_and_kept_on_the_server(
        qtbot, server, boss) -> None:
    """The studio's mail server is a real one (aiosmtpd); the code is read from the email it got."""
    with smtp_server() as (controller, inbox):
        server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", controller.port, "none",
                                                             sender="swan@studio.test")
        _state, page = page_for(qtbot, center=boss.notifications)
        box = page.email_box
        assert await box.load()
        assert box.email.text() == "" and box.min_priority.currentData() == "high"
        assert box.confirm_row.isHidden()
        box._loading = True  # set the fields first, then save once (as a user's last change would)
        box.email.setText("boss@studio.example")
        box.email_opt_in.setChecked(True)
        box.min_priority.setCurrentIndex(1)
        box.digest.setChecked(False)
        box._loading = False
        assert await box.save()
        assert box.status.text().startswith("A code was sent to boss@studio.example: type it here")
        assert "No notices are emailed until then." in box.status.text() and not box.confirm_row.isHidden()
        held = await boss.notifications.email_prefs()
        assert held.pop("code_until") > f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}", "a code that holds"
        assert held == {"email": "", "pending_email": "boss@studio.example", "email_opt_in": True,
                        "min_priority": "normal", "digest": False}

        code = code_in(inbox, "boss@studio.example")
        box.code.setText(f"{(int(code[0]) + 1) % 10}{code[1:]}")
        assert not await box.confirm()
        assert box.status.text() == ("Not confirmed: that is not the code sent to boss@studio.example; "
                                     "4 tries left")
        box.code.setText(code)
        assert await box.confirm()
        assert box.status.text() == "Notices are emailed to boss@studio.example."
        assert box.confirm_row.isHidden()
        assert (await boss.notifications.email_prefs())["email"] == "boss@studio.example"

        _state2, again = page_for(qtbot, center=boss.notifications)
        other = again.email_box
        assert await other.load()
        assert other.email.text() == "boss@studio.example" and other.email_opt_in.isChecked()
        assert other.min_priority.currentData() == "normal" and not other.digest.isChecked()
        other.email.setText("not-an-address")
        assert not await other.save()
        assert "email must be an address" in other.status.text()
        page.close_down()
        again.close_down()


async def test_without_a_mail_server_the_address_waits_and_the_page_says_why(qtbot, server, boss) -> None:
    _state, page = page_for(qtbot, center=boss.notifications)
    box = page.email_box
    assert await box.load()
    box.email.setText("boss@studio.example")
    assert await box.save()
    assert box.status.text().startswith("The code could not be sent to boss@studio.example: no mail server "
                                        "is set up: an admin gives the studio's in Clients › Emails.")
    assert (await boss.notifications.email_prefs())["pending_email"] == "boss@studio.example"
    _state2, again = page_for(qtbot, center=boss.notifications)
    assert await again.email_box.load()
    assert again.email_box.status.text().startswith(
        "No code for boss@studio.example holds now: send a new one to confirm it."), "none was sent"
    page.close_down()
    again.close_down()


def test_the_test_sound_button_says_what_happened(qtbot) -> None:
    def broken() -> str:
        raise RuntimeError("no audio output")

    _state, page = page_for(qtbot, test_sound=broken)
    page.test_button.click()
    assert page.sound_status.text() == "The test sound could not play: no audio output"
    _state, fine = page_for(qtbot, test_sound=lambda: "played normal")
    fine.test_button.click()
    assert fine.sound_status.text() == "Test sound: played normal"
    assert isinstance(fine.sound_status, QLabel)


async def test_a_code_that_no_longer_holds_is_said_so_when_the_page_opens(qtbot, server, boss) -> None:
    """A code holds an hour: the page opened later says to send a new one, not to type it."""
    with smtp_server() as (controller, _inbox):
        server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", controller.port, "none")
        server.server.notifications.clock = lambda: datetime.now(UTC) - timedelta(hours=2)  # sent then
        saved = await boss.notifications.set_email_prefs({"email": "boss@studio.example"})
        assert saved["confirmation"]["sent"]
    _state, page = page_for(qtbot, center=boss.notifications)
    assert await page.email_box.load()
    assert page.email_box.status.text().startswith(
        "No code for boss@studio.example holds now: send a new one to confirm it.")
    assert not page.email_box.confirm_row.isHidden(), "Send a new code is there"
    page.close_down()
