"""Studio-wide settings chosen by an admin: the conflict strategy, the studio's time zone and its
cancellation policy window (hours before the start within which credits are kept)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from ...domain.merge import DEFAULT_STRATEGY, STRATEGIES
from ...protocol.errors import invalid
from ..storage import dialect
from ..store import Account, Store, Tx
from .tables import studio_settings

_SET = dialect.upsert(studio_settings, ("value",))

DEFAULTS: dict[str, str] = {
    "conflict_strategy": DEFAULT_STRATEGY,
    "timezone": "",  # empty: the server's local zone
    "cancellation_window_h": "24",
}


def _check_calendar(data: dict[str, Any]) -> None:
    zone = data.get("timezone")
    if zone is not None:
        try:
            if not isinstance(zone, str) or (zone and ZoneInfo(zone) is None):
                raise ValueError
        except (ValueError, ZoneInfoNotFoundError):
            raise invalid("timezone must be an IANA time zone name such as Europe/Lisbon",
                          field="timezone") from None
    window = data.get("cancellation_window_h")
    if window is not None and (isinstance(window, bool) or not isinstance(window, (int, float))
                               or not 0 <= window <= 720):
        raise invalid("cancellation_window_h must be a number of hours from 0 to 720",
                      field="cancellation_window_h")


def read(store: Store) -> dict[str, str]:
    values = dict(DEFAULTS)
    for key, value in store.db.execute(select(studio_settings.c.key, studio_settings.c.value)):
        values[key] = value
    return values


def conflict_strategy(store: Store) -> str:
    return read(store)["conflict_strategy"]


def change(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    """``studio.settings.set``: validate and store, then tell everyone."""
    unknown = sorted(set(data) - set(DEFAULTS))
    if unknown:
        raise invalid(f"unknown setting(s): {', '.join(unknown)}", fields=unknown)
    if not data:
        raise invalid("no settings given")
    strategy = data.get("conflict_strategy")
    if strategy is not None and strategy not in STRATEGIES:
        raise invalid(f"conflict_strategy must be one of {', '.join(STRATEGIES)}", field="conflict_strategy")
    _check_calendar(data)
    for key, value in data.items():
        store.db.execute(_SET, {"key": key, "value": str(value)})
    settings = read(store)
    tx.emit("studio:settings-changed", {"settings": settings}, actor.user)
    return {"settings": settings}
