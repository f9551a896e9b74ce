"""Answers to queued changes go to the handler registered for their request type."""

from __future__ import annotations

import pytest

from swan_desktop.core.results import ResultRouter
from swan_desktop.net.link import OutboxResult
from swan_desktop.net.outbox import OutboxEntry
from swan_desktop.protocol.errors import ErrorCode, ProtocolError


def entry(rtype: str, rid: str = "r-1") -> OutboxEntry:
    return OutboxEntry(rid, rtype, {"id": 7}, "2026-11-30T06:00:00Z", 1, "pending")


REFUSED = ProtocolError(ErrorCode.FORBIDDEN, "not yours")


def test_each_answer_reaches_only_its_request_types_handler() -> None:
    discarded: list[str] = []
    router = ResultRouter(discarded.append)
    sessions: list[OutboxResult] = []
    marks: list[OutboxResult] = []
    router.register("session.update", sessions.append)
    router.register("notification.mark", marks.append, keep_refused=False)
    applied = OutboxResult(entry("session.update"), {"session": {}}, None)
    refused = OutboxResult(entry("notification.mark", "r-2"), None, REFUSED)
    assert router.dispatch(applied) and router.dispatch(refused)
    assert sessions == [applied] and marks == [refused]
    assert discarded == ["r-2"]  # a refused mark is told in words and not kept for a retry


def test_a_refused_change_stays_for_the_user_unless_its_type_says_otherwise() -> None:
    discarded: list[str] = []
    router = ResultRouter(discarded.append)
    router.register("session.update", lambda result: None)
    assert router.dispatch(OutboxResult(entry("session.update"), None, REFUSED))
    assert discarded == []


def test_an_answer_nobody_registered_for_is_logged_and_left(caplog: pytest.LogCaptureFixture) -> None:
    router = ResultRouter(lambda rid: None)
    assert not router.dispatch(OutboxResult(entry("no.such"), {}, None))
    assert "no handler" in caplog.text


def test_a_failing_handler_does_not_stop_the_discard(caplog: pytest.LogCaptureFixture) -> None:
    discarded: list[str] = []
    router = ResultRouter(discarded.append)

    def broken(result: OutboxResult) -> None:
        raise RuntimeError("boom")
    router.register("notification.mark", broken, keep_refused=False)
    assert router.dispatch(OutboxResult(entry("notification.mark"), None, REFUSED))
    assert discarded == ["r-1"] and "failed" in caplog.text


def test_restoring_shows_each_waiting_entry_through_its_types_handler() -> None:
    router = ResultRouter(lambda rid: None)
    restored: list[str] = []
    router.register("session.update", lambda result: None, lambda e: restored.append(e.id))
    router.register("notification.mark", lambda result: None)  # nothing to restore
    router.restore([entry("session.update", "a"), entry("notification.mark", "b"), entry("other", "c")])
    assert restored == ["a"]


def test_one_handler_per_request_type() -> None:
    router = ResultRouter(lambda rid: None)
    router.register("session.update", lambda result: None)
    with pytest.raises(ValueError, match="already"):
        router.register("session.update", lambda result: None)
