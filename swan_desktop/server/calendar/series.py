"""Recurring series on the server: create a whole series at once, and change or delete one
occurrence, this and the following ones, or the whole series.

Each occurrence is an ordinary session carrying ``series_id``. ``series_members``
remembers each occurrence's original start and whether it became an exception
(moved, cancelled or deleted on its own); a change to the series leaves
exceptions as they are. Times follow the studio's wall clock in the series'
time zone, so a 07:00 class stays at 07:00 across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy import func, insert, select

from ...domain import overlap
from ...domain.permissions import may_override_overlap
from ...domain.recurrence import MAX_OCCURRENCES, MAX_SPAN, RecurrenceError, _localize, expand
from ...protocol.entities import Session
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.timefmt import format_ts, now_utc, parse_ts
from ...protocol.validation import check_time_order, require_dict, session_fields
from .. import schedule
from ..storage import dialect
from ..store import Account, Store, Tx
from . import hours
from .tables import calendar_series, series_members

SCOPES = ("this", "following", "series")
#: Refusals of one occurrence that are collected, so that all of them can be named at once.
_REFUSALS = ("schedule:conflict", "outside-availability")
#: Applies one occurrence's change (validation, workflow and credits included).
ApplyOne = Callable[[Store, Tx, Account, dict[str, Any], Session, bool], dict[str, Any]]


def _when(s: Session | datetime, tz: ZoneInfo) -> str:
    start = s.start if isinstance(s, Session) else s
    return f"{start.astimezone(tz):%a %d %b %Y %H:%M}"


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise invalid("recurrence.tz must be an IANA time zone name", field="recurrence.tz")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(f"unknown time zone: {name}", field="recurrence.tz") from None


def series_zone(store: Store, series_id: int) -> ZoneInfo:
    tz = store.db.execute(select(calendar_series.c.tz).where(calendar_series.c.id == series_id)).scalar()
    return ZoneInfo(tz) if tz is not None else ZoneInfo("UTC")


def _stamp(store: Store, tx: Tx, session_id: int, series_id: int) -> dict[str, Any]:
    """Put ``series_id`` on a just-created occurrence, and into its pending events."""
    stored = store.session(session_id)
    assert stored is not None
    stamped = stored.with_changes(series_id=series_id)
    store.replace_session(stamped)
    for pending in tx.events:
        wire = pending.data.get("session")
        if isinstance(wire, dict) and wire.get("id") == session_id:
            wire["series_id"] = series_id
    return stamped.to_wire()


def create(store: Store, tx: Tx, actor: Account, inner: schedule.Mutation, data: dict[str, Any],
           recurrence: object, allow_hours: bool, studio_tz: ZoneInfo) -> dict[str, Any]:
    """``session.create`` with ``recurrence``: every occurrence checked first, then all created."""
    rec = require_dict(recurrence, "recurrence")
    unknown = sorted(set(rec) - {"rrule", "tz"})
    if unknown:
        raise invalid(f"unknown recurrence field(s): {', '.join(unknown)}", fields=unknown)
    rule = rec.get("rrule")
    if not isinstance(rule, str) or not rule.strip():
        raise invalid("recurrence.rrule must be an RRULE such as FREQ=WEEKLY;BYDAY=MO,WE",
                      field="recurrence.rrule")
    zone = _zone(rec.get("tz") or studio_tz.key)
    allow = data.get("allow_overlap", False)
    if not isinstance(allow, bool):
        raise invalid("allow_overlap must be true or false", field="allow_overlap")
    fields = session_fields({k: v for k, v in data.items() if k != "allow_overlap"}, partial=False)
    check_time_order(fields["start"], fields["end"])
    try:
        occurrences = expand(rule, fields["start"].astimezone(zone), fields["end"] - fields["start"], zone)
    except RecurrenceError as exc:
        raise invalid(str(exc), field="recurrence.rrule") from None
    if not occurrences:
        raise invalid("the repeat rule gives no occurrences", field="recurrence.rrule")
    drafts = [Session(id=0, **{**fields, "start": o.start, "end": o.end}) for o in occurrences]
    _refuse_clashes(store, actor, drafts, allow, zone)
    _refuse_outside(store, actor, drafts, allow_hours, zone)
    series_id = dialect.new_id(store.db.execute(insert(calendar_series).values(
        rrule=rule.strip(), tz=zone.key, created_by=actor.id, created_at=format_ts(now_utc()))))
    created = []
    for draft in drafts:
        one = {**data, "start": format_ts(draft.start), "end": format_ts(draft.end)}
        reply = inner(store, tx, actor, one)
        sid = int(reply["session"]["id"])
        created.append(_stamp(store, tx, sid, series_id))
        store.db.execute(insert(series_members).values(series_id=series_id, session_id=sid,
                                                       original_start=format_ts(draft.start)))
    return {"session": created[0], "sessions": created,
            "series": {"id": series_id, "rrule": rule.strip(), "tz": zone.key, "count": len(created),
                       "max_occurrences": MAX_OCCURRENCES, "max_days": MAX_SPAN.days}}


def _refuse_clashes(store: Store, actor: Account, drafts: list[Session], allow: bool, zone: ZoneInfo) -> None:
    found = []
    for draft in drafts:
        clashes = overlap.find_clashes(draft, store.sessions_overlapping(draft.start, draft.end))
        if clashes:
            found.append((draft, clashes))
    if not found or (allow and may_override_overlap(actor.role)):
        return
    trainer = store.trainer(drafts[0].trainer_id)
    name = trainer.name if trainer else f"trainer {drafts[0].trainer_id}"
    worst = max((c for _, cs in found for c in cs), key=lambda c: ("low", "medium", "high", "critical")
                .index(c.severity))
    lines = [f"{_when(d, zone)}: " + "; ".join(overlap.describe(c, name, zone) for c in cs)
             for d, cs in found]
    text = f"{len(found)} of {len(drafts)} occurrences clash — " + " | ".join(lines)
    raise ProtocolError(ErrorCode.CONFLICT, text, {
        "reason": "schedule:conflict", "conflict": worst.reason, "severity": worst.severity, "message": text,
        "clashes": [c.other.to_wire() for _, cs in found for c in cs],
        "occurrences": [{"start": format_ts(d.start), "end": format_ts(d.end),
                         "clashes": [c.other.to_wire() for c in cs]} for d, cs in found]})


def _refuse_outside(store: Store, actor: Account, drafts: list[Session], allow: bool, zone: ZoneInfo) -> None:
    if allow and may_override_overlap(actor.role):
        return
    problems = [(d, p) for d in drafts
                if d.status not in hours.UNCHECKED and (p := hours.outside(store, d, zone)) is not None]
    if not problems:
        return
    text = f"{len(problems)} of {len(drafts)} occurrences are outside working hours — {problems[0][1]}"
    raise ProtocolError(ErrorCode.CONFLICT, text, {
        "reason": "outside-availability", "message": text, "trainer_id": drafts[0].trainer_id,
        "hours": hours.to_wire(hours.weekly(store, drafts[0].trainer_id)), "timezone": zone.key,
        "occurrences": [{"start": format_ts(d.start), "end": format_ts(d.end)} for d, _ in problems]})


# -- membership -------------------------------------------------------------------
def mark(store: Store, session_id: int, exception: str) -> None:
    """Make an occurrence an exception (``moved``, ``cancelled`` or ``deleted``): series changes skip it."""
    store.db.execute(sa.update(series_members).where(series_members.c.session_id == session_id)
                     .values(exception=func.coalesce(series_members.c.exception, exception)))


def _members(store: Store, target: Session, scope: str) -> list[Session]:
    """The occurrences a change with ``scope`` reaches: the target, plus the series' non-exceptions."""
    m = series_members.c
    origin = store.db.execute(select(m.original_start).where(m.session_id == target.id)).scalar()
    origin = origin if origin is not None else format_ts(target.start)
    rows = store.db.execute(select(m.session_id, m.original_start).where(
        m.series_id == target.series_id, m.exception.is_(None)).order_by(m.original_start)).mappings().all()
    ids = [r["session_id"] for r in rows
           if scope == "series" or parse_ts(r["original_start"]) >= parse_ts(origin)]
    out = [target]
    for sid in ids:
        if sid != target.id and (s := store.session(sid)) is not None:
            out.append(s)
    return sorted(out, key=lambda s: s.start)


