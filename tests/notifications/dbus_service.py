"""A test-side desktop notification service on a private session bus: ``NotificationService`` owns
``org.freedesktop.Notifications``, records every Notify call and can press a pop-up's button (this
machine has no desktop, so no real notification daemon)."""

from __future__ import annotations

import threading
from typing import Any

from jeepney import DBusAddress, MessageType, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection


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
