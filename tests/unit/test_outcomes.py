"""Every refusal shape the server sends maps to its typed outcome.

The payloads are error replies recorded from a real swan-server on loopback
(tests/integration/test_refusal_outcomes.py provokes each one live); the ones
a test cannot provoke on demand (``internal``, a lapsed lock nobody holds)
follow docs/protocol.md.
"""

from __future__ import annotations

from typing import Any

import pytest

from swan_desktop.core.outcomes import (
    FAILURES,
    Clash,
    Forbidden,
    Internal,
    Invalid,
    Locked,
    Merge,
    NotFound,
    Offline,
    OutsideHours,
    Queued,
    RateLimited,
    StaleVersion,
    Unauthorized,
    outcome_of,
)
from swan_desktop.net.connection import ConnectionLost, RequestTimeout
from swan_desktop.net.link import Queued as QueuedEntry
from swan_desktop.net.outbox import OutboxEntry, OutboxError
from swan_desktop.protocol.errors import ProtocolError

SESSION_431 = {"id": 431, "start": "2031-03-03T10:00:00Z", "end": "2031-03-03T11:00:00Z", "trainer_id": 1,
               "client_id": 1, "client_name": "Liam Nguyen", "location": "Studio A", "session_type_id": 1,
               "status": "scheduled", "notes": "theirs", "version": 2, "updated_at": "2026-11-30T06:19:27Z",
               "updated_by": 4, "cancel_reason": "", "series_id": None, "attendance": None,
               "checked_in_at": None}
BASE_431 = {"start": "2031-03-03T10:00:00Z", "end": "2031-03-03T11:00:00Z", "trainer_id": 1, "client_id": 1,
            "client_name": "Liam Nguyen", "location": "Studio A", "session_type_id": 1, "status": "scheduled",
            "notes": "", "cancel_reason": ""}
LOCK_BY_BOSS = {"session_id": 432, "holder": {"id": 4, "name": "Boss"}, "token": 3,
                "expires_at": "2026-11-30T06:20:27Z"}

INVALID_FIELD = {"code": "invalid", "message": "end must be after start", "data": {"field": "end"}}
INVALID_FIELDS = {"code": "invalid", "message": "unknown session field(s): colour, mood",
                  "data": {"fields": ["colour", "mood"]}}
NOT_FOUND = {"code": "not_found", "message": "no session with id 987654", "data": {"field": "id"}}
NOT_FOUND_TRAINER = {"code": "not_found", "message": "unknown trainer_id: 999",
                     "data": {"field": "trainer_id"}}
FORBIDDEN = {"code": "forbidden", "message": "role 'viewer' may not send 'session.create'"}
UNAUTHORIZED = {"code": "unauthorized", "message": "invalid username or password"}
STALE = {"code": "conflict", "message": "session 431 is at version 2, not 1",
         "data": {"reason": "stale_version", "current": SESSION_431}}
MERGE_CLASH = {"code": "conflict", "message": "someone else changed the same field(s) of session 431: notes",
               "data": {"reason": "stale_version", "merge": "clash", "strategy": "auto-merge",
                        "fields": ["notes"], "base": BASE_431, "current": SESSION_431,
                        "mine": {"notes": "mine"}}}
REVIEW = {"code": "conflict",
          "message": "session 431 changed since you opened it; choose what to keep (location, notes)",
          "data": {"reason": "stale_version", "merge": "review", "strategy": "manual-review",
                   "fields": ["location", "notes"], "base": BASE_431, "current": SESSION_431,
                   "mine": {"notes": "mine"}}}
CLASH = {"code": "conflict", "message": "Ana Ribeiro already has Liam Nguyen at Mon 03 Mar 10:00–11:00",
         "data": {"reason": "schedule:conflict", "conflict": "double-booking", "severity": "high",
                  "clashes": [SESSION_431],
                  "message": "Ana Ribeiro already has Liam Nguyen at Mon 03 Mar 10:00–11:00"}}
SERIES_CLASH = {"code": "conflict", "message": "1 of 2 occurrences clash — Mon 10 Mar 2031 10:00: …",
                "data": {"reason": "schedule:conflict", "conflict": "double-booking", "severity": "high",
                         "message": "1 of 2 occurrences clash — Mon 10 Mar 2031 10:00: …",
                         "clashes": [SESSION_431],
                         "occurrences": [{"start": "2031-03-10T10:00:00Z", "end": "2031-03-10T11:00:00Z",
                                          "clashes": [SESSION_431]}]}}
OUTSIDE: dict[str, Any] = {
    "code": "conflict",
    "message": "Marcus Lee does not work then (Wed 05 Mar 15:00–16:00); working hours: not on Wednesdays",
    "data": {"reason": "outside-availability", "message": "Marcus Lee does not work then (Wed 05 Mar "
             "15:00–16:00); working hours: not on Wednesdays", "trainer_id": 2,
             "hours": [{"weekday": 0, "start": "09:00", "end": "10:00"}], "timezone": "Etc/UTC"}}
HELD = {"code": "locked", "message": "Ana is editing this session",
        "data": {"reason": "held", "lock": {"session_id": 431, "holder": {"id": 2, "name": "Ana"}, "token": 1,
                                            "expires_at": "2026-11-30T06:20:27Z"}}}