def _shift(session: Session, wall_delta: timedelta, length: timedelta,
           zone: ZoneInfo) -> tuple[datetime, datetime]:
    wall = session.start.astimezone(zone).replace(tzinfo=None) + wall_delta
    start = _localize(wall, zone).astimezone(UTC)
    return start, start + length


def update(store: Store, tx: Tx, actor: Account, apply_one: ApplyOne, data: dict[str, Any],
           target: Session, scope: str, allow_hours: bool) -> dict[str, Any]:
    """Apply one change to the target and every occurrence in ``scope`` that is not an exception.

    A move is applied as the same change of wall-clock time to each occurrence.
    When any occurrence would clash, nothing changes and every clashing
    occurrence is named.
    """
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes:
        raise invalid("changes must be a non-empty object", field="changes")
    parsed = session_fields(changes, partial=True)
    assert target.series_id is not None
    zone = series_zone(store, target.series_id)
    moves = "start" in parsed or "end" in parsed
    new_start, new_end = parsed.get("start", target.start), parsed.get("end", target.end)
    wall_delta = (new_start.astimezone(zone).replace(tzinfo=None)
                  - target.start.astimezone(zone).replace(tzinfo=None))
    rest: dict[str, Any] = {k: v for k, v in changes.items() if k not in ("start", "end")}
    extra: dict[str, Any] = {k: data[k] for k in ("allow_overlap", "lock_token") if k in data}
    done, refused = [], []
    for member in _members(store, target, scope):
        mine = dict(rest)
        if moves:
            start, end = _shift(member, wall_delta, new_end - new_start, zone)
            mine.update(start=format_ts(start), end=format_ts(end))
        version = data.get("version") if member.id == target.id else member.version
        one: dict[str, Any] = {**extra, "id": member.id, "version": version, "changes": mine}
        if member.id != target.id:
            one.pop("lock_token", None)
        try:
            done.append(apply_one(store, tx, actor, one, member, allow_hours)["session"])
        except ProtocolError as err:
            reason = (err.data or {}).get("reason")
            if err.code is not ErrorCode.CONFLICT or reason not in _REFUSALS:
                raise
            refused.append((member, err))
    if refused:
        text = (f"{len(refused)} of {len(refused) + len(done)} occurrences cannot change — "
                + " | ".join(f"{_when(m, zone)}: {e.message}" for m, e in refused))
        first: dict[str, Any] = dict(refused[0][1].data or {})
        raise ProtocolError(ErrorCode.CONFLICT, text, {
            **first, "message": text,
            "occurrences": [{"id": m.id, "start": format_ts(m.start), "message": e.message}
                            for m, e in refused]})
    head = next((s for s in done if s["id"] == target.id), done[0])
    return {"session": head, "sessions": done, "series": {"id": target.series_id, "scope": scope,
                                                          "count": len(done)}}


def delete(store: Store, tx: Tx, actor: Account, inner: schedule.Mutation, data: dict[str, Any],
           target: Session, scope: str) -> dict[str, Any]:
    """Delete the target and the series' other non-exception occurrences in ``scope``."""
    deleted = []
    for member in _members(store, target, scope):
        one: dict[str, Any] = {"id": member.id,
                               "version": data.get("version") if member.id == target.id else member.version}
        if member.id == target.id and "lock_token" in data:
            one["lock_token"] = data["lock_token"]
        inner(store, tx, actor, one)
        mark(store, member.id, "deleted")
        deleted.append(member.id)
    return {"deleted": deleted, "series": {"id": target.series_id, "scope": scope, "count": len(deleted)}}
