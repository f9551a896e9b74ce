"""Studio-wide settings chosen by an admin: the conflict strategy, the studio's time zone and its
cancellation policy window (hours before the start within which credits are kept)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from ...domain.merge import DEFAULT_STRATEGY, STRATEGIES
from ...protocol.errors import invalid
from ...protocol.messages import present
from ..pipeline import Change
from ..storage import dialect
from ..store import Store
from .messages import SettingsChange
from .tables import studio_settings

_SET = dialect.upsert(studio_settings, ("value",))

DEFAULTS: dict[str, str] = {
    "conflict_strategy": DEFAULT_STRATEGY,
    "timezone": "",  # empty: the server's local zone
    "cancellation_window_h": "24",
}


def _check_zone(zone: str) -> None:
    try:
        if zone:
            ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError, OSError):
        raise invalid("timezone must be an IANA time zone name such as Europe/Lisbon",
                      field="timezone") from None


#: Keys kept in the same table but never sent with the studio's settings (every role reads those):
#: the mail server for emails to clients (``clients/mail.py``, admins only).
PRIVATE_PREFIXES = ("smtp_",)


def read(store: Store) -> dict[str, str]:
    values = dict(DEFAULTS)
    for key, value in store.db.execute(select(studio_settings.c.key, studio_settings.c.value)):
        if not key.startswith(PRIVATE_PREFIXES):
            values[key] = value
    return values


def conflict_strategy(store: Store) -> str:
    return read(store)["conflict_strategy"]


def change(change: Change) -> None:
    """``studio.settings.set``: validate and store the settings given, then tell everyone."""
    msg = change.msg
    assert isinstance(msg, SettingsChange)
    given = {k: v for k, v in present(msg).items() if v is not None}
    if not given:
        raise invalid("no settings given")
    if msg.conflict_strategy is not None and msg.conflict_strategy not in STRATEGIES:
        raise invalid(f"conflict_strategy must be one of {', '.join(STRATEGIES)}", field="conflict_strategy")
    if msg.timezone is not None:
        _check_zone(msg.timezone)
    store = change.store
    for key, value in given.items():
        text = f"{value:g}" if isinstance(value, float) else str(value)
        store.db.execute(_SET, {"key": key, "value": text})
    settings = read(store)
    change.emit("studio:settings-changed", {"settings": settings}, primary=True)
    change.reply = {"settings": settings}
