"""The four delivery channels behind one interface: each says whether it can work here, and raises if not.

``ToastChannel`` shows the app's own pop-up (a presenter from the Qt layer),
``SoundChannel`` plays a bundled chime per priority (QSoundEffect),
``DesktopChannel`` asks the desktop's notification service (on Linux
``org.freedesktop.Notifications.Notify`` over the session bus with jeepney,
which returns an id and raises on failure; plyer elsewhere), ``TrayChannel``
uses a tray icon's balloon message when the app has one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)

SOUNDS_DIR = Path(__file__).resolve().parents[2] / "resources" / "sounds"
DBUS_TIMEOUT_S = 3.0


class ChannelUnavailable(Exception):
    """The channel cannot deliver on this desktop (no service, no tray, no audio device…)."""


@dataclass(frozen=True)
class Popup:
    """What a channel shows. ``sticky`` ones stay until the user dismisses them."""

    key: str                 # notification id, or "summary:<category>"
    title: str
    message: str
    category: str
    priority: str
    note_id: int | None = None

    @property
    def sticky(self) -> bool:
        return self.priority == "critical"


class Channel(Protocol):
    name: str

    def available(self) -> bool: ...

    def show(self, popup: Popup) -> str:
        """Deliver; return a short status (e.g. ``shown``, ``shown id=7``); raise when it could not."""
        ...


class ToastChannel:
    name = "toast"

    def __init__(self, present: Callable[[Popup], None]) -> None:
        self._present = present

    def available(self) -> bool:
        return True

    def show(self, popup: Popup) -> str:
        self._present(popup)
        return "shown"


class TrayChannel:
    """A tray icon's message; ``tray`` is any object with ``showMessage`` and ``isSystemTrayAvailable``."""

    name = "tray"

    def __init__(self, tray: Any | None = None) -> None:
        self.tray = tray

    def available(self) -> bool:
        return self.tray is not None and bool(self.tray.isSystemTrayAvailable())

    def show(self, popup: Popup) -> str:
        tray = self.tray
        if tray is None or not tray.isSystemTrayAvailable():
            raise ChannelUnavailable("no system tray")
        tray.showMessage(popup.title, popup.message)
        return "shown"


class SoundChannel:
    """One QSoundEffect per priority; with no audio device Qt reports Error and the channel is unavailable."""

    name = "sound"

    def __init__(self, volume: float = 0.6, folder: Path = SOUNDS_DIR) -> None:
        self._effects: dict[str, QSoundEffect] = {}
        for priority in ("low", "normal", "high", "critical"):
            effect = QSoundEffect()
            effect.setSource(QUrl.fromLocalFile(str(folder / f"notify-{priority}.wav")))
            self._effects[priority] = effect
        self.set_volume(volume)

    def set_volume(self, volume: float) -> None:
        for effect in self._effects.values():
            effect.setVolume(max(0.0, min(1.0, volume)))

    def available(self) -> bool:
        return any(e.status() != QSoundEffect.Status.Error for e in self._effects.values())

    def show(self, popup: Popup) -> str:
        effect = self._effects.get(popup.priority) or self._effects["normal"]
        if effect.status() == QSoundEffect.Status.Error:
            raise ChannelUnavailable("no audio output (the sound could not be loaded)")
        effect.play()
        return f"played {popup.priority}"

    def close(self) -> None:
        for effect in self._effects.values():
            effect.stop()
            effect.deleteLater()
        self._effects.clear()


class DesktopChannel:
    """The desktop's own notifications."""

    name = "desktop"

    def __init__(self, app_name: str = "Swan Desktop", bus_address: str | None = None) -> None:
        self.app_name = app_name
        self.bus_address = bus_address

    def available(self) -> bool:
        if sys.platform.startswith("linux"):
            return bool(self.bus_address or os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
        try:
            import plyer  # noqa: F401
        except ImportError:
            return False
        return True

    def show(self, popup: Popup) -> str:
        """Blocking (a D-Bus round trip): the router calls it off the GUI thread."""
        if sys.platform.startswith("linux"):
            return f"shown id={notify_dbus(self.app_name, popup, self.bus_address)}"
        from plyer import notification  # pragma: no cover - not Linux

        notification.notify(title=popup.title, message=popup.message, app_name=self.app_name,
                            timeout=0 if popup.sticky else 5)
        return "handed to the desktop"


def notify_dbus(app_name: str, popup: Popup, bus_address: str | None = None) -> int:
    """``org.freedesktop.Notifications.Notify``; returns the id the service gave. Raises on failure."""
    from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    urgency = {"low": 0, "normal": 1, "high": 1, "critical": 2}.get(popup.priority, 1)
    address = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                          interface="org.freedesktop.Notifications")
    msg = new_method_call(address, "Notify", "susssasa{sv}i", (
        app_name, 0, "dialog-information", popup.title, popup.message, [],
        {"urgency": ("y", urgency), "category": ("s", f"swan.{popup.category}")},
        0 if popup.sticky else 5000,
    ))
    try:
        conn = open_dbus_connection(bus=bus_address or "SESSION")
    except (OSError, KeyError, ValueError) as err:
        raise ChannelUnavailable(f"no session bus: {err}") from err
    with conn:
        reply = conn.send_and_get_reply(msg, timeout=DBUS_TIMEOUT_S)
    if reply.header.message_type == MessageType.error:
        name = reply.header.fields.get(HeaderFields.error_name, "D-Bus error")
        raise ChannelUnavailable(f"{name}: {reply.body}")
    return int(reply.body[0])
