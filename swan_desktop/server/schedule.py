"""Session create/update/delete: validation, existence, versions, overlap and events.

These functions run on the store's worker thread, inside one transaction that
also writes the events and the idempotency reply (see :func:`run_mutation`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import overlap
from ..domain.permissions import may_override_overlap
from ..protocol.entities import OCCUPYING, STATUS_EVENTS, Session, Status
from ..protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ..protocol.timefmt import now_utc
from ..protocol.validation import check_time_order, require_int, session_fields
from .store import Account, Store, Tx

#: Error codes that say nothing lasting about a request, so its reply is not kept.
TRANSIENT = frozenset({ErrorCode.INTERNAL, ErrorCode.RATE_LIMITED, ErrorCode.UNAUTHORIZED})
_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}

Mutation = Callable[[Store, Tx, Account, dict[str, Any]], dict[str, Any]]


def run_mutation(
    store: Store, actor: Account, request_id: str, fn: Mutation, data: dict[str, Any]
) -> dict[str, Any]:
    """Apply ``fn`` once per (user, request id); return the reply ``{"ok", "data"|"error"}``.

    A repeated id gets the stored reply and changes nothing. The change, its
    events and the stored reply commit in one transaction.
    """
    logged = store.logged_reply(actor.id, request_id)
    if logged is not None:
        return logged
    try:
        with store.transaction() as tx:
            reply: dict[str, Any] = {"ok": True, "data": fn(store, tx, actor, data)}
            store.log_reply(actor.id, request_id, reply)
        return reply
    except ProtocolError as err:
        if err.code in TRANSIENT:
            raise
        reply = {"ok": False, "error": err.to_wire()}
        with store.transaction():
            store.log_reply(actor.id, request_id, reply)
        return reply


def _take_allow_overlap(data: dict[str, Any]) -> bool:
    value = data.pop("allow_overlap", False)
    if not isinstance(value, bool):
        raise invalid("allow_overlap must be true or false", field="allow_overlap")
    return value


def _check_refs(store: Store, fields: dict[str, Any]) -> None:
    if "trainer_id" in fields and store.trainer(fields["trainer_id"]) is None:
        raise not_found(f"unknown trainer_id: {fields['trainer_id']}", field="trainer_id")
    if fields.get("client_id") is not None and store.client(fields["client_id"]) is None:
        raise not_found(f"unknown client_id: {fields['client_id']}", field="client_id")
    if fields.get("session_type_id") is not None and store.session_type(fields["session_type_id"]) is None:
        raise not_found(f"unknown session_type_id: {fields['session_type_id']}", field="session_type_id")


def _fill_client_name(store: Store, fields: dict[str, Any]) -> None:
    if fields.get("client_id") is not None and not fields.get("client_name"):
        client = store.client(fields["client_id"])
        if client is not None:
            fields["client_name"] = client.name


def _check_overlap(store: Store, candidate: Session, actor: Account, allow: bool) -> None:
    clashes = overlap.find_clashes(candidate, store.sessions_overlapping(candidate.start, candidate.end))
    if not clashes:
        return
    if allow and may_override_overlap(actor.role):
        return
    trainer = store.trainer(candidate.trainer_id)
    trainer_name = trainer.name if trainer else f"trainer {candidate.trainer_id}"
    worst = max(clashes, key=lambda c: _SEVERITY_RANK.get(c.severity, 0))
    from .calendar import studio  # here, not at the top: the calendar package builds on this module

    zone = studio.zone(store)
    text = "; ".join(overlap.describe(c, trainer_name, zone) for c in clashes)
    if allow:
        text += " (only an admin may book over a clash)"
    raise ProtocolError(
        ErrorCode.CONFLICT,
        text,
        {
            "reason": "schedule:conflict",
            "conflict": worst.reason,
            "severity": worst.severity,
            "clashes": [c.other.to_wire() for c in clashes],
            "message": text,
        },
    )


def create(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    allow = _take_allow_overlap(data)
    fields = session_fields(data, partial=False)
    check_time_order(fields["start"], fields["end"])
    _check_refs(store, fields)
    _fill_client_name(store, fields)
    draft = Session(
        id=0, version=1, updated_at=now_utc().replace(microsecond=0), updated_by=actor.id, **fields
    )
    _check_overlap(store, draft, actor, allow)
    session = store.insert_session(draft)
    tx.emit("session:created", {"session": session.to_wire()}, actor.user)
    return {"session": session.to_wire()}


def _target(store: Store, data: dict[str, Any], allowed_keys: set[str]) -> tuple[Session, int]:
    unknown = sorted(set(data) - allowed_keys)
    if unknown:
        raise invalid(f"unknown field(s): {', '.join(unknown)}", fields=unknown)
    for key in ("id", "version"):
        if key not in data:
            raise invalid(f"{key} is required", field=key)
    session_id = require_int(data["id"], "id")
    version = require_int(data["version"], "version")
    session = store.session(session_id)
    if session is None:
        raise not_found(f"no session with id {session_id}", field="id")
    if version != session.version:
        raise ProtocolError(
            ErrorCode.CONFLICT,
            f"session {session_id} is at version {session.version}, not {version}",
            {"reason": "stale_version", "current": session.to_wire()},
        )
    return session, version


_PLACEMENT = {"start", "end", "trainer_id", "location", "status"}


def _may_clash_anew(before: Session, after: Session, changed: set[str]) -> bool:
    """Whether a change can create a clash that was not there: a move, or a status
    change that takes a trainer or a room again (not, say, confirmed → completed
    of a session an admin booked over a clash)."""
    if changed & (_PLACEMENT - {"status"}):
        return True
    if "status" not in changed:
        return False
    occupied_before = before.status in OCCUPYING
    occupied_after = after.status in OCCUPYING
    holds_room = {before.status is Status.BLOCKED, after.status is Status.BLOCKED}
    return (occupied_after and not occupied_before) or (occupied_after and holds_room == {True, False})


def update(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    allow = _take_allow_overlap(data)
    if "changes" not in data:
        raise invalid("changes is required", field="changes")
    if not isinstance(data["changes"], dict):
        raise invalid("changes must be an object", field="changes")
    changes = session_fields(data["changes"], partial=True)
    if not changes:
        raise invalid("changes is empty", field="changes")
    session, _ = _target(store, data, {"id", "version", "changes"})
    _check_refs(store, changes)
    _fill_client_name(store, changes)
    merged = session.with_changes(**changes)
    check_time_order(merged.start, merged.end)
    before, after = session.to_wire(), merged.to_wire()
    changed = {k: after[k] for k in changes if before[k] != after[k]}
    if not changed:
        return {"session": before}
    if _may_clash_anew(session, merged, set(changed)):
        _check_overlap(store, merged, actor, allow)
    stored = merged.with_changes(
        version=session.version + 1, updated_at=now_utc().replace(microsecond=0), updated_by=actor.id
    )
    store.replace_session(stored)
    wire = stored.to_wire()
    previous = {k: before[k] for k in changed}
    tx.emit("session:updated", {"session": wire, "changes": changed, "previous": previous}, actor.user)
    if "status" in changed:
        kind = STATUS_EVENTS.get(Status(changed["status"]))
        if kind is not None:
            tx.emit(kind, {"session": wire}, actor.user)
    return {"session": wire}


def delete(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
    session, _ = _target(store, data, {"id", "version"})
    store.delete_session(session.id)
    tx.emit("session:deleted", {"id": session.id}, actor.user)
    return {}
