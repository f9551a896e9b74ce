"""Bulk actions on a multi-selection: confirm, cancel, reassign, reschedule,
duplicate, delete. Each session is its own request (the server checks every
one); a failure is reported by session and the rest go on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ..protocol.entities import Session, Status
from ..protocol.errors import ProtocolError
from ..protocol.timefmt import format_ts
from .actions import ScheduleActions
from .outcomes import outcome_of
from .schedule import ScheduleStore

COPY_FIELDS = ("trainer_id", "client_id", "client_name", "location", "session_type_id", "notes")


@dataclass(frozen=True)
class BulkOp:
    kind: str  # confirm | cancel | reassign | reschedule | duplicate | delete
    reason: str = ""
    trainer_id: int | None = None
    offset: timedelta = timedelta(0)

    def describe(self) -> str:
        return {"confirm": "Confirm", "cancel": "Cancel", "reassign": "Reassign", "reschedule": "Reschedule",
                "duplicate": "Duplicate", "delete": "Delete"}[self.kind]


@dataclass
class BulkResult:
    op: BulkOp
    done: list[int] = field(default_factory=list)
    #: The new sessions a duplicate made, by the id they were copied from.
    created: dict[int, Session] = field(default_factory=dict)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.op.describe()}: {len(self.done)} done"
        if self.failed:
            text += f", {len(self.failed)} not: " + "; ".join(f"#{sid} {why}" for sid, why in self.failed[:3])
            if len(self.failed) > 3:
                text += f" (+{len(self.failed) - 3} more)"
        return text


def changes_for(op: BulkOp, s: Session) -> dict[str, Any] | None:
    """The update ``op`` makes to ``s``; None when it leaves ``s`` as it is."""
    if op.kind == "confirm":
        return None if s.status is Status.CONFIRMED else {"status": Status.CONFIRMED.value}
    if op.kind == "cancel":
        if s.status is Status.CANCELLED:
            return None
        return {"status": Status.CANCELLED.value, "cancel_reason": op.reason or "Cancelled in bulk"}
    if op.kind == "reassign":
        return None if op.trainer_id in (None, s.trainer_id) else {"trainer_id": op.trainer_id}
    if op.kind == "reschedule":
        if not op.offset:
            return None
        return {"start": format_ts(s.start + op.offset), "end": format_ts(s.end + op.offset)}
    raise ValueError(f"{op.kind} is not an update")


def copy_of(s: Session, offset: timedelta) -> dict[str, Any]:
    fields: dict[str, Any] = {k: getattr(s, k) for k in COPY_FIELDS}
    status = Status.BLOCKED if s.status is Status.BLOCKED else Status.SCHEDULED
    fields.update(start=format_ts(s.start + offset), end=format_ts(s.end + offset), status=status.value)
    return fields


async def run_bulk(op: BulkOp, ids: Sequence[int], store: ScheduleStore,
                   actions: ScheduleActions) -> BulkResult:
    result = BulkResult(op)
    known = sorted((s for i in ids if (s := store.get(i)) is not None), key=lambda s: s.start,
                   # Moving later: the latest first, so none lands on one that has yet to move.
                   reverse=op.kind == "reschedule" and op.offset > timedelta(0))
    order = [s.id for s in known] + [i for i in ids if store.get(i) is None]
    for sid in order:
        session = store.get(sid)
        if session is None:
            result.failed.append((sid, "no longer on the schedule"))
            continue
        try:
            if op.kind == "delete":
                await actions.delete_session(sid, session.version)
            elif op.kind == "duplicate":
                result.created[sid] = await actions.create_session(copy_of(session, op.offset))
            else:
                changes = changes_for(op, session)
                if changes:
                    await actions.update_session(sid, session.version, changes)
        except ProtocolError as exc:
            result.failed.append((sid, outcome_of(exc).message))
            continue
        result.done.append(sid)
    return result
