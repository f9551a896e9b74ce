"""What cancelling a session means, in the desk's words: the credit and who hears of it.

The server decides (credits come back for a completed session cancelled
before the studio's cancellation window, ``cancellation_window_h`` hours
before the start; the trainer and the office are notified, and the one who
cancels gets a confirmation). These functions only say it beforehand, from
what the desktop holds: the directory, the studio settings and the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..protocol.entities import Role, Session, Status
from .directory import Directory

DEFAULT_WINDOW_H = 24.0

#: The usual reasons, in the order the desk picks them.
REASONS = ("Client cancelled", "Client is ill", "Client did not show up", "Trainer unavailable",
           "Studio closed", "Booked by mistake", "Other")


def window_hours(settings: dict[str, str]) -> float:
    """The studio's cancellation window from its settings (24 h when not set or unreadable)."""
    try:
        value = float(settings.get("cancellation_window_h") or DEFAULT_WINDOW_H)
    except ValueError:
        return DEFAULT_WINDOW_H
    return value if value >= 0 else DEFAULT_WINDOW_H


def _hours(h: float) -> str:
    return f"{h:g} hour{'s' if h != 1 else ''}"


def _window(h: float) -> str:
    """"24-hour window" (the adjective form)."""
    return f"{h:g}-hour window"


@dataclass(frozen=True)
class CreditOutlook:
    """Whether the client's credit comes back, and the sentence that says so."""

    returns: bool
    late: bool
    text: str
    #: A used credit stays spent because of the window: what an admin may override.
    kept_by_window: bool = False


def credit_outlook(session: Session, directory: Directory, window_h: float, now: datetime) -> CreditOutlook:
    late = now > session.start - timedelta(hours=window_h)
    client = directory.clients.get(session.client_id) if session.client_id is not None else None
    if client is None:
        return CreditOutlook(False, late, "No package credits are involved: the client has no package here.")
    first = client.name.split()[0]
    if session.status is Status.COMPLETED:
        if late:
            return CreditOutlook(False, True, f"{first}'s credit does not come back: it is within the "
                                              f"studio's {_window(window_h)} for cancelling.", True)
        return CreditOutlook(True, False, f"{first}'s credit comes back: cancelled more than "
                                          f"{_hours(window_h)} before the start.")
    text = (f"No credit has been used yet (credits are taken when a session is completed), so {first} "
            f"keeps {client.credits} credit{'s' if client.credits != 1 else ''}.")
    if late:
        text += f" This is a late cancellation, within the studio's {_window(window_h)}."
    return CreditOutlook(False, late, text)


def notified(session: Session, directory: Directory, me: int | None) -> list[str]:
    """Who the server will tell, as names: the accounts linked to the session's trainer (by the
    account's ``trainer_id``, whatever they are called), then the office (admins), not me, and
    no deactivated account."""
    others = [u for u in directory.users.values() if u.id != me and u.active]
    linked = [u for u in others if u.trainer_id == session.trainer_id]
    office = [u for u in others if u.role is Role.ADMIN and u not in linked]
    return sorted(u.name for u in linked) + sorted(u.name for u in office)


def notified_text(names: list[str]) -> str:
    if not names:
        return "Nobody else has an account to notify; you get a confirmation in your Notifications."
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed} will be notified; you get a confirmation in your Notifications."


def notified_short(names: list[str]) -> str:
    """"Jonah notified", "Jonah and 2 others notified" — for the status bar."""
    if not names:
        return "confirmation in your Notifications"
    first = names[0].split()[0]
    rest = len(names) - 1
    return f"{first} notified" if not rest else f"{first} and {rest} other{'s' if rest != 1 else ''} notified"
