"""The center's detail area: the selected notification in full, with its delivery status per channel."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ...core.notifications import Note

#: How a channel's raw status reads to a person.
CHANNEL_NAMES = {"desktop": "Desktop", "tray": "Tray", "toast": "Pop-up", "sound": "Sound",
                 "pop-up": "Pop-up"}
StatusLookup = Callable[[str], dict[str, str] | None]


def describe(status: str) -> tuple[str, str]:
    """(words, colour) for one channel's status as the router recorded it."""
    if status.startswith(("shown", "played")):
        return "delivered", "#2e7d32"
    if status.startswith("failed"):
        return "failed — " + status.partition(":")[2].strip(), "#c62828"
    if status.startswith("unavailable"):
        reason = status.partition(":")[2].strip()
        return "not available here" + (f" — {reason}" if reason else ""), "#78909c"
    if status == "off":
        return "off in your settings", "#78909c"
    if status.startswith(("held", "throttled")):
        return status, "#ef6c00"
    return status, "#37474f"


def delivery_lines(status: dict[str, str] | None) -> list[tuple[str, str, str]]:
    """(channel, words, colour) in the order the router tried them."""
    if not status:
        return []
    return [(CHANNEL_NAMES.get(ch, ch), *describe(s)) for ch, s in status.items()]


class NoteDetail(QLabel):
    """Rich text; empty when nothing or several rows are selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationDetail")
        self.setAccessibleName("Notification details")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMinimumHeight(96)
        self.setStyleSheet("QLabel#notificationDetail { background: palette(base); border: 1px solid #cfd8dc;"
                           " border-radius: 4px; padding: 8px; }")
        self.lookup: StatusLookup | None = None
        self.note: Note | None = None

    def show_note(self, note: Note | None, pending: bool = False) -> None:
        self.note = note
        if note is None:
            self.setText("<span style='color:#78909c'>Select one notification to see it in full.</span>")
            return
        when = f"{note.created_at.astimezone():%a %d %b %H:%M}"
        states = []
        for label, at in (("read", note.read_at), ("acknowledged", note.acknowledged_at)):
            if at is not None:
                states.append(f"{label} {at.astimezone():%a %d %b %H:%M}")
        if pending:
            states.append("<i>waiting to reach the server</i>")
        source = f" · from {escape(note.source)}" if note.source else ""
        head = (f"<b>{escape(note.title)}</b> &nbsp;<span style='color:#607d8b'>{escape(note.category)} · "
                f"{escape(note.priority)} · {when}{source}</span>")
        body = f"<div style='margin-top:4px'>{escape(note.message)}</div>"
        state = f"<div style='color:#455a64'>{' · '.join(states)}</div>" if states else ""
        lines = delivery_lines(self.lookup(str(note.id)) if self.lookup else None)
        if lines:
            cells = " &nbsp;·&nbsp; ".join(
                f"{escape(ch)}: <span style='color:{colour}'>{escape(words)}</span>"
                for ch, words, colour in lines)
            delivery = f"<div style='margin-top:6px'><b>Delivery on this computer:</b> {cells}</div>"
        else:
            delivery = ("<div style='margin-top:6px; color:#78909c'><b>Delivery on this computer:</b> "
                        "none — it was already there when you signed in.</div>")
        self.setText(head + body + state + delivery)
