"""``session.*`` with locks, version history, conflict strategies and the activity feed.

These wrap :mod:`swan_desktop.server.schedule` (which validates and writes) and
run inside the same transaction on the store's worker thread:

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

from sqlalchemy import select

from ...domain import merge
from ...protocol.errors import ErrorCode, ProtocolError, not_found
from ...protocol.timefmt import format_ts, now_utc
from ...protocol.validation import require_int, session_fields
from .. import schedule
from ..storage import dialect
from ..store import Account, Store, Tx
from . import activity, chat, locks, settings
from .tables import session_versions
from .wording import day_of, describe_created, describe_deleted, describe_update

Clock = Callable[[], float]


def _take_token(data: dict[str, Any]) -> int | None:
    token = data.pop("lock_token", None)
    return None if token is None else require_int(token, "lock_token")


def save_version(store: Store, wire: dict[str, Any], user_id: int | None) -> None:
    fields = {f: wire.get(f) for f in merge.MERGE_FIELDS}
    store.db.execute(dialect.insert_ignore(session_versions), {
        "session_id": wire["id"], "version": wire["version"], "fields": json.dumps(fields),
        "user_id": user_id, "ts": format_ts(now_utc())})


def version_fields(store: Store, session_id: int, version: int) -> dict[str, Any] | None:
    fields = store.db.execute(select(session_versions.c.fields).where(
        session_versions.c.session_id == session_id, session_versions.c.version == version)).scalar()
    return dict(json.loads(fields)) if fields is not None else None


def _changes(before: dict[str, Any], after: dict[str, Any], fields: Any) -> list[dict[str, Any]]:
    return [{"field": f, "old": before.get(f), "new": after.get(f)} for f in fields]


def create(clock: Clock) -> schedule.Mutation:
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        reply = schedule.create(store, tx, actor, data)
        wire = reply["session"]
        save_version(store, wire, actor.id)
        entry = activity.record(store, tx, actor, "created", wire["id"], wire["trainer_id"],
                        describe_created(actor.name, wire),
                        _changes({}, wire, [f for f in merge.MERGE_FIELDS if wire.get(f) is not None]),
                        day_of(wire))
        _attach(store, tx, "session:created", [entry])
        return reply
    return run


def delete(clock: Clock) -> schedule.Mutation:
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        token = _take_token(data)
        session_id = require_int(data.get("id"), "id")
        before = store.session(session_id)
        if before is None:
            raise not_found(f"no session with id {session_id}", field="id")
        locks.check_write(store, actor, session_id, token, clock())
        reply = schedule.delete(store, tx, actor, data)
        wire = before.to_wire()
        locks.release(store, tx, actor, session_id, None, "deleted", clock())
        entry = activity.record(store, tx, actor, "deleted", session_id, before.trainer_id,
                                describe_deleted(actor.name, wire), [], day_of(wire))
        _attach(store, tx, "session:deleted", [entry])
        return reply
    return run


def update(clock: Clock) -> schedule.Mutation:
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        token = _take_token(data)
        session_id = require_int(data.get("id"), "id")
        version = require_int(data.get("version"), "version")
        session = store.session(session_id)
        if session is None:
            raise not_found(f"no session with id {session_id}", field="id")
        locks.check_write(store, actor, session_id, token, clock())
        theirs = session.to_wire()
        save_version(store, theirs, session.updated_by)  # sessions from before history was kept
        resolution = merge.Resolution()
        strategy = merge.DEFAULT_STRATEGY
        if version != session.version and isinstance(data.get("changes"), dict):
            base = version_fields(store, session_id, version)
            if base is not None:
                strategy = settings.conflict_strategy(store)
                parsed = session_fields(data["changes"], partial=True)
                mine_wire = session.with_changes(**parsed).to_wire()
                mine = {f: mine_wire[f] for f in parsed}
                resolution = merge.resolve(strategy, base, theirs, mine)
                if resolution.refused:
                    _refuse(strategy, resolution, session_id, base, theirs, mine)
                if not resolution.apply:
                    _record_lost(store, tx, actor, theirs, resolution)  # in the feed; no event
                    return {"session": theirs, "discarded": resolution.discarded, "strategy": strategy}
                data = {**data, "version": session.version, "changes": resolution.apply}
        reply = schedule.update(store, tx, actor, data)
        after = reply["session"]
        if after["version"] == theirs["version"]:
            return reply  # nothing changed
        save_version(store, after, actor.id)
        changed = [f for f in merge.MERGE_FIELDS if theirs.get(f) != after.get(f)]
        entry = activity.record(store, tx, actor, "updated", session_id, after["trainer_id"],
                        describe_update(actor.name, theirs, after, changed), _changes(theirs, after, changed),
                        day_of(after))
        lost = _record_lost(store, tx, actor, theirs, resolution)
        _attach(store, tx, "session:updated", [entry, *lost])
        if resolution.overwritten or resolution.discarded:
            reply = {**reply, "strategy": strategy, "overwritten": resolution.overwritten,
                     "discarded": resolution.discarded}
        return reply
    return run


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


def _record_lost(store: Store, tx: Tx, actor: Account, theirs: dict[str, Any],
                 resolution: merge.Resolution) -> list[dict[str, Any]]:
    """Every value a strategy replaced or dropped goes to the activity feed."""
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


def _attach(store: Store, tx: Tx, kind: str, entries: list[dict[str, Any]]) -> None:
    """Put the feed entries, and the system chat messages they become, into the change's own event.

    One change stays one event: ``data.activity`` holds the entries and
    ``data.chat`` the messages posted in the session's day room (``system``
    for changes, ``conflict`` for overwritten or dropped values).
    """
    messages = []
    for entry in entries:
        chat_kind = "conflict" if entry["kind"] in ("overwritten", "discarded") else "system"
        room = f"day:{entry['day']}" if entry.get("day") else "studio"
        messages.append(chat.post(store, None, None, room, chat_kind, entry["summary"], entry["session_id"]))
    for pending in reversed(tx.events):
        if pending.kind == kind:
            pending.data["activity"] = entries
            pending.data["chat"] = messages
            return

