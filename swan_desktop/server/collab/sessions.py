"""``session.*`` with locks, version history, conflict strategies and the activity feed.

These are hooks of the mutation pipeline around the core's own (see
:mod:`swan_desktop.server.schedule`), in the same transaction:

- a write to a session someone else has locked is refused (``locked``); a
  write carrying a fenced-off lock token is refused too (see :mod:`.locks`);
- every version of every session is kept (``session_versions``), so a change
  made against an older version can be merged field by field under the
  studio's conflict strategy (:func:`swan_desktop.domain.merge.resolve`);
- every change, and every value a strategy overwrote or discarded, is written
  to the activity feed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select

from ...domain import merge
from ...protocol import frames
from ...protocol.errors import ErrorCode, ProtocolError
from ...protocol.messages import SessionFields
from ...protocol.timefmt import format_ts, now_utc
from ..pipeline import Change, Stage
from ..storage import dialect
from ..store import Store
from ..wire import stored_json
from . import activity, chat, locks, settings
from .tables import session_versions
from .wording import day_of, describe_created, describe_deleted, describe_update

CREATE, UPDATE, DELETE = frames.SESSION_CREATE, frames.SESSION_UPDATE, frames.SESSION_DELETE
CHECKIN = "session.checkin"


_SAVE_VERSION = dialect.insert_ignore(session_versions)
_SAVE_VERSION_COLUMNS = ("session_id", "version", "fields", "user_id", "ts")
_VERSION_FIELDS = select(session_versions.c.fields).where(
    session_versions.c.session_id == bindparam("session_id"),
    session_versions.c.version == bindparam("version"))
#: Set in ``change.notes`` once the row as it was is kept (by the merge step, before the write).
_BASE_KEPT = "collab.base kept"


def save_version(store: Store, wire: dict[str, Any], user_id: int | None) -> None:
    fields = {f: wire.get(f) for f in merge.MERGE_FIELDS}
    store.sql(_SAVE_VERSION, _SAVE_VERSION_COLUMNS).run(store.db, {
        "session_id": wire["id"], "version": wire["version"], "fields": stored_json(fields),
        "user_id": user_id, "ts": format_ts(now_utc())})


def version_fields(store: Store, session_id: int, version: int) -> dict[str, Any] | None:
    fields = store.sql(_VERSION_FIELDS).scalar(store.db, {"session_id": session_id, "version": version})
    return dict(json.loads(fields)) if fields is not None else None


def _changes(before: dict[str, Any], after: dict[str, Any], fields: Any) -> list[dict[str, Any]]:
    return [{"field": f, "old": before.get(f), "new": after.get(f)} for f in fields]


def install(hook: Callable[[str, Stage, Callable[[Change], None], int], None]) -> None:
    """Put the collaboration's steps around the core's ``session.*`` hooks (see server/schedule.py)."""
    for rtype in (CREATE, UPDATE, DELETE, CHECKIN):
        hook(rtype, Stage.VALIDATE, check_lock, 10)
    hook(UPDATE, Stage.VALIDATE, merge_stale, 20)
    hook(CREATE, Stage.AFTER_WRITE, record_created, 10)
    hook(UPDATE, Stage.AFTER_WRITE, record_updated, 10)
    hook(DELETE, Stage.AFTER_WRITE, record_deleted, 10)
    hook(CHECKIN, Stage.AFTER_WRITE, keep_version, 10)


def _lock_token(change: Change) -> int | None:
    """The request's lock token applies to the session it names (not to the rest of its series)."""
    token = getattr(change.msg, "lock_token", None)
    target = getattr(change.msg, "id", None)
    if change.before is None or change.before.id != target:
        return None
    return token


def check_lock(change: Change) -> None:
    if change.before is not None:
        locks.check_write(change.store, change.actor, change.before.id, _lock_token(change), change.wall)


def merge_stale(change: Change) -> None:
    """A change made against an older version is merged under the studio's strategy (or refused)."""
    session = change.before
    assert session is not None
    store = change.store
    theirs = change.wire(session)
    save_version(store, theirs, session.updated_by)  # sessions from before history was kept
    change.notes[_BASE_KEPT] = True
    if change.version == session.version:
        return
    base = version_fields(store, session.id, change.version or 0)
    if base is None:
        return  # the core's version check refuses it
    strategy = settings.conflict_strategy(store)
    mine_wire = session.with_changes(**change.values).to_wire()
    mine = {f: mine_wire[f] for f in change.values}
    resolution = merge.resolve(strategy, base, theirs, mine)
    if resolution.refused:
        _refuse(strategy, resolution, session.id, base, theirs, mine)
    change.notes["collab"] = (strategy, resolution)
    if not resolution.apply:
        _record_lost(change, theirs, resolution)  # in the feed; no event
        change.finish({"session": dict(theirs), "discarded": resolution.discarded, "strategy": strategy})
        return
    change.values = SessionFields(**resolution.apply).values()
    change.version = session.version


