"""A real desktop notification over a private D-Bus session bus, and the path where no service exists.

The bus is a real ``dbus-daemon``; the notification service on it is a small test-side
``org.freedesktop.Notifications`` (this machine has no desktop to provide one).
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from swan_desktop.notify.channels import DesktopChannel, Popup, ToastChannel
from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.notify.router import DeliveryRouter

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="needs dbus-daemon (apt dbus)")


#: A session bus with no service folders: nothing is started on demand. With the system's
#: session.conf, an installed notification daemon (dunst, say) would be activated by the
#: first Notify call, and the "no service" case could not be tested on that machine.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[str]:
    config = tmp_path / "session-bus.conf"
    config.write_text(BUS_CONFIG)
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--print-address", "--nofork"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    yield address
    proc.terminate()
    proc.wait(5)
    proc.stdout.close()


class NotificationService:
    """Owns org.freedesktop.Notifications on the bus and records every Notify call."""

    def __init__(self, address: str) -> None:
        self.calls: list[tuple[Any, ...]] = []
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
            if msg.header.message_type == MessageType.method_call and msg.header.fields.get(3) == "Notify":
                self.calls.append(tuple(msg.body))
                self._conn.send(new_method_return(msg, "u", (len(self.calls) + 40,)))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


async def test_a_desktop_notification_reaches_the_session_bus_service(session_bus: str) -> None:
    service = NotificationService(session_bus)
    try:
        toasts: list[Popup] = []
        router = DeliveryRouter([DesktopChannel(bus_address=session_bus), ToastChannel(toasts.append)],
                                DeliveryPrefs())
        router.deliver(Popup("7", "Session booked", "Ana with Mia at 10:00", "schedule", "critical", 7))
        await router.idle()
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
    router = DeliveryRouter([DesktopChannel(bus_address=session_bus), ToastChannel(toasts.append)],
                            DeliveryPrefs())
    router.deliver(Popup("8", "Session moved", "to 11:00", "schedule", "normal", 8))
    await router.idle()
    status = router.log[-1].channels
    assert "ServiceUnknown" in status["desktop"] or "NameHasNoOwner" in status["desktop"]
    assert status["toast"] == "shown" and [p.key for p in toasts] == ["8"]
