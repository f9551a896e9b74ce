"""The calendar's steps in ``session.create/update/delete`` (working hours, the status workflow,
credits, series exceptions) and ``session.checkin``, as hooks of the mutation pipeline.

Each runs inside the same transaction as the change it belongs to, so a
refused step leaves nothing behind and credits move together with the status.
"""

from __future__ import annotations

from datetime import datetime

from ...domain import workflow
from ...protocol import frames
from ...protocol.entities import Role, Session, Status
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import time_field
from .. import schedule
from ..handlers import Dispatcher
from ..pipeline import Change, Stage
from . import cancellations, credits, hours, series, studio
from .messages import CheckIn

CREATE, UPDATE, DELETE = frames.SESSION_CREATE, frames.SESSION_UPDATE, frames.SESSION_DELETE
CHECKIN = "session.checkin"
#: What places a session in a trainer's time (its status only when it comes back from one that
#: is not a booking: see :func:`check_hours`).
_PLACEMENT = ("start", "end", "trainer_id")


def install(dispatcher: Dispatcher) -> None:
    hook = dispatcher.pipeline.hook
    hook(CREATE, Stage.BEFORE_WRITE, check_hours, 20)
    hook(CREATE, Stage.AFTER_WRITE, priced, 10)
    hook(CREATE, Stage.AFTER_WRITE, created_done, 20)
    hook(UPDATE, Stage.VALIDATE, check_workflow, 40)
    hook(UPDATE, Stage.BEFORE_WRITE, check_hours, 20)
    hook(UPDATE, Stage.AFTER_WRITE, priced, 10)
    hook(UPDATE, Stage.AFTER_WRITE, effects, 20)
    hook(DELETE, Stage.AFTER_WRITE, mark_deleted, 20)
    dispatcher.pipeline.expander(CREATE, series.CreateSeries())
    dispatcher.pipeline.expander(UPDATE, series.ChangeSeries())
    dispatcher.pipeline.expander(DELETE, series.ChangeSeries())
    dispatcher.mutation(CHECKIN, CheckIn)
    hook(CHECKIN, Stage.PREPARE, prepare_checkin, 0)
    hook(CHECKIN, Stage.WRITE, write_checkin)


def may_override_hours(change: Change) -> bool:
    """``allow_outside_hours`` (or ``allow_overlap``, which admins use to book anyway)."""
    msg = change.msg
    return bool(getattr(msg, "allow_outside_hours", False) or getattr(msg, "allow_overlap", False))


def check_workflow(change: Change) -> None:
    before, target = change.before, change.values.get("status")
    assert before is not None
    if target is not None and not workflow.may_move(before.status, target):
        raise invalid(workflow.refusal(before.status, target), field="changes.status",
                      current=change.wire(before))


def check_hours(change: Change) -> None:
    """Working hours and time off, for a new session, a move, or one that becomes a booking again
    (cancelled or blocked before). Not for a confirmation or completion where it is: time off added,
    or hours narrowed, after it was booked left it there (the office decides what to do with it), and
    refusing its trainer to confirm or complete it kept the client's credits from being taken."""
    candidate, before = change.after, change.before
    assert candidate is not None
    if before is not None and not any(k in change.values for k in _PLACEMENT) and not (
            before.status in hours.UNCHECKED and candidate.status not in hours.UNCHECKED):
        return
    hours.check(change.store, candidate, change.actor, may_override_hours(change), studio.zone(change.store))