def record_created(change: Change) -> None:
    assert change.after is not None
    wire = change.after.to_wire()
    save_version(change.store, wire, change.actor.id)
    entry = activity.record(change.store, change.tx, change.actor, "created", wire["id"],
                            wire["trainer_id"],
                            describe_created(change.actor.name, wire),
                            _changes({}, wire, [f for f in merge.MERGE_FIELDS if wire.get(f) is not None]),
                            day_of(wire))
    _attach(change, [entry])


def record_updated(change: Change) -> None:
    before, after = change.before, change.after
    assert before is not None and after is not None
    theirs, wire = change.wire(before), change.wire(after)
    store, actor = change.store, change.actor
    if not change.notes.get(_BASE_KEPT):
        save_version(store, theirs, before.updated_by)
    save_version(store, wire, actor.id)
    changed = [f for f in merge.MERGE_FIELDS if theirs.get(f) != wire.get(f)]
    entry = activity.record(store, change.tx, actor, "updated", after.id, after.trainer_id,
                            describe_update(actor.name, theirs, wire, changed),
                            _changes(theirs, wire, changed), day_of(wire))
    strategy, resolution = change.notes.get("collab", (None, merge.Resolution()))
    lost = _record_lost(change, theirs, resolution)
    _attach(change, [entry, *lost])
    if resolution.overwritten or resolution.discarded:
        change.reply = {**change.reply, "strategy": strategy, "overwritten": resolution.overwritten,
                        "discarded": resolution.discarded}


def record_deleted(change: Change) -> None:
    before = change.before
    assert before is not None
    wire = before.to_wire()
    locks.release(change.store, change.tx, change.actor, before.id, None, "deleted", change.wall)
    entry = activity.record(change.store, change.tx, change.actor, "deleted", before.id, before.trainer_id,
                            describe_deleted(change.actor.name, wire), [], day_of(wire))
    _attach(change, [entry])


def keep_version(change: Change) -> None:
    if change.after is not None:
        save_version(change.store, change.wire(change.after), change.actor.id)


def _refuse(strategy: str, resolution: merge.Resolution, session_id: int, base: dict[str, Any],
            theirs: dict[str, Any], mine: dict[str, Any]) -> None:
    how = "review" if strategy == merge.MANUAL_REVIEW else "clash"
    names = ", ".join(resolution.conflicts)
    message = (f"session {session_id} changed since you opened it; choose what to keep ({names})"
               if how == "review" else
               f"someone else changed the same field(s) of session {session_id}: {names}")
    raise ProtocolError(ErrorCode.CONFLICT, message, {
        "reason": "stale_version", "merge": how, "strategy": strategy, "fields": list(resolution.conflicts),
        "base": base, "current": theirs, "mine": mine})


def _record_lost(change: Change, theirs: dict[str, Any],
                 resolution: merge.Resolution) -> list[dict[str, Any]]:
    """Every value a strategy replaced or dropped goes to the activity feed."""
    store, tx, actor = change.store, change.tx, change.actor
    sid, trainer = theirs["id"], theirs["trainer_id"]
    out = []
    if resolution.overwritten:
        fields = ", ".join(resolution.overwritten)
        out.append(activity.record(store, tx, actor, "overwritten", sid, trainer,
                        f"{actor.name}'s change replaced a newer value ({fields})",
                        [{"field": f, "old": v, "new": resolution.apply.get(f)}
                         for f, v in resolution.overwritten.items()], day_of(theirs)))
    if resolution.discarded:
        fields = ", ".join(resolution.discarded)
        out.append(activity.record(store, tx, actor, "discarded", sid, trainer,
                        f"{actor.name}'s change came second and was not applied ({fields})",
                        [{"field": f, "old": theirs.get(f), "new": v}
                         for f, v in resolution.discarded.items()], day_of(theirs)))
    return out


def _attach(change: Change, entries: list[dict[str, Any]]) -> None:
    """Put the feed entries, and the system chat messages they become, into the change's own event.

    One change stays one event: ``data.activity`` holds the entries and
    ``data.chat`` the messages posted in the session's day room (``system``
    for changes, ``conflict`` for overwritten or dropped values).
    """
    messages = []
    for entry in entries:
        chat_kind = "conflict" if entry["kind"] in ("overwritten", "discarded") else "system"
        room = f"day:{entry['day']}" if entry.get("day") else "studio"
        messages.append(chat.post(change.store, None, None, room, chat_kind, entry["summary"],
                                  entry["session_id"]))
    change.attach("activity", entries)
    change.attach("chat", messages)
