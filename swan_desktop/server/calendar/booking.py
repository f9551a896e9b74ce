"""``session.create/update/delete`` around the collaboration's own steps: recurrence and scopes,
working hours, the status workflow, credits and series exceptions; and ``session.checkin``.

Each wrapper runs inside the same transaction as the change it wraps, so a
refused step leaves nothing behind and credits move together with the status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...domain import workflow
from ...protocol.entities import Session, Status
from ...protocol.errors import invalid, not_found
from ...protocol.timefmt import now_utc, parse_ts
from ...protocol.validation import check_time_order, require_int, session_fields
from .. import schedule
from ..collab import locks
from ..collab.sessions import save_version
from ..store import Account, Store, Tx
from . import credits, hours, series, studio

Clock = Callable[[], float]
_PLACEMENT = ("start", "end", "trainer_id", "status")


def _take_bool(data: dict[str, Any], key: str) -> bool:
    value = data.pop(key, False)
    if not isinstance(value, bool):
        raise invalid(f"{key} must be true or false", field=key)
    return value


def _take_scope(data: dict[str, Any]) -> str:
    scope = data.pop("scope", "this")
    if scope not in series.SCOPES:
        raise invalid(f"scope must be one of {', '.join(series.SCOPES)}", field="scope")
    return str(scope)


def _override(data: dict[str, Any]) -> bool:
    """``allow_outside_hours`` (taken out of ``data``) or ``allow_overlap`` (left for the core)."""
    return _take_bool(data, "allow_outside_hours") or data.get("allow_overlap") is True


def create(inner: schedule.Mutation) -> schedule.Mutation:
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        recurrence = data.pop("recurrence", None)
        allow_hours = _override(data)
        tz = studio.zone(store)
        if recurrence is not None:
            return series.create(store, tx, actor, inner, data, recurrence, allow_hours, tz)
        fields = session_fields({k: v for k, v in data.items() if k != "allow_overlap"}, partial=False)
        check_time_order(fields["start"], fields["end"])
        hours.check(store, Session(id=0, **fields), actor, allow_hours, tz)
        return inner(store, tx, actor, data)
    return run


def update(inner: schedule.Mutation) -> schedule.Mutation:
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        scope = _take_scope(data)
        allow_hours = _override(data)
        before = _existing(store, data)
        if scope != "this" and before.series_id is not None:
            def one(store: Store, tx: Tx, actor: Account, d: dict[str, Any], s: Session,
                    allow: bool) -> dict[str, Any]:
                return apply_update(store, tx, actor, inner, d, s, allow, exception=False)
            return series.update(store, tx, actor, one, data, before, scope, allow_hours)
        return apply_update(store, tx, actor, inner, data, before, allow_hours, exception=True)
    return run


def delete(inner: schedule.Mutation) -> schedule.Mutation:
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        data = dict(data)
        scope = _take_scope(data)
        before = _existing(store, data)
        if scope != "this" and before.series_id is not None:
            return series.delete(store, tx, actor, inner, data, before, scope)
        reply = inner(store, tx, actor, data)
        if before.series_id is not None:
            series.mark(store, before.id, "deleted")
        return reply
    return run


def _existing(store: Store, data: dict[str, Any]) -> Session:
    session_id = require_int(data.get("id"), "id")
    session = store.session(session_id)
    if session is None:
        raise not_found(f"no session with id {session_id}", field="id")
    return session


def apply_update(store: Store, tx: Tx, actor: Account, inner: schedule.Mutation, data: dict[str, Any],
                 before: Session, allow_hours: bool, *, exception: bool) -> dict[str, Any]:
    """One session's change: workflow and hours checked, then the core change, then its effects."""
    changes = data.get("changes")
    if isinstance(changes, dict) and changes:
        parsed = session_fields(changes, partial=True)
        target = parsed.get("status")
        if target is not None and not workflow.may_move(before.status, target):
            raise invalid(workflow.refusal(before.status, target), field="changes.status",
                          current=before.to_wire())
        if any(k in parsed for k in _PLACEMENT):
            candidate = before.with_changes(**parsed)
            if candidate.end > candidate.start:
                hours.check(store, candidate, actor, allow_hours, studio.zone(store))
    reply = inner(store, tx, actor, data)
    after = store.session(before.id)
    if after is not None and after.version != before.version:
        _effects(store, tx, actor, before, after, exception)
    return reply


def _effects(store: Store, tx: Tx, actor: Account, before: Session, after: Session, exception: bool) -> None:
    now = now_utc()
    if after.status is Status.COMPLETED and before.status is not Status.COMPLETED:
        credits.charge(store, tx, actor, after, now)
    if after.status is Status.CANCELLED and before.status is not Status.CANCELLED:
        credits.restore(store, tx, actor, after, now, after.start - studio.cancellation_window(store))
    if exception and before.series_id is not None:
        if after.status is Status.CANCELLED and before.status is not Status.CANCELLED:
            series.mark(store, after.id, "cancelled")
        elif (after.start, after.end, after.trainer_id) != (before.start, before.end, before.trainer_id):
            series.mark(store, after.id, "moved")


def checkin(clock: Clock) -> schedule.Mutation:
    """``session.checkin {id, attendance, at?}``: record who came and when, on the session itself."""
    def run(store: Store, tx: Tx, actor: Account, data: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(data) - {"id", "attendance", "at", "lock_token"})
        if unknown:
            raise invalid(f"unknown field(s): {', '.join(unknown)}", fields=unknown)
        session = _existing(store, data)
        attendance = data.get("attendance")
        if attendance not in workflow.ATTENDANCE:
            raise invalid(f"attendance must be one of {', '.join(workflow.ATTENDANCE)}", field="attendance")
        if session.status not in workflow.CHECKABLE:
            raise invalid(f"a {session.status.value} session cannot be checked in; "
                          "only scheduled, confirmed or completed ones", field="id")
        at = parse_ts(data["at"], "at") if data.get("at") is not None else now_utc().replace(microsecond=0)
        token = data.get("lock_token")
        fence = None if token is None else require_int(token, "lock_token")
        locks.check_write(store, actor, session.id, fence, clock())
        before = session.to_wire()
        stored = session.with_changes(attendance=attendance, checked_in_at=at, version=session.version + 1,
                                      updated_at=now_utc().replace(microsecond=0), updated_by=actor.id)
        store.replace_session(stored)
        wire = stored.to_wire()
        save_version(store, wire, actor.id)
        changed = {k: wire[k] for k in ("attendance", "checked_in_at") if wire[k] != before[k]}
        tx.emit("session:updated", {"session": wire, "changes": changed,
                                    "previous": {k: before[k] for k in changed}}, actor.user)
        return {"session": wire}
    return run
