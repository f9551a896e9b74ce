"""What a delivery channel shows, and how it says it cannot."""

from __future__ import annotations

from dataclasses import dataclass


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
    #: Buttons: (action id, label), the notification's own actions.
    actions: tuple[tuple[str, str], ...] = ()

    @property
    def sticky(self) -> bool:
        return self.priority == "critical"
