"""The studio's profile: its name, time zone, opening hours and whether set-up is done.

Kept in ``studio_settings`` key/values (``studio_name``, ``timezone``,
``opening_hours`` as JSON, ``setup_complete``); the time zone is the one the
calendar reads (:mod:`..calendar.studio`).
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from ...protocol.errors import invalid
from ...protocol.messages import present
from ..calendar import studio as calendar_studio
from ..collab import settings
from ..collab.messages import SettingsChange
from ..collab.tables import studio_settings
from ..pipeline import Change
from ..storage import dialect
from ..store import Store
from ..tables import trainers
from . import week
from .messages import StudioSetupSet


def profile(store: Store) -> dict[str, Any]:
    values = settings.read(store)
    return {"name": values.get("studio_name", ""), "timezone": calendar_studio.zone(store).key,
            "opening_hours": json.loads(values.get("opening_hours") or "[]"),
            "setup_complete": values.get("setup_complete") == "true"}


def needed(store: Store) -> bool:
    """Set-up is still needed: no trainer yet and no admin said it is complete."""
    has_trainer = store.db.execute(select(trainers.c.id).limit(1)).first() is not None
    return not has_trainer and not profile(store)["setup_complete"]


def settings_changed(change: Change) -> None:
    """After ``studio.settings.set`` with a ``timezone``: the studio's profile changed too."""
    assert isinstance(change.msg, SettingsChange)
    if change.msg.timezone is not None:
        change.emit("studio:updated", {"studio": profile(change.store)})


def setup_get(store: Store) -> dict[str, Any]:
    return {"studio": profile(store), "needed": needed(store)}


_PUT = dialect.upsert(studio_settings, ("value",))


def _put(store: Store, key: str, value: str) -> None:
    store.db.execute(_PUT, {"key": key, "value": value})


def setup_set(change: Change) -> None:
    """``studio.setup.set``: store what is given, then ``studio:updated`` for everyone."""
    msg, store = change.msg, change.store
    assert isinstance(msg, StudioSetupSet)
    given = present(msg)
    if not given:
        raise invalid("give at least one of name, timezone, opening_hours, setup_complete")
    if "name" in given:
        if not given["name"].strip():
            raise invalid("the studio's name must not be empty", field="name")
        _put(store, "studio_name", given["name"].strip())
    if "timezone" in given:
        try:
            ZoneInfo(given["timezone"])
        except (ValueError, ZoneInfoNotFoundError):
            raise invalid("timezone must be an IANA time zone name such as Europe/Lisbon",
                          field="timezone") from None
        _put(store, "timezone", given["timezone"])
    if "opening_hours" in given:
        opening = week.check(given["opening_hours"], "opening_hours")
        _put(store, "opening_hours", json.dumps(week.to_wire(opening)))
    if "setup_complete" in given:
        _put(store, "setup_complete", "true" if given["setup_complete"] else "false")
    studio = profile(store)
    change.emit("studio:updated", {"studio": studio}, primary=True)
    if "timezone" in given:  # what desktops already follow for the calendar's zone
        change.emit("studio:settings-changed", {"settings": settings.read(store)})
    change.reply = {"studio": studio}
