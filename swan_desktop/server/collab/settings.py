"""Studio-wide settings chosen by an admin (today: the conflict strategy)."""

from __future__ import annotations

from typing import Any

from ...domain.merge import DEFAULT_STRATEGY, STRATEGIES
from ...protocol.errors import invalid
from ..store import Account, Store, Tx
from .schema import conn

DEFAULTS: dict[str, str] = {"conflict_strategy": DEFAULT_STRATEGY}


def read(store: Store) -> dict[str, str]:
    values = dict(DEFAULTS)
    for row in conn(store).execute("SELECT key, value FROM studio_settings"):
        values[row["key"]] = row["value"]
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
    for key, value in data.items():
        conn(store).execute(
            "INSERT INTO studio_settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, str(value)))
    settings = read(store)
    tx.emit("studio:settings-changed", {"settings": settings}, actor.user)
    return {"settings": settings}