FENCED = {"code": "locked",
          "message": "your lock on this session lapsed and Boss took it; your change was not saved",
          "data": {"reason": "fenced", "lock": LOCK_BY_BOSS}}
LOST = {"code": "locked", "message": "your lock lapsed; Boss is editing now",
        "data": {"reason": "lost", "lock": LOCK_BY_BOSS}}
LOST_NOBODY = {"code": "locked", "message": "your lock lapsed; take it again before saving",
               "data": {"reason": "lost", "lock": None}}
RATE = {"code": "rate_limited", "message": "too many requests; retry in 0.997 s",
        "data": {"retry_after_s": 0.997}}
INTERNAL = {"code": "internal", "message": "internal server error"}


def outcome(wire: dict[str, Any], **kw: Any) -> Any:
    return outcome_of(ProtocolError.from_wire(wire), **kw)


def test_invalid_names_the_field_or_the_unknown_fields() -> None:
    assert outcome(INVALID_FIELD) == Invalid("end must be after start", "end")
    assert outcome(INVALID_FIELDS) == Invalid("unknown session field(s): colour, mood", None,
                                              ("colour", "mood"))


def test_not_found_says_what_is_missing() -> None:
    assert outcome(NOT_FOUND) == NotFound("no session with id 987654", "id")
    assert outcome(NOT_FOUND_TRAINER).field == "trainer_id"


def test_forbidden_and_unauthorized_keep_the_servers_words() -> None:
    assert outcome(FORBIDDEN) == Forbidden("role 'viewer' may not send 'session.create'")
    assert outcome(UNAUTHORIZED) == Unauthorized("invalid username or password")


def test_a_stale_version_carries_the_current_session() -> None:
    stale = outcome(STALE)
    assert isinstance(stale, StaleVersion) and stale.merge is None
    assert stale.current.id == 431 and stale.current.version == 2 and stale.current.notes == "theirs"
    assert stale.current.to_wire()["updated_at"] == SESSION_431["updated_at"]


@pytest.mark.parametrize(("wire", "how", "strategy", "fields"), [
    (MERGE_CLASH, "clash", "auto-merge", ("notes",)),
    (REVIEW, "review", "manual-review", ("location", "notes")),
])
def test_a_refused_merge_carries_base_current_and_mine(wire: dict[str, Any], how: str, strategy: str,
                                                        fields: tuple[str, ...]) -> None:
    stale = outcome(wire)
    assert isinstance(stale, StaleVersion) and stale.current.version == 2
    assert stale.merge == Merge(how, strategy, fields, BASE_431, {"notes": "mine"})  # type: ignore[arg-type]


@pytest.mark.parametrize("wire", [CLASH, SERIES_CLASH])
def test_a_clash_names_the_sessions_in_the_way(wire: dict[str, Any]) -> None:
    clash = outcome(wire)
    assert isinstance(clash, Clash)
    assert clash.kind == "double-booking" and clash.severity == "high"
    assert [s.id for s in clash.clashes] == [431] and clash.message == wire["data"]["message"]
    assert not clash.may_override
    assert outcome(wire, may_override=True).may_override


def test_outside_hours_names_the_hours_and_the_zone() -> None:
    outside = outcome(OUTSIDE, may_override=True)
    assert outside == OutsideHours(OUTSIDE["data"]["message"], 2, "Etc/UTC", ((0, "09:00", "10:00"),), True)


@pytest.mark.parametrize(("wire", "why", "holder"), [
    (HELD, "held", "Ana"), (FENCED, "fenced", "Boss"), (LOST, "lost", "Boss"), (LOST_NOBODY, "lost", None)])
def test_a_lock_in_the_way_names_why_and_who(wire: dict[str, Any], why: str, holder: str | None) -> None:
    locked = outcome(wire)
    assert isinstance(locked, Locked) and locked.why == why and locked.holder == holder
    assert locked.message == wire["message"]


def test_rate_limited_carries_the_wait() -> None:
    assert outcome(RATE) == RateLimited("too many requests; retry in 0.997 s", 0.997)


@pytest.mark.parametrize("wire", [
    INTERNAL,
    {"code": "conflict", "message": "some refusal this desktop does not know", "data": {"reason": "new"}},
    {"code": "conflict", "message": "stale, but no current", "data": {"reason": "stale_version"}},
    {"code": "no_such_code", "message": "from a newer server"},
])
def test_internal_errors_and_unknown_shapes_are_internal(wire: dict[str, Any]) -> None:
    assert outcome(wire) == Internal(wire["message"])


def test_no_answer_is_queued_or_offline_and_a_full_disk_is_internal() -> None:
    entry = OutboxEntry("r-1", "session.update", {}, "2026-11-30T06:00:00Z", 1, "pending")
    assert outcome_of(QueuedEntry(entry)) == Queued(outcome_of(QueuedEntry(entry)).message, "r-1")
    assert isinstance(outcome_of(ConnectionLost("gone")), Offline)
    assert isinstance(outcome_of(RequestTimeout("slow")), Offline)
    full = outcome_of(OutboxError("disk full", "full"))
    assert isinstance(full, Internal) and "disk full" in full.message
    assert all(issubclass(t, Exception) for t in FAILURES)
