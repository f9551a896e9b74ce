"""The four delivery channels behind one interface: each says whether it can work here, and raises if not.

``ToastChannel`` shows the app's own pop-up (a presenter from the Qt layer),
``SoundChannel`` plays a bundled chime per priority (QSoundEffect),
``DesktopChannel`` asks the desktop's notification service (on Linux
``org.freedesktop.Notifications`` over the session bus, with the pop-up's
action buttons; plyer elsewhere; see :mod:`.desktop`), ``TrayChannel``
uses a tray icon's balloon message when the app has one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QUrl

from ..settings.paths import resource_root
from .desktop import ActionHandler, DBusNotifications, notify_plyer
from .popup import ChannelUnavailable, Popup

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QSoundEffect

__all__ = ["Channel", "ChannelUnavailable", "DesktopChannel", "Popup", "SoundChannel", "ToastChannel",
           "TrayChannel"]

log = logging.getLogger(__name__)


def sounds_dir() -> Path:
    """The chimes, wherever the app's resources are (a source checkout or the installed bundle)."""
    return resource_root() / "sounds"


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
    """One QSoundEffect per priority; with no audio device Qt reports Error and the channel is unavailable.

    The multimedia back end (about 19 MiB resident, and its start-up) is loaded at the
    first sound asked for (a delivery or the settings' test), not when the app starts.
    """

    name = "sound"
    PRIORITIES = ("low", "normal", "high", "critical")

    def __init__(self, volume: float = 0.6, folder: Path | None = None) -> None:
        self._folder = folder or sounds_dir()
        self._effects: dict[str, QSoundEffect] = {}
        self._volume = volume

    @property
    def loaded(self) -> bool:
        return bool(self._effects)

    def _load(self) -> dict[str, QSoundEffect]:
        if not self._effects:
            from PySide6.QtMultimedia import QSoundEffect

            for priority in self.PRIORITIES:
                effect = QSoundEffect()
                effect.setSource(QUrl.fromLocalFile(str(self._folder / f"notify-{priority}.wav")))
                self._effects[priority] = effect
            self.set_volume(self._volume)
        return self._effects

    def set_volume(self, volume: float) -> None:
        self._volume = volume
        for effect in self._effects.values():
            effect.setVolume(max(0.0, min(1.0, volume)))

    def available(self) -> bool:
        from PySide6.QtMultimedia import QSoundEffect

        return any(e.status() != QSoundEffect.Status.Error for e in self._load().values())

    def show(self, popup: Popup) -> str:
        from PySide6.QtMultimedia import QSoundEffect

        effects = self._load()
        effect = effects.get(popup.priority) or effects["normal"]
        if effect.status() == QSoundEffect.Status.Error:
            raise ChannelUnavailable("no audio output (the sound could not be loaded)")
        effect.play()  # still loading (the first sound): it plays once loaded
        return f"played {popup.priority}"

    def close(self) -> None:
        for effect in self._effects.values():
            effect.stop()
            effect.deleteLater()
        self._effects.clear()


class DesktopChannel:
    """The desktop's own notifications; ``on_action(note_id, action_id)`` hears a pop-up's buttons."""

    name = "desktop"

    def __init__(self, app_name: str = "Swan Desktop", bus_address: str | None = None,
                 on_action: ActionHandler | None = None, *, platform: str = sys.platform,
                 plyer_notification: Any = None) -> None:
        self.app_name = app_name
        self.bus_address = bus_address
        self.platform = platform
        self._plyer = plyer_notification
        self.dbus = DBusNotifications(bus_address, on_action) if platform.startswith("linux") else None

    def available(self) -> bool:
        if self.dbus is not None:
            return bool(self.bus_address or os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
        if self._plyer is not None:
            return True
        try:
            import plyer  # noqa: F401
        except ImportError:
            return False
        return True

    def show(self, popup: Popup) -> str:
        """Blocking (a D-Bus round trip): the router calls it off the GUI thread."""
        if self.dbus is not None:
            return f"shown id={self.dbus.notify(self.app_name, popup)}"
        notify_plyer(self.app_name, popup, self.platform, self._plyer)
        return "handed to the desktop"

    def close(self) -> None:
        if self.dbus is not None:
            self.dbus.close()
