"""The core of ``session.create/update/delete``: the pipeline hooks that read, check and write.

Features add their own hooks around these (locks, strategies and the
activity feed; series, working hours, the workflow and credits). The order
numbers below leave room between the core's steps:

    prepare       0  read the session (once) and parse the request
                  5  the room text names its room as the directory spells it
    validate     30  the version the client saw is the stored one
    before_write  0  the new row: references, client name, time order
                 40  no clash for the trainer or the room (admins may book over one)
    write        50  store it, queue ``session:*`` events, set the reply
"""

from __future__ import annotations

from typing import Any

from ..domain import overlap, rooms
from ..domain.permissions import may_override_overlap
from ..protocol import frames
from ..protocol.entities import OCCUPYING, STATUS_EVENTS, Session, Status
from ..protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ..protocol.messages import SessionCreate, SessionDelete, SessionUpdate
from ..protocol.validation import check_time_order
from .handlers import Dispatcher
from .pipeline import Change, Stage
from .store import Account, Store

CREATE, UPDATE, DELETE = frames.SESSION_CREATE, frames.SESSION_UPDATE, frames.SESSION_DELETE
_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
_PLACEMENT = {"start", "end", "trainer_id", "location", "status"}


def install(dispatcher: Dispatcher) -> None:
    dispatcher.mutation(CREATE, SessionCreate)
    dispatcher.mutation(UPDATE, SessionUpdate)
    dispatcher.mutation(DELETE, SessionDelete)
    hook = dispatcher.pipeline.hook
    hook(CREATE, Stage.PREPARE, prepare_create, 0)
    hook(CREATE, Stage.PREPARE, name_the_room, 5)
    hook(CREATE, Stage.BEFORE_WRITE, complete_create, 0)
    hook(CREATE, Stage.BEFORE_WRITE, refuse_clash, 40)
    hook(CREATE, Stage.WRITE, write_create)
    hook(UPDATE, Stage.PREPARE, prepare_existing, 0)
    hook(UPDATE, Stage.PREPARE, name_the_room, 5)
    hook(UPDATE, Stage.VALIDATE, check_version, 30)
    hook(UPDATE, Stage.BEFORE_WRITE, complete_update, 0)
    hook(UPDATE, Stage.BEFORE_WRITE, refuse_clash, 40)
    hook(UPDATE, Stage.WRITE, write_update)
    hook(DELETE, Stage.PREPARE, prepare_existing, 0)
    hook(DELETE, Stage.VALIDATE, check_version, 30)
    hook(DELETE, Stage.WRITE, write_delete)


# -- prepare ---------------------------------------------------------------------------------
def prepare_create(change: Change) -> None:
    assert isinstance(change.msg, SessionCreate)
    change.values = change.msg.session_values()


def load(store: Store, session_id: int) -> Session:
    session = store.session(session_id)
    if session is None:
        raise not_found(f"no session with id {session_id}", field="id")
    return session


def prepare_existing(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, SessionUpdate | SessionDelete)
    change.before = load(change.store, msg.id)
    change.version = msg.version
    if isinstance(msg, SessionUpdate):
        change.values = msg.changes.values()
        if not change.values:
            raise invalid("changes is empty", field="changes")


def name_the_room(change: Change) -> None:
    """A session's room text is kept trimmed, and as the room's own name when it names one of the
    studio's rooms in another letter case or with spaces around it (:func:`rooms.named`), so a
    rename, a delete, the archive and the reports find it; other text (a park) stays as typed.
    At prepare, so a recurring booking or a series change names it once for every occurrence."""
    text = change.values.get("location")
    if text:
        change.values["location"] = rooms.stored(text, [loc.name for loc in change.store.locations()])


# -- validate --------------------------------------------------------------------------------
def check_version(change: Change) -> None:
    session = change.before
    assert session is not None
    if change.version != session.version:
        raise ProtocolError(
            ErrorCode.CONFLICT,
            f"session {session.id} is at version {session.version}, not {change.version}",
            {"reason": "stale_version", "current": change.wire(session)},
        )


# -- before write ----------------------------------------------------------------------------
def check_refs(store: Store, fields: dict[str, Any]) -> None:
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


def complete_create(change: Change) -> None:
    values = change.values
    check_time_order(values["start"], values["end"])
    check_refs(change.store, values)
    _fill_client_name(change.store, values)
    change.after = Session(id=0, version=1, updated_at=change.now, updated_by=change.actor.id, **values)


def complete_update(change: Change) -> None:
    before = change.before
    assert before is not None
    check_refs(change.store, change.values)
    _fill_client_name(change.store, change.values)
    merged = before.with_changes(**change.values)
    check_time_order(merged.start, merged.end)
    old, new = change.wire(before), change.wire(merged)
    if all(old[k] == new[k] for k in change.values):
        change.finish({"session": dict(old)})
        return
    change.after = merged


def may_clash_anew(before: Session, after: Session, changed: set[str]) -> bool:
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


def allow_overlap(change: Change) -> bool:
    msg = change.msg
    return bool(getattr(msg, "allow_overlap", False))


def refuse_clash(change: Change) -> None:
    after = change.after
    assert after is not None
    if change.notes.get("clashes checked"):
        return
    if change.before is not None:
        old, new = change.wire(change.before), change.wire(after)
        if not may_clash_anew(change.before, after, {k for k in change.values if old[k] != new[k]}):
            return
    check_overlap(change.store, after, change.actor, allow_overlap(change))


def check_overlap(store: Store, candidate: Session, actor: Account, allow: bool) -> None:
    clashes = overlap.find_clashes(candidate, store.sessions_overlapping(candidate.start, candidate.end),
                                   store.rooms_at_once())
    if not clashes:
        return
    if allow and may_override_overlap(actor.role):
        return
    trainer = store.trainer(candidate.trainer_id)
    trainer_name = trainer.name if trainer else f"trainer {candidate.trainer_id}"
    worst = max(clashes, key=lambda c: _SEVERITY_RANK.get(c.severity, 0))
    from .calendar import studio  # here, not at the top: the calendar package builds on this module

    zone = studio.zone(store)
    text = "; ".join(overlap.describe_all(clashes, trainer_name, zone))
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


# -- write -----------------------------------------------------------------------------------
def write_create(change: Change) -> None:
    assert change.after is not None
    session = change.store.insert_session(change.after)
    change.after = session
    wire = session.to_wire()
    change.emit("session:created", {"session": wire}, primary=True)
    change.reply = {"session": wire}


def write_update(change: Change) -> None:
    before, merged = change.before, change.after
    assert before is not None and merged is not None
    stored = merged.with_changes(version=before.version + 1, updated_at=change.now,
                                 updated_by=change.actor.id)
    change.store.replace_session(stored)
    change.after = stored
    old, wire = change.wire(before), dict(change.wire(stored))  # the event's and reply's own copy
    changed = {k: wire[k] for k in change.values if old[k] != wire[k]}
    previous = {k: old[k] for k in changed}
    change.emit("session:updated", {"session": wire, "changes": changed, "previous": previous}, primary=True)
    if "status" in changed:
        kind = STATUS_EVENTS.get(Status(changed["status"]))
        if kind is not None:
            change.emit(kind, {"session": wire})
    change.reply = {"session": wire}


def write_delete(change: Change) -> None:
    before = change.before
    assert before is not None
    change.store.delete_session(before.id)
    change.emit("session:deleted", {"id": before.id}, primary=True)
    change.reply = {}
