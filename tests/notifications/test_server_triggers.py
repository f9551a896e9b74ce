"""The server tells the right people about what actually happened in the studio."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from swan_desktop.protocol.entities import Role
from swan_desktop.protocol.timefmt import now_utc, parse_ts
from swan_desktop.server.notifier_api import Notice, Recipients
from swan_desktop.server.store import Store
from tests.support.server import FAST_HASHER, PASSWORDS, Clients, on_server, session_data, start_server

from .conftest import titles


async def test_a_booking_tells_the_trainer_concerned_but_not_the_admin_who_made_it(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    vic = await clients.signed_in("vic")
    session = (await boss.ok("session.create", session_data()))["session"]
    note = await ana.notification_created("Session booked")
    assert note["category"] == "schedule" and note["links"]["session"] == session["id"]
    assert "Boss booked" in note["message"] and note["read_at"] is None
    assert [a["id"] for a in note["actions"]] == ["open_session"]
    assert "Session booked" not in await titles(server, boss)
    assert await titles(server, vic) == []


async def test_a_trainer_booking_tells_the_admins(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    await ana.ok("session.create", session_data())
    note = await boss.notification_created("Session booked")
    assert "Ana booked" in note["message"]
    assert "Session booked" not in await titles(server, ana)


async def test_cancelling_and_moving_tell_the_trainer(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    s = (await boss.ok("session.create", session_data()))["session"]
    s = (await boss.ok("session.update", {"id": s["id"], "version": s["version"],
                                          "changes": {"start": "2031-03-03T12:00:00Z",
                                                      "end": "2031-03-03T13:00:00Z"}}))["session"]
    moved = await ana.notification_created("Session moved")
    assert "12:00" in moved["message"]
    await boss.ok("session.update", {"id": s["id"], "version": s["version"],
                                     "changes": {"status": "cancelled", "cancel_reason": "ill"}})
    cancelled = await ana.notification_created("Session cancelled")
    assert cancelled["priority"] == "high" and "Reason: ill" in cancelled["message"]
    # a confirmation for the one who cancelled
    mine = await boss.notification_created("You cancelled a session")
    assert mine["priority"] == "low" and "Reason: ill" in mine["message"]
    assert "Session cancelled" not in await titles(server, boss)


async def test_an_admin_overriding_an_overlap_raises_a_schedule_conflict(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    await boss.ok("session.create", session_data())
    await boss.ok("session.create", session_data(start="2031-03-03T10:30:00Z", end="2031-03-03T11:30:00Z",
                                                 client_id=2, location="Studio B", allow_overlap=True))
    note = await ana.notification_created("Schedule conflict")
    assert note["priority"] == "high" and note["category"] == "schedule"
    assert "Schedule conflict" in await titles(server, boss)


async def test_booking_a_client_with_one_or_no_credit_warns_the_admins(server, clients) -> None:
    low = server.server.store.submit(Store.add_client, "Lena Low", 1)
    none = server.server.store.submit(Store.add_client, "Nora None", 0)
    rich = server.server.store.submit(Store.add_client, "Rita Rich", 9)
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    await ana.ok("session.create", session_data(client_id=low.id))
    note = await boss.notification_created("Client credits low")
    assert note["category"] == "financial" and "Lena Low has 1 credit" in note["message"]
    await ana.ok("session.create", session_data(client_id=none.id, start="2031-03-04T10:00:00Z",
                                                end="2031-03-04T11:00:00Z"))
    exhausted = await boss.notification_created("Client credits exhausted")
    assert exhausted["priority"] == "high" and "Nora None" in exhausted["message"]
    await ana.ok("session.create", session_data(client_id=rich.id, start="2031-03-05T10:00:00Z",
                                                end="2031-03-05T11:00:00Z"))
    assert (await titles(server, boss)).count("Client credits low") == 1
    assert (await titles(server, boss)).count("Client credits exhausted") == 1


async def test_a_session_unconfirmed_a_day_ahead_is_reported_once(server, clients) -> None:
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    s = (await boss.ok("session.create", session_data()))["session"]
    service = server.server.notifications
    start = parse_ts(s["start"])
    service.clock = lambda: start - timedelta(hours=30)
    assert await on_server(server, service.scan_unconfirmed) == 0
    service.clock = lambda: start - timedelta(hours=20)
    assert await on_server(server, service.scan_unconfirmed) >= 1
    note = await ana.notification_created("Session not confirmed")
    assert note["priority"] == "high" and "about 20 h" in note["message"]
    assert note["actions"][0] == {"id": "confirm_session", "label": "Confirm session", "dangerous": True}
    assert await on_server(server, service.scan_unconfirmed) == 0
    assert (await titles(server, ana)).count("Session not confirmed") == 1


async def test_five_failed_sign_ins_in_five_minutes_alert_the_admins(server, clients) -> None:
    boss = await clients.signed_in("boss")
    intruder = await clients.open()
    for _ in range(4):
        await intruder.error("authenticate", {"username": "ana", "password": "guess"})
    assert "Repeated failed sign-ins" not in await titles(server, boss)
    await intruder.error("authenticate", {"username": "ana", "password": "guess"})
    note = await boss.notification_created("Repeated failed sign-ins")
    assert note["category"] == "security" and note["priority"] == "critical"
    assert "“ana”" in note["message"] and "guess" not in note["message"]


async def test_failed_sign_ins_spread_over_more_than_five_minutes_raise_nothing(server, clients) -> None:
    boss = await clients.signed_in("boss")
    service = server.server.notifications
    t0 = now_utc()
    for i in range(6):
        service.clock = lambda i=i: t0 + timedelta(minutes=2 * i)
        server.call(lambda: service.sign_in_failed("vic"))
    assert "Repeated failed sign-ins" not in await titles(server, boss)


async def test_other_features_notify_through_the_server_notifier(server, clients) -> None:
    boss = await clients.signed_in("boss")
    ana = await clients.signed_in("ana")
    notice = Notice("Database slow", "Queries take 2 s.", category="system", priority="critical",
                    source="monitor")
    await on_server(server, lambda: server.server.notifier.notify(Recipients.admins(), notice))
    note = await boss.notification_created("Database slow")
    assert note["source"] == "monitor" and note["actions"][0]["id"] == "acknowledge"
    assert "Database slow" not in await titles(server, ana)
    mention = Notice("Boss mentioned you", "@ana see the notes", category="content", source="chat")
    ana_id = (await ana.ok("authenticate", {"username": "ana", "password": "ana-secret"}))["user"]["id"]
    await on_server(server, lambda: server.server.notifier.notify(Recipients(user_ids=frozenset({ana_id})),
                                                                 mention))
    assert (await ana.notification_created("Boss mentioned you"))["category"] == "content"


async def test_notices_name_times_on_the_studios_clock(server, clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("studio.settings.set", {"timezone": "America/New_York"})
    ana = await clients.signed_in("ana")
    # 15:00 UTC on Monday 3 March 2031 is 10:00 in New York (EST).
    await ana.ok("session.create", session_data(start="2031-03-03T15:00:00Z", end="2031-03-03T16:00:00Z"))
    note = await boss.notification_created("Session booked")
    assert "Mon 03 Mar 10:00" in note["message"] and "UTC" not in note["message"]


def test_only_events_a_notice_can_follow_from_go_to_the_database() -> None:
    from swan_desktop.protocol.frames import Event
    from swan_desktop.server.notifications.triggers import may_notify
    from swan_desktop.server.store import HubEvent

    def event(kind: str, **data: object) -> HubEvent:
        return HubEvent(Event("e", 1, kind, "2031-01-01T00:00:00Z", None, {"session": {"id": 1}, **data}))

    assert not may_notify(event("session:updated", changes={"notes": "x"}))
    assert not may_notify(event("session:confirmed"))
    assert not may_notify(HubEvent(Event("e", 1, "chat:posted", "", None, {"message": {}})))
    assert may_notify(event("session:updated", changes={"start": "2031-01-01T10:00:00Z"}))
    assert may_notify(event("session:updated", changes={"location": "Studio B"}))
    for kind in ("session:created", "session:booked", "session:cancelled"):
        assert may_notify(event(kind))


async def test_a_deactivated_trainer_account_is_told_nothing(server, clients) -> None:
    """Someone who has left the studio (their account deactivated, still linked to the trainer)
    gets no more schedule notices, so no emails either; once reactivated, the next one reaches them."""
    boss = await clients.signed_in("boss")
    ana_id = next(a["id"] for a in (await boss.ok("account.list"))["accounts"] if a["username"] == "ana")
    await boss.ok("account.update", {"user_id": ana_id, "changes": {"active": False}})
    users = {u["id"]: u for u in (await boss.ok("directory.query"))["users"]}
    assert users[ana_id]["active"] is False and users[ana_id]["trainer_id"] == 1
    await boss.ok("session.create", session_data())
    await boss.ok("account.update", {"user_id": ana_id, "changes": {"active": True}})
    ana = await clients.signed_in("ana")
    assert "Session booked" not in await titles(server, ana)
    await boss.ok("session.create", session_data(start="2031-03-04T10:00:00Z", end="2031-03-04T11:00:00Z"))
    await ana.notification_created("Session booked")


async def test_a_trainers_sick_day_over_booked_sessions_tells_the_admins_at_once(server, clients) -> None:
    """Ana marks herself off on a day she has a client booked: the admins hear at once how many
    sessions stay booked (the office must call the clients); Ana's own reply said so, so no notice
    for her. Time off over an empty day tells nobody."""
    ana = await clients.signed_in("ana")
    boss = await clients.signed_in("boss")
    session = (await boss.ok("session.create", session_data()))["session"]  # Mon 3 Mar 2031, Ana
    reply = await ana.ok("timeoff.add", {"trainer_id": 1, "start": "2031-03-03", "end": "2031-03-03",
                                         "reason": "sick"})
    assert reply["sessions_booked"] == 1
    note = await boss.notification_created("Time off over booked sessions")
    assert note["priority"] == "high" and note["category"] == "schedule"
    assert note["links"] == {"trainer": 1, "session": session["id"]}  # the first of them
    assert note["message"].startswith("Ana ") and "took time off: Mon 03 Mar (sick)." in note["message"]
    assert "1 booked session on those days stays booked" in note["message"]
    assert [(a["id"], a["label"]) for a in note["actions"]] == [
        ("open_session", "Open the first session"), ("acknowledge", "Acknowledge")]
    opened = await boss.ok("notification.action", {"id": note["id"], "action": "open_session"})
    assert opened == {"open": {"session": session["id"], "start": session["start"]}}
    await ana.ok("timeoff.add", {"trainer_id": 1, "start": "2031-03-10", "end": "2031-03-11"})
    await boss.ok("timeoff.add", {"trainer_id": 1, "start": "2031-03-03", "end": "2031-03-04"})
    told = await ana.notification_created("Time off over booked sessions")
    assert told["message"].startswith("Boss added time off for ")
    assert "Mon 03 Mar to Tue 04 Mar" in told["message"]
    assert (await titles(server, boss)).count("Time off over booked sessions") == 1  # not the empty days
    assert (await titles(server, ana)).count("Time off over booked sessions") == 1  # not for her own


async def test_working_hours_narrowed_over_booked_sessions_say_how_many_and_tell_the_admins(
        tmp_path: Path) -> None:
    """Ana's Mondays become afternoons while a Monday morning is booked: her reply counts it, the
    admins hear. Saving the same hours again counts nothing new (it was outside already), nor
    does clearing them (no hours: not limited). A studio of its own: the demo's bookings of Ana
    would count too."""
    server = start_server(tmp_path / "studio.sqlite3", demo=False, notifications=True)
    clients = Clients(server)
    try:
        boss = await clients.signed_in("boss")
        ana_id = (await boss.ok("trainer.create", {"name": "Ana Ribeiro"}))["trainer"]["id"]
        other = (await boss.ok("trainer.create", {"name": "Ben Ortiz"}))["trainer"]["id"]
        server.server.store.submit(Store.upsert_user, "ana", "Ana", Role.TRAINER,
                                   FAST_HASHER.hash(PASSWORDS["ana"]), ana_id)
        ana = await clients.signed_in("ana")
        made = {}
        for trainer in (ana_id, other):  # Mon 3 Mar 2031 10:00
            made[trainer] = (await boss.ok("session.create", session_data(
                trainer_id=trainer, client_id=None, session_type_id=None, client_name="Rita Lobo",
                location=f"Room {trainer}")))["session"]["id"]
        afternoons = {"trainer_id": ana_id, "hours": [{"weekday": 0, "start": "14:00", "end": "18:00"}]}
        assert (await ana.ok("availability.set", afternoons))["sessions_outside"] == 1
        note = await boss.notification_created("Working hours changed over booked sessions")
        assert note["priority"] == "high" and note["links"] == {"trainer": ana_id, "session": made[ana_id]}
        assert [a["id"] for a in note["actions"]] == ["open_session", "acknowledge"]
        assert note["message"] == ("Ana Ribeiro changed their working hours: 1 booked session ahead now "
                                   "falls outside them and stays booked: move or reassign it and tell the "
                                   "clients.")
        assert (await ana.ok("availability.set", afternoons))["sessions_outside"] == 0
        cleared = await boss.ok("availability.set", {"trainer_id": ana_id, "hours": []})
        assert cleared["sessions_outside"] == 0
        assert (await titles(server, boss)).count("Working hours changed over booked sessions") == 1
        assert "Working hours changed over booked sessions" not in await titles(server, ana)
    finally:
        await clients.close()
        server.stop()


async def test_past_sessions_left_open_are_reported_once_a_day(tmp_path: Path) -> None:
    """Booked sessions of the last week that nobody completed or cancelled: their clients' credits
    were never taken. The admins hear of all of them, by trainer, and each trainer of theirs, once
    a studio day; completed, cancelled, today's and older ones are not counted."""
    server = start_server(tmp_path / "studio.sqlite3", demo=False, notifications=True)
    clients = Clients(server)
    try:
        boss = await clients.signed_in("boss")
        await boss.ok("studio.setup.set", {"timezone": "Europe/Lisbon"})
        ana_id = (await boss.ok("trainer.create", {"name": "Ana Ribeiro"}))["trainer"]["id"]
        ben_id = (await boss.ok("trainer.create", {"name": "Ben Ortiz"}))["trainer"]["id"]
        server.server.store.submit(Store.upsert_user, "ana", "Ana", Role.TRAINER,
                                   FAST_HASHER.hash(PASSWORDS["ana"]), ana_id)
        ana = await clients.signed_in("ana")

        async def booked(trainer: int, day: str, status: str = "scheduled") -> int:
            return int((await boss.ok("session.create", session_data(
                trainer_id=trainer, client_id=None, session_type_id=None, client_name="Rita Lobo",
                location=f"Room {trainer}-{day}-{status}", start=f"{day}T10:00:00Z", end=f"{day}T11:00:00Z",
                status=status, allow_overlap=True)))["session"]["id"])

        await booked(ana_id, "2031-03-04")                              # yesterday: open
        anas_first = await booked(ana_id, "2031-03-02", "confirmed")    # open
        first = await booked(ben_id, "2031-03-01")                      # open
        await booked(ben_id, "2031-03-04", "completed")     # done
        await booked(ben_id, "2031-03-03", "cancelled")     # done
        await booked(ana_id, "2031-02-20")                  # more than a week ago
        await booked(ana_id, "2031-03-05")                  # today
        service = server.server.notifications
        service.clock = lambda: parse_ts("2031-03-05T12:00:00Z")
        assert await on_server(server, service.scan_unconfirmed) == 2  # the admins', Ana's
        note = await boss.notification_created("Past sessions left open")
        assert note["message"] == (
            "3 booked sessions of the last 7 days are still scheduled or confirmed (Ana Ribeiro 2, Ben "
            "Ortiz 1): mark them completed, or cancel them; their clients' credits are taken only when "
            "they are completed.")
        assert note["links"] == {"session": first}  # the earliest, for "Open the first session"
        assert [a["id"] for a in note["actions"]] == ["open_session"]
        hers = await ana.notification_created("Your past sessions left open")
        assert hers["links"] == {"trainer": ana_id, "session": anas_first}
        assert hers["message"].startswith("2 booked sessions of yours")
        assert await on_server(server, service.scan_unconfirmed) == 0  # once a day
        service.clock = lambda: parse_ts("2031-03-06T08:00:00Z")
        assert await on_server(server, service.scan_unconfirmed) == 2  # the next day, again
    finally:
        await clients.close()
        server.stop()
