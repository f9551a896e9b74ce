"""A real desktop notification over a private D-Bus session bus, and the path where no service exists.

The bus is a real ``dbus-daemon`` with a configuration of its own that names no service folder
(``<servicedir>``): a session bus started with the system's configuration would start any installed
notification daemon (dunst…) on demand, and "no service" would not hold. The notification service
on it is a small test-side ``org.freedesktop.Notifications`` (this machine has no desktop),
``NotificationService`` in dbus_service.py.
"""

from __future__ import annotations

import shutil
import threading
from typing import Any

import pytest

from swan_desktop.notify.channels import DesktopChannel, Popup, ToastChannel
from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.notify.router import DeliveryRouter

from .dbus_service import NotificationService

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon (apt dbus)")


async def test_a_desktop_notification_reaches_the_session_bus_service(session_bus: str) -> None:
    service = NotificationService(session_bus)
    try:
        toasts: list[Popup] = []
        channel = DesktopChannel(bus_address=session_bus)
        router = DeliveryRouter([channel, ToastChannel(toasts.append)], DeliveryPrefs())
        router.deliver(Popup("7", "Session booked", "Ana with Mia at 10:00", "schedule", "critical", 7))
        await router.idle()
        channel.close()
        (call,) = service.calls
        app, replaces, _icon, title, body, _actions, hints, timeout = call
        assert (app, replaces, title, body) == ("Swan Desktop", 0, "Session booked", "Ana with Mia at 10:00")
        assert hints["urgency"] == ("y", 2) and timeout == 0  # critical: stays until dismissed
        assert router.log[-1].channels["desktop"] == "shown id=41" and toasts == []
    finally:
        service.close()


async def test_without_a_notification_service_the_toast_takes_over_and_the_status_says_why(
        session_bus: str) -> None:
    toasts: list[Popup] = []
    channel = DesktopChannel(bus_address=session_bus)
    router = DeliveryRouter([channel, ToastChannel(toasts.append)], DeliveryPrefs())
    router.deliver(Popup("8", "Session moved", "to 11:00", "schedule", "normal", 8))
    await router.idle()
    channel.close()
    status = router.log[-1].channels
    assert "ServiceUnknown" in status["desktop"] or "NameHasNoOwner" in status["desktop"]
    assert status["toast"] == "shown" and [p.key for p in toasts] == ["8"]


async def test_a_body_is_escaped_for_a_service_that_reads_markup_and_kept_for_one_that_does_not(
        session_bus: str) -> None:
    for caps, expected in ((("body", "body-markup"), "Tom &amp; Jerry &lt;late&gt;"),
                           (("body",), "Tom & Jerry <late>")):
        service = NotificationService(session_bus, caps)
        channel = DesktopChannel(bus_address=session_bus)
        try:
            channel.show(Popup("9", "Late", "Tom & Jerry <late>", "schedule", "normal", 9))
            (call,) = service.calls
            assert call[3:5] == ("Late", expected)
        finally:
            channel.close()
            service.close()


async def test_a_pop_up_button_runs_the_notifications_action(session_bus: str) -> None:
    service = NotificationService(session_bus, ("body", "actions"))
    heard: list[tuple[int, str]] = []
    pressed = threading.Event()

    def on_action(note: int, action: str) -> None:
        heard.append((note, action))
        pressed.set()

    channel = DesktopChannel(bus_address=session_bus, on_action=on_action)
    try:
        popup = Popup("12", "Session clash", "Ana at 10:00", "schedule", "high", 12,
                      (("open_session", "Open session"), ("acknowledge", "Acknowledge")))
        assert channel.show(popup) == "shown id=41"
        (call,) = service.calls
        assert call[5] == ["open_session", "Open session", "acknowledge", "Acknowledge"]
        service.press(99, "acknowledge")  # another program's pop-up: not ours
        service.press(41, "acknowledge")
        assert pressed.wait(5)
        assert heard == [(12, "acknowledge")]
    finally:
        channel.close()
        service.close()


class FailingBalloon:
    """What plyer's Windows balloon does when the shell refuses it: raise, in its own thread."""

    def __init__(self, **kwargs: Any) -> None:
        raise Exception("Shell_NotifyIconW failed.")


@pytest.mark.parametrize("platform", ["darwin", "win32"])
async def test_a_plyer_pop_up_that_fails_is_not_delivered_and_the_toast_shows(
        platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from plyer.facades import Notification

    import swan_desktop.notify.desktop as desktop

    # On a Mac without its back end plyer falls back to this facade, which raises NotImplementedError.
    channel = DesktopChannel(platform=platform, plyer_notification=Notification())
    original = desktop._windows_balloon
    monkeypatch.setattr(desktop, "_windows_balloon", lambda kwargs, _: original(kwargs, FailingBalloon))
    toasts: list[Popup] = []
    router = DeliveryRouter([channel, ToastChannel(toasts.append)], DeliveryPrefs())
    router.deliver(Popup("5", "Session moved", "to 11:00", "schedule", "normal", 5))
    await router.idle()
    status = router.log[-1].channels
    assert status["desktop"].startswith("unavailable: the desktop could not show it")
    assert router.log[-1].delivered_by == "toast" and [p.key for p in toasts] == ["5"]
