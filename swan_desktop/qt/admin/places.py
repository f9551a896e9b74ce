"""What a change to the studio's set-up leaves for the office to do, in words: how many clients a
session type's session holds (a field, the list's words, sessions over a lowered number) and
bookings left outside a trainer's new working hours."""

from __future__ import annotations

from PySide6.QtWidgets import QSpinBox

from ...core.directory_csv import MOST_HELD

HINT = ("More than 1 makes it a group session: each client booked takes a place, "
        "and a full session keeps a waitlist.")


def places_field(value: int = 1) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, MOST_HELD)
    box.setValue(value)
    box.setSuffix(" per session")
    box.setAccessibleName("Clients per session")
    box.setToolTip(HINT)
    return box


def places_words(capacity: int) -> str:
    return "1 client" if capacity == 1 else f"up to {capacity} clients"


def over_words(name: str, capacity: int, sessions: int) -> str:
    """A capacity lowered below what sessions ahead hold: what the office has to do."""
    these = f"{sessions} session{'s' if sessions != 1 else ''} still to come"
    clients = f"{capacity} client{'s' if capacity != 1 else ''}"
    return (f"{name} saved, but {these} {'has' if sessions == 1 else 'have'} more than {clients} "
            "booked; they stay booked: move or call the extra clients.")


def room_over_words(name: str, at_once: int, sessions: int) -> str:
    """A room's sessions at once lowered under its bookings ahead: what the office has to do."""
    these = f"{sessions} session{'s' if sessions != 1 else ''} still to come"
    held = "1 session" if at_once == 1 else f"{at_once} sessions"
    return (f"{name} saved, but {these} {'runs' if sessions == 1 else 'run'} there when more than {held} "
            "do; they stay booked: move some to another room or time.")


def outside_words(sessions: int) -> str:
    """Working hours saved that leave bookings ahead outside them: what the office has to do."""
    these = f"{sessions} booked session{'s' if sessions != 1 else ''} ahead"
    return (f"{these} now {'falls' if sessions == 1 else 'fall'} outside these hours and "
            f"{'stays' if sessions == 1 else 'stay'} booked: move or reassign "
            f"{'it' if sessions == 1 else 'them'} in the schedule.")
