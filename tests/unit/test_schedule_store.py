"""The client schedule store: range queries, filters, versions and event order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.core.directory import Directory
from swan_desktop.core.events import EventRouter
from swan_desktop.core.schedule import ScheduleFilter, ScheduleStore
from swan_desktop.protocol.entities import Session, Status, Trainer
from swan_desktop.protocol.frames import Event

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def make(sid: int, hours: float, trainer: int = 1, **kw: object) -> Session:
    start = T0 + timedelta(hours=hours)
    return Session(id=sid, start=start, end=start + timedelta(hours=1), trainer_id=trainer, **kw)  # type: ignore[arg-type]


def event(seq: int, kind: str, data: dict, epoch: str = "e1") -> Event:
    return Event(epoch=epoch, seq=seq, kind=kind, ts="", actor=None, data=data)


def test_between_returns_overlapping_sessions_in_start_order() -> None:
    store = ScheduleStore()
    store.load([make(3, 5), make(1, 0), make(2, 2), make(4, 30)])
    got = store.between(T0 + timedelta(minutes=30), T0 + timedelta(hours=6))
    assert [s.id for s in got] == [1, 2, 3]


def test_session_ending_at_range_start_is_not_in_range() -> None:
    store = ScheduleStore()
    store.load([make(1, 0)])
    assert store.between(T0 + timedelta(hours=1), T0 + timedelta(hours=2)) == []


def test_moving_a_session_reindexes_it() -> None:
    store = ScheduleStore()
    store.load([make(1, 0), make(2, 1)])
    moved = make(1, 48).with_changes(version=2)
    store.upsert(moved)
    assert [s.id for s in store.between(T0, T0 + timedelta(hours=3))] == [2]
    assert [s.id for s in store.between(T0 + timedelta(hours=47), T0 + timedelta(hours=50))] == [1]


def test_older_version_never_replaces_newer() -> None:
    store = ScheduleStore()
    store.upsert(make(1, 0, notes="new", version=3))
    store.upsert(make(1, 0, notes="old", version=2))
    got = store.get(1)
    assert got is not None and got.notes == "new"


def test_filters_by_trainer_status_location_and_text() -> None:
    store = ScheduleStore()
    store.set_directory(Directory(trainers={1: Trainer(1, "Ana"), 2: Trainer(2, "Ben")}))
    store.load([
        make(1, 0, trainer=1, client_name="Tom Reed", location="Studio A"),
        make(2, 1, trainer=2, client_name="Amy Cole", status=Status.CANCELLED, location="Studio B"),
        make(3, 2, trainer=2, client_name="Zoe Hart", location="Studio A"),
    ])
    day = (T0 - timedelta(hours=1), T0 + timedelta(hours=10))
    assert [s.id for s in store.between(*day, ScheduleFilter(trainer_ids=frozenset({2})))] == [2, 3]
    assert [s.id for s in store.between(*day, ScheduleFilter(statuses=frozenset({Status.CANCELLED})))] == [2]
    assert [s.id for s in store.between(*day, ScheduleFilter(locations=frozenset({"Studio A"})))] == [1, 3]
    assert [s.id for s in store.between(*day, ScheduleFilter(text="ana"))] == [1]  # trainer name
    assert [s.id for s in store.between(*day, ScheduleFilter(text="HART"))] == [3]


def test_query_answer_does_not_undo_a_newer_event() -> None:
    store = ScheduleStore()
    router = EventRouter()
    router.register("session:", store.apply_event)
    router.reset("e1", 10)
    newer = make(1, 0, notes="after the query", version=2)
    router.dispatch(event(12, "session:updated", {"session": newer.to_wire()}))
    router.dispatch(event(13, "session:deleted", {"id": 2}))
    # The query was read at seq 11: it still holds the old session 1 and session 2.
    store.replace_range(T0 - timedelta(hours=1), T0 + timedelta(hours=5),
                        [make(1, 0, notes="before", version=1), make(2, 1)], as_of_seq=11)
    one = store.get(1)
    assert one is not None and one.notes == "after the query"
    assert store.get(2) is None


def test_router_applies_each_seq_once_and_in_order() -> None:
    store = ScheduleStore()
    router = EventRouter()
    router.register("session:", store.apply_event)
    router.reset("e1", 0)
    created = make(1, 0).to_wire()
    assert router.dispatch(event(1, "session:created", {"session": created}))
    assert not router.dispatch(event(1, "session:created", {"session": created}))
    assert router.dispatch(event(2, "session:deleted", {"id": 1}))
    assert not router.dispatch(event(1, "session:created", {"session": created}))
    assert store.get(1) is None
    assert router.applied == 2


def test_router_ignores_events_of_another_epoch() -> None:
    router = EventRouter()
    seen: list[int] = []
    router.register("session:", lambda e: seen.append(e.seq))
    router.reset("e1", 5)
    assert not router.dispatch(event(6, "session:deleted", {"id": 1}, epoch="e2"))
    assert seen == []


def test_listeners_hear_each_change() -> None:
    store = ScheduleStore()
    calls: list[int] = []
    store.add_listener(lambda: calls.append(store.revision))
    store.load([make(1, 0)])
    store.remove(1)
    store.remove(1)  # unknown id: nothing changes, nobody is told
    assert calls == [1, 2]


def test_the_index_stays_in_start_then_id_order_through_moves_removals_and_ties() -> None:
    import random

    rng = random.Random(3)
    store = ScheduleStore()
    store.load([make(i, rng.randrange(0, 48)) for i in range(1, 301)])  # many share a start
    for version in range(2, 400):
        sid = rng.randrange(1, 331)
        if rng.random() < 0.2:
            store.remove(sid)
        else:  # a new session, or one moved to another hour (same-start ties included)
            store.upsert(make(sid, rng.randrange(0, 48), version=version))
    everything = store.between(T0 - timedelta(days=1), T0 + timedelta(days=3))
    assert [(s.start, s.id) for s in everything] == sorted((s.start, s.id) for s in everything)
    assert sorted(s.id for s in everything) == sorted(s.id for s in store.all_sessions())
    hour = T0 + timedelta(hours=10)
    after = hour + timedelta(hours=1)
    in_hour = store.between(hour, after)
    assert {s.id for s in in_hour} == {s.id for s in store.all_sessions() if s.start < after and s.end > hour}


def test_one_to_one_sessions_share_one_read_only_empty_extra() -> None:
    import pytest

    from swan_desktop.protocol.entities import NO_EXTRA

    plain = Session.from_wire(make(1, 0).to_wire())
    assert plain.extra is NO_EXTRA and make(2, 0).extra is NO_EXTRA
    with pytest.raises(TypeError):
        plain.extra["capacity"] = 4  # type: ignore[index]
    group = Session.from_wire({**make(3, 0).to_wire(), "version": 5, "capacity": 4, "booked": 1,
                               "clients": [{"client_id": 7, "name": "Ines"}]})
    assert group.extra == {"capacity": 4, "booked": 1, "clients": [{"client_id": 7, "name": "Ines"}]}
    assert group.to_wire()["capacity"] == 4 and "capacity" not in plain.to_wire()


def test_an_erased_client_is_renamed_on_the_sessions_held_and_in_a_groups_list() -> None:
    store = ScheduleStore()
    group = {"clients": [{"client_id": 7, "name": "Olga"}, {"client_id": 31, "name": "Rita Lobo"}]}
    store.load([make(1, 0, client_id=31, client_name="Rita Lobo"),
                make(2, 2, client_id=7, client_name="Olga", extra=group),
                make(3, 4, client_id=8, client_name="Rita Lobo")])  # another client of the same name
    told: list[int] = []
    store.add_listener(lambda: told.append(1))
    store.rename_client(31, [1, 2, 99], "Erased client #31")
    one, two, three = store.get(1), store.get(2), store.get(3)
    assert one is not None and one.client_name == "Erased client #31" and one.version == 1
    assert two is not None and two.client_name == "Olga"
    assert two.extra["clients"] == [{"client_id": 7, "name": "Olga"},
                                    {"client_id": 31, "name": "Erased client #31"}]
    assert three is not None and three.client_name == "Rita Lobo"
    assert store.between(T0, T0 + timedelta(hours=6), ScheduleFilter(text="rita")) == [three]
    assert told, "the views are told"


def test_a_room_filter_and_a_rename_find_sessions_naming_the_room_in_another_spelling() -> None:
    """Sessions booked before the server matched room texts to its rooms may name one as typed."""
    store = ScheduleStore()
    store.load([make(1, 0, location="Studio A"), make(2, 1, location="studio a"),
                make(3, 2, location=" Studio A "), make(4, 3, location="Studio B"),
                make(5, 4, location="Park")])
    day = (T0 - timedelta(hours=1), T0 + timedelta(hours=10))

    def in_room(name: str) -> list[int]:
        return [s.id for s in store.between(*day, ScheduleFilter(locations=frozenset({name})))]

    assert in_room("Studio A") == [1, 2, 3]
    store.rename_location("Studio A", "Main floor")
    assert [s.location for s in store.between(*day)] == ["Main floor"] * 3 + ["Studio B", "Park"]
    assert in_room("Main floor") == [1, 2, 3] and in_room("Park") == [5]
