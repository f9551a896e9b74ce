"""A room's clashes: one more session than it holds at one moment, not merely more sessions in
its hour (a floor holding two: two that follow each other beside a long one are fine)."""

from __future__ import annotations

from datetime import UTC, datetime

from swan_desktop.domain.overlap import TIME_OVERLAP, describe_all, find_clashes, overfull
from swan_desktop.protocol.entities import Session, Status


def _s(sid: int, trainer: int, start: int, end: int, room: str = "Gym floor",
       status: Status = Status.SCHEDULED) -> Session:
    day = datetime(2031, 3, 3, tzinfo=UTC)
    return Session(id=sid, start=day.replace(hour=start), end=day.replace(hour=end), trainer_id=trainer,
                   location=room, status=status)


def test_a_room_of_one_clashes_with_any_overlap_as_before() -> None:
    clashes = find_clashes(_s(9, 1, 10, 11), [_s(1, 2, 10, 11)])
    assert [c.reason for c in clashes] == [TIME_OVERLAP]
    assert find_clashes(_s(9, 1, 10, 11), [_s(1, 2, 11, 12)]) == []  # half-open: 11:00 is free


def test_sessions_in_turn_beside_a_long_one_fit_a_room_of_two() -> None:
    """A 10–13 session, then 10–11 and 11–12 beside it: never more than two at one moment."""
    others = [_s(1, 2, 10, 13), _s(2, 3, 10, 11)]
    assert find_clashes(_s(9, 1, 11, 12), others, {"gym floor": 2}) == []
    clashes = find_clashes(_s(9, 1, 10, 12), others, {"gym floor": 2})  # three at 10:00–11:00
    assert {c.other.id for c in clashes} == {1, 2} and {c.reason for c in clashes} == {TIME_OVERLAP}


def test_the_rooms_key_ignores_case_and_spaces_and_a_trainers_own_clash_stays() -> None:
    others = [_s(1, 2, 10, 11, "Gym Floor"), _s(2, 1, 10, 11, "Studio A")]
    clashes = find_clashes(_s(9, 1, 10, 11, "Gym Floor"), others, {"gym floor": 2})
    assert [(c.reason, c.other.id) for c in clashes] == [("double-booking", 2)]


def test_cancelled_and_blocked_time_take_no_place() -> None:
    others = [_s(1, 2, 10, 11, status=Status.CANCELLED), _s(2, 3, 10, 11, status=Status.BLOCKED)]
    assert find_clashes(_s(9, 1, 10, 11), others) == []


def test_a_room_spelled_otherwise_is_the_same_room() -> None:
    """Sessions kept from before rooms were matched by key ("studio a ") clash with "Studio A"."""
    clashes = find_clashes(_s(9, 1, 10, 11, "Studio A"), [_s(1, 2, 10, 11, " studio a ")])
    assert [c.reason for c in clashes] == [TIME_OVERLAP]
    assert find_clashes(_s(9, 1, 10, 11, ""), [_s(1, 2, 10, 11, "")]) == []  # no room named: no room clash


def test_a_full_shared_room_is_said_once() -> None:
    """Three sessions on a floor holding three: one line for the room, not one per session."""
    others = [_s(1, 2, 10, 11), _s(2, 3, 10, 12), _s(3, 4, 9, 11)]
    clashes = find_clashes(_s(9, 1, 10, 11), others, {"gym floor": 3})
    assert describe_all(clashes, "Ana") == [
        "Gym floor is full between Mon 03 Mar 09:00–12:00 UTC: 3 sessions are booked there"]
    one = find_clashes(_s(9, 1, 10, 11), [_s(1, 1, 10, 11), _s(2, 2, 10, 11)])
    assert describe_all(one, "Ana") == ["Ana already has another session at Mon 03 Mar 10:00–11:00 UTC",
                                        "Gym floor is taken by another session at Mon 03 Mar 10:00–11:00 UTC"]


def test_the_sessions_running_when_a_room_holds_too_many() -> None:
    """A long 10–13 beside 10–11 and 11–12: never more than two at once, so none over two; over
    one, all three."""
    spans = [(s.id, s.start, s.end) for s in (_s(1, 1, 10, 13), _s(2, 2, 10, 11), _s(3, 3, 11, 12))]
    assert overfull(spans, 2) == set()
    assert overfull(spans, 1) == {1, 2, 3}
    assert overfull([*spans, (4, *_span(12, 13))], 1) == {1, 2, 3, 4}
    assert overfull([(4, *_span(13, 14)), (1, *_span(10, 13))], 1) == set()  # 13:00 is free


def _span(start: int, end: int) -> tuple[datetime, datetime]:
    session = _s(0, 0, start, end)
    return session.start, session.end
