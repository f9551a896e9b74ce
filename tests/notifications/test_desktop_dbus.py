"""A real desktop notification over a private D-Bus session bus, and the path where no service exists.

The bus is a real ``dbus-daemon`` with a configuration of its own that names no service folder
(``<servicedir>``): a session bus started with the system's configuration would start any installed
notification daemon (dunst…) on demand, and "no service" would not hold. The notification service
on it is a small test-side ``org.freedesktop.Notifications`` (this machine has no desktop).
"""

from __future__ import annotations

import shutil
import threading
from typing import Any

import pytest
from jeepney import DBusAddress, MessageType, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from swan_desktop.notify.channels import DesktopChannel, Popup, ToastChannel
from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.notify.router import DeliveryRouter

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon (apt dbus)")


class NotificationService:
    """Owns org.freedesktop.Notifications on the bus, says what it can (``caps``), records every
    Notify call and can press a pop-up's button (the ``ActionInvoked`` signal)."""

    def __init__(self, address: str, caps: tuple[str, ...] = ("body",)) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.caps = caps
        self._stop = threading.Event()
        self._conn = open_dbus_connection(bus=address)
        self._conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.Notifications"))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            if msg.header.fields.get(3) == "Notify":
                self.calls.append(tuple(msg.body))
                self._conn.send(new_method_return(msg, "u", (len(self.calls) + 40,)))
            elif msg.header.fields.get(3) == "GetCapabilities":
                self._conn.send(new_method_return(msg, "as", (list(self.caps),)))

    def press(self, notification_id: int, action: str) -> None:
        """What the daemon sends when the user clicks a button (a broadcast signal, as dunst does)."""
        here = DBusAddress("/org/freedesktop/Notifications", interface="org.freedesktop.Notifications")
        self._conn.send(new_signal(here, "ActionInvoked", "us", (notification_id, action)))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


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