def effects(change: Change) -> None:
    """Credits follow the client and the status; an occurrence changed on its own becomes a series
    exception. A client corrected on a session that took their credits gets them back, and the
    new client spends them instead, before the status moves credits (of the new client)."""
    before, after = change.before, change.after
    assert before is not None and after is not None
    store, now = change.store, change.now
    if before.client_id is not None and after.client_id != before.client_id:
        credits.move_to(store, change.tx, change.actor, after, before.client_id, now)
    if after.status is Status.COMPLETED and before.status is not Status.COMPLETED:
        credits.charge(store, change.tx, change.actor, after, now)
    if after.status is Status.CANCELLED and before.status is not Status.CANCELLED:
        credits.restore(store, change.tx, change.actor, after, now, refund_window(change, after))
        cancellations.record(store, after, now, studio.cancellation_window(store))
    elif before.status is Status.CANCELLED and after.status is not Status.CANCELLED:
        cancellations.forget(store, after.id)
    if change.parent is None and before.series_id is not None:
        if after.status is Status.CANCELLED and before.status is not Status.CANCELLED:
            series.mark(store, after.id, "cancelled")
        elif (after.start, after.end, after.trainer_id) != (before.start, before.end, before.trainer_id):
            series.mark(store, after.id, "moved")


def priced(change: Change) -> None:
    """A session booked, or given another session type, costs that type's credits as they are now."""
    before, after = change.before, change.after
    assert after is not None
    if before is None or after.session_type_id != before.session_type_id:
        credits.fix_price(change.store, after)


def created_done(change: Change) -> None:
    """A session entered as completed (one that took place, recorded after, or a deleted one booked
    again by Undo) spends the client's credits as one completed later does; one entered as
    cancelled (a record of one cancelled elsewhere) is judged as of now."""
    after = change.after
    if after is not None and after.status is Status.COMPLETED:
        credits.charge(change.store, change.tx, change.actor, after, change.now)
    elif after is not None and after.status is Status.CANCELLED:
        cancellations.record(change.store, after, change.now, studio.cancellation_window(change.store))


def refund_window(change: Change, session: Session) -> datetime:
    """Until when cancelling ``session`` refunds its credits: the studio's window before the start,
    or now when an admin asks for it (``restore_credit``)."""
    if getattr(change.msg, "restore_credit", False):
        if change.actor.role is not Role.ADMIN:
            raise ProtocolError(ErrorCode.FORBIDDEN, "only an admin may restore credits of a late "
                                "cancellation", {"field": "restore_credit"})
        return change.now
    return session.start - studio.cancellation_window(change.store)


def mark_deleted(change: Change) -> None:
    """A deleted session never took place: the credits it holds go back to its clients."""
    before = change.before
    assert before is not None
    credits.given_back(change.store, change.tx, change.actor, before, change.now)
    if before.series_id is not None:
        series.mark(change.store, before.id, "deleted")


# -- session.checkin {id, attendance, at?, client_id?} -------------------------------------------
def prepare_checkin(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, CheckIn)
    session = schedule.load(change.store, msg.id)
    if session.status not in workflow.CHECKABLE:
        raise invalid(f"a {session.status.value} session cannot be checked in; "
                      "only scheduled, confirmed or completed ones", field="id")
    change.before = session


def write_checkin(change: Change) -> None:
    """Record who came and when, on the session itself (its own client). Another of a group
    session's clients is the clients feature's step, which runs first (``clients/bookings.py``)."""
    msg, session = change.msg, change.before
    assert isinstance(msg, CheckIn) and isinstance(session, Session)
    if msg.client_id is not None and msg.client_id != session.client_id:
        if change.after is None:
            raise invalid(f"client {msg.client_id} is not booked on session {session.id}", field="client_id")
        return
    at = time_field(msg.at, "at") if msg.at is not None else change.now
    before = session.to_wire()
    stored = session.with_changes(attendance=msg.attendance, checked_in_at=at, version=session.version + 1,
                                  updated_at=change.now, updated_by=change.actor.id)
    change.store.replace_session(stored)
    change.after = stored
    wire = stored.to_wire()
    changed = {k: wire[k] for k in ("attendance", "checked_in_at") if wire[k] != before[k]}
    change.emit("session:updated", {"session": wire, "changes": changed,
                                    "previous": {k: before[k] for k in changed}}, primary=True)
    change.reply = {"session": wire}
