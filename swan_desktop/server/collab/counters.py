"""Monotonic counters kept in the database (e.g. the lock tokens), one row per name."""

from __future__ import annotations

from sqlalchemy import select, update

from ..storage import dialect
from ..store import Store
from .tables import collab_counters

_CREATE = dialect.insert_ignore(collab_counters)
_BUMP = update(collab_counters).values(value=collab_counters.c.value + 1)


def next_counter(store: Store, name: str) -> int:
    """The next value of a monotonic counter (call inside a transaction)."""
    store.db.execute(_CREATE, {"name": name, "value": 0})
    store.db.execute(_BUMP.where(collab_counters.c.name == name))
    return int(store.db.execute(select(collab_counters.c.value).where(collab_counters.c.name == name))
               .scalar_one())
