"""Recurring series on the server: create a whole series at once, and change or delete one
occurrence, this and the following ones, or the whole series.

Each occurrence is an ordinary session carrying ``series_id``. ``series_members``
remembers each occurrence's original start and whether it became an exception
(moved, cancelled or deleted on its own); a change to the series leaves
exceptions as they are. Times follow the studio's wall clock in the series'
time zone, so a 07:00 class stays at 07:00 across daylight-saving changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy import func, insert, select

from ...domain import overlap
from ...domain.permissions import may_override_overlap
from ...domain.recurrence import MAX_OCCURRENCES, MAX_SPAN, RecurrenceError, _localize, expand
from ...protocol.entities import Session, Status
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import SessionCreate, SessionDelete, SessionUpdate
from ...protocol.timefmt import format_ts, now_utc, parse_ts
from ...protocol.validation import check_time_order
from ..pipeline import Change
from ..storage import dialect
from ..store import Account, Store
from . import hours
from .tables import calendar_series, series_members

SCOPES = ("this", "following", "series")
#: Refusals of one occurrence that are collected, so that all of them can be named at once.
_REFUSALS = ("schedule:conflict", "outside-availability")


def _when(s: Session | datetime, tz: ZoneInfo) -> str:
    start = s.start if isinstance(s, Session) else s
    return f"{start.astimezone(tz):%a %d %b %Y %H:%M}"


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise invalid("recurrence.tz must be an IANA time zone name", field="recurrence.tz")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise invalid(f"unknown time zone: {name}", field="recurrence.tz") from None


def series_zone(store: Store, series_id: int) -> ZoneInfo:
    tz = store.db.execute(select(calendar_series.c.tz).where(calendar_series.c.id == series_id)).scalar()
    return ZoneInfo(tz) if tz is not None else ZoneInfo("UTC")


class CreateSeries:
    """``session.create`` with ``recurrence``: every occurrence checked first, then each created
    through the pipeline like a single session (versions, activity, events)."""

    def expand(self, change: Change) -> list[Change] | None:
        msg = change.msg
        assert isinstance(msg, SessionCreate)
        rec = msg.recurrence
        if rec is None:
            return None
        rule = rec.rrule.strip()
        if not rule:
            raise invalid("recurrence.rrule must be an RRULE such as FREQ=WEEKLY;BYDAY=MO,WE",
                          field="recurrence.rrule")
        from . import studio  # the studio module reads settings that build on this package

        zone = _zone(rec.tz or studio.zone(change.store).key)
        fields = change.values
        check_time_order(fields["start"], fields["end"])
        try:
            length = fields["end"] - fields["start"]
            occurrences = expand(rule, fields["start"].astimezone(zone), length, zone)
        except RecurrenceError as exc:
            raise invalid(str(exc), field="recurrence.rrule") from None
        if not occurrences:
            raise invalid("the repeat rule gives no occurrences", field="recurrence.rrule")
        drafts = [Session(id=0, **{**fields, "start": o.start, "end": o.end}) for o in occurrences]
        store, actor = change.store, change.actor
        _refuse_clashes(store, actor, drafts, msg.allow_overlap, zone)
        _refuse_outside(store, actor, drafts, msg.allow_outside_hours or msg.allow_overlap, zone)
        series_id = dialect.new_id(store.db.execute(insert(calendar_series).values(
            rrule=rule, tz=zone.key, created_by=actor.id, created_at=format_ts(now_utc()))))
        change.notes["series"] = {"id": series_id, "rrule": rule, "tz": zone.key}
        parts = []
        for draft in drafts:
            part = change.child(msg)
            part.values = {**fields, "start": draft.start, "end": draft.end, "series_id": series_id}
            parts.append(part)
        return parts

    def combine(self, change: Change, done: list[Change],
                refused: list[tuple[Change, ProtocolError]]) -> None:
        if refused:
            raise refused[0][1]
        info = change.notes["series"]
        created = []
        for part in done:
            assert part.after is not None
            change.store.db.execute(insert(series_members).values(
                series_id=info["id"], session_id=part.after.id, original_start=format_ts(part.after.start)))
            created.append(part.after.to_wire())
        change.reply = {"session": created[0], "sessions": created,
                        "series": {**info, "count": len(created), "max_occurrences": MAX_OCCURRENCES,
                                   "max_days": MAX_SPAN.days}}


def _refuse_clashes(store: Store, actor: Account, drafts: list[Session], allow: bool, zone: ZoneInfo) -> None:
    found = []
    at_once = store.rooms_at_once()
    for draft in drafts:
        clashes = overlap.find_clashes(draft, store.sessions_overlapping(draft.start, draft.end), at_once)
        if clashes:
            found.append((draft, clashes))
    if not found or (allow and may_override_overlap(actor.role)):
        return
    trainer = store.trainer(drafts[0].trainer_id)
    name = trainer.name if trainer else f"trainer {drafts[0].trainer_id}"
    worst = max((c for _, cs in found for c in cs), key=lambda c: ("low", "medium", "high", "critical")
                .index(c.severity))
    lines = [f"{_when(d, zone)}: " + "; ".join(overlap.describe_all(cs, name, zone))
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
    """The occurrences a change with ``scope`` reaches: the target, plus the series' non-exceptions
    that are not completed. A completed occurrence took place and took its credits: cancelling,
    moving or deleting "the whole series" (a client who stops coming) must not rewrite it, as it
    did (completed sessions turned into late cancellations, still charged; a deletion would give
    their credits back). Named on its own (the target) it still changes."""
    m = series_members.c
    origin = store.db.execute(select(m.original_start).where(m.session_id == target.id)).scalar()
    origin = origin if origin is not None else format_ts(target.start)
    rows = store.db.execute(select(m.session_id, m.original_start).where(
        m.series_id == target.series_id, m.exception.is_(None)).order_by(m.original_start)).mappings().all()
    ids = [r["session_id"] for r in rows
           if scope == "series" or parse_ts(r["original_start"]) >= parse_ts(origin)]
    out = [target]
    for sid in ids:
        if sid != target.id and (s := store.session(sid)) is not None and s.status is not Status.COMPLETED:
            out.append(s)
    return sorted(out, key=lambda s: s.start)


def _shift(session: Session, wall_delta: timedelta, length: timedelta,
           zone: ZoneInfo) -> tuple[datetime, datetime]:
    wall = session.start.astimezone(zone).replace(tzinfo=None) + wall_delta
    start = _localize(wall, zone).astimezone(UTC)
    return start, start + length


class ChangeSeries:
    """``session.update`` and ``session.delete`` with ``scope`` ``following`` or ``series``:
    the target and every occurrence in scope that is not an exception, each through the pipeline.

    A move is applied as the same change of wall-clock time to each occurrence.
    When any occurrence would clash, nothing changes and every clashing
    occurrence is named.
    """

    def expand(self, change: Change) -> list[Change] | None:
        msg, target = change.msg, change.before
        assert isinstance(msg, SessionUpdate | SessionDelete) and target is not None
        if msg.scope == "this" or target.series_id is None:
            return None
        parts = []
        if isinstance(msg, SessionDelete):
            for member in _members(change.store, target, msg.scope):
                part = change.child(msg, before=member)
                part.version = change.version if member.id == target.id else member.version
                parts.append(part)
            return parts
        parsed = change.values
        zone = series_zone(change.store, target.series_id)
        moves = "start" in parsed or "end" in parsed
        new_start, new_end = parsed.get("start", target.start), parsed.get("end", target.end)
        wall_delta = (new_start.astimezone(zone).replace(tzinfo=None)
                      - target.start.astimezone(zone).replace(tzinfo=None))
        rest = {k: v for k, v in parsed.items() if k not in ("start", "end")}
        for member in _members(change.store, target, msg.scope):
            mine = dict(rest)
            if moves:
                mine["start"], mine["end"] = _shift(member, wall_delta, new_end - new_start, zone)
            part = change.child(msg, before=member)
            part.values = mine
            part.version = change.version if member.id == target.id else member.version
            parts.append(part)
        change.notes["zone"] = zone
        return parts

    def combine(self, change: Change, done: list[Change],
                refused: list[tuple[Change, ProtocolError]]) -> None:
        msg, target = change.msg, change.before
        assert isinstance(msg, SessionUpdate | SessionDelete) and target is not None
        for _, err in refused:
            if (err.data or {}).get("reason") not in _REFUSALS:
                raise err
        scope = {"id": target.series_id, "scope": msg.scope}
        if isinstance(msg, SessionDelete):
            if refused:
                raise refused[0][1]
            deleted = [p.before.id for p in done if p.before is not None]
            change.reply = {"deleted": deleted, "series": {**scope, "count": len(deleted)}}
            return
        zone = change.notes["zone"]
        if refused:
            members = [p.before for p, _ in refused if p.before is not None]
            text = (f"{len(refused)} of {len(refused) + len(done)} occurrences cannot change — "
                    + " | ".join(f"{_when(m, zone)}: {e.message}" for m, (_, e) in zip(members, refused,
                                                                                       strict=True)))
            first: dict[str, Any] = dict(refused[0][1].data or {})
            raise ProtocolError(ErrorCode.CONFLICT, text, {
                **first, "message": text,
                "occurrences": [{"id": m.id, "start": format_ts(m.start), "message": e.message}
                                for m, (_, e) in zip(members, refused, strict=True)]})
        sessions = [p.reply["session"] for p in done]
        head = next((s for s in sessions if s["id"] == target.id), sessions[0])
        change.reply = {"session": head, "sessions": sessions, "series": {**scope, "count": len(sessions)}}
