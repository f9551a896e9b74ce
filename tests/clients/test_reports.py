"""Reports over a real server: figures per period from SQL; a trainer sees only their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.server import Clients, WsClient

from .conftest import new_client

WEEK = [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(5)]  # 50 h a week


async def _book(boss: WsClient, trainer: int, day: str, client: int, **extra: Any) -> dict[str, Any]:
    data = {
        "start": f"{day}T10:00:00Z",
        "end": f"{day}T12:00:00Z",
        "trainer_id": trainer,
        "client_id": client,
        "location": "Studio A" if trainer == 1 else "Rooftop",
        "session_type_id": 1,
    }
    return dict((await boss.ok("session.create", {**data, **extra}))["session"])


async def _studio(boss: WsClient) -> dict[str, Any]:
    await boss.ok("studio.settings.set", {"timezone": "UTC"})
    await boss.ok("availability.set", {"trainer_id": 1, "hours": WEEK})
    await boss.ok("availability.set", {"trainer_id": 2, "hours": WEEK})
    rita = await new_client(boss, "Rita")
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": 10, "reason": "start"})
    first = await _book(boss, 1, "2032-03-01", rita["id"])
    await _book(boss, 1, "2032-03-02", rita["id"])
    await _book(boss, 2, "2032-03-03", rita["id"])
    await boss.ok(
        "session.update",
        {
            "id": first["id"],
            "version": first["version"],
            "changes": {"status": "cancelled", "cancel_reason": "ill"},
        },
    )
    return rita


async def test_utilisation_compares_booked_with_working_hours_per_trainer_and_room(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await _studio(boss)
    report = await boss.ok(
        "report.run", {"kind": "utilisation", "start": "2032-03-01", "end": "2032-03-07", "by": "week"}
    )
    trainers = {r["trainer_id"]: r for r in report["rows"] if "trainer_id" in r}
    assert trainers[1] == {
        "period": "2032-W10",
        "trainer_id": 1,
        "booked_hours": 2.0,
        "working_hours": 50.0,
        "utilisation": 0.04,
    }
    assert trainers[2]["booked_hours"] == 2.0
    rooms = {r["room"]: r["booked_hours"] for r in report["rows"] if "room" in r}
    assert rooms == {"Studio A": 2.0, "Rooftop": 2.0}
    assert report["totals"]["booked_hours"] == 4.0


async def test_a_rooms_utilisation_counts_every_spelling_and_every_session_it_holds_at_once(
        clients: Clients) -> None:
    """Sessions kept as "rooftop " before rooms were matched by key are the Rooftop's; a floor
    that holds two sessions at once offers two sessions' hours for each hour the studio is open,
    so two trainers filling it all day is 100 %, not 200 %."""
    boss = await clients.signed_in("boss")
    await _studio(boss)
    await boss.ok("studio.setup.set", {"opening_hours": [{"weekday": 0, "start": "10:00", "end": "12:00"}]})
    rita = await new_client(boss, "Rita")
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": 10, "reason": "start"})
    await _book(boss, 2, "2032-03-01", rita["id"], location=" rooftop")  # no room yet: kept as typed
    await boss.ok("room.create", {"name": "Rooftop"})
    await _book(boss, 2, "2032-03-08", rita["id"])
    await boss.ok("room.create", {"name": "Gym floor", "sessions_at_once": 2})
    for trainer in (1, 2):
        await _book(boss, trainer, "2032-03-15", rita["id"], location="Gym floor")
    report = await boss.ok(
        "report.run", {"kind": "utilisation", "start": "2032-03-01", "end": "2032-03-31", "by": "month"})
    rooms = {r["room"]: r for r in report["rows"] if "room" in r}
    assert not {" rooftop", "rooftop"} & set(rooms)  # one row for the Rooftop, however spelled
    assert rooms["Rooftop"]["booked_hours"] == 6.0  # 2 h booked by _studio, and these two
    floor = rooms["Gym floor"]
    assert floor["booked_hours"] == 4.0 and floor["open_hours"] == 2 * rooms["Rooftop"]["open_hours"]


async def test_cancellations_and_credits_by_month(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await _studio(boss)
    report = await boss.ok(
        "report.run", {"kind": "cancellations", "start": "2032-03-01", "end": "2032-03-31"}
    )
    assert report["rows"] == [{"period": "2032-03", "trainer_id": 1, "late": 0, "timely": 1, "cancelled": 1}]
    today = datetime.now(UTC).date()
    credits = await boss.ok(
        "report.run",
        {
            "kind": "credits",
            "start": str(today - timedelta(days=1)),
            "end": str(today + timedelta(days=1)),
            "by": "month",
        },
    )
    assert credits["totals"]["adjusted"] == 10


async def test_revenue_sums_package_sales(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita")
    package = (await boss.ok("package.create", {"name": "Ten", "credits": 10, "price_cents": 45000}))[
        "package"
    ]
    for price in (45000, 40000):
        await boss.ok(
            "package.sell",
            {
                "client_id": rita["id"],
                "package_id": package["id"],
                "price_paid_cents": price,
                "sold_at": "2032-03-05T10:00:00Z",
            },
        )
    report = await boss.ok("report.run", {"kind": "revenue", "start": "2032-03-01", "end": "2032-03-31"})
    assert report["rows"] == [
        {
            "period": "2032-03",
            "package_id": package["id"],
            "package": "Ten",
            "sales": 2,
            "revenue_cents": 85000,
            "credits": 20,
            "refunds_cents": 0,
        }
    ]
    assert report["totals"] == {"sales": 2, "revenue_cents": 85000, "credits": 20, "refunds_cents": 0,
                                 "currency": "EUR", "voided_sales": 0, "voided_cents": 0}


async def test_a_trainer_gets_reports_on_their_own_sessions_only(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await _studio(boss)
    ana = await clients.signed_in("ana")  # trainer 1
    span = {"start": "2032-03-01", "end": "2032-03-07", "by": "week"}
    own = await ana.ok("report.run", {"kind": "utilisation", **span})
    assert {r["trainer_id"] for r in own["rows"] if "trainer_id" in r} == {1}
    assert (await ana.error("report.run", {"kind": "utilisation", "trainer_id": 2, **span}))[
        "code"
    ] == "forbidden"
    assert (await ana.error("report.run", {"kind": "revenue", **span}))["code"] == "forbidden"
    attendance = await ana.ok("report.run", {"kind": "attendance", **span})
    assert {r["trainer_id"] for r in attendance["rows"]} <= {1}
    vic = await clients.signed_in("vic")
    assert (await vic.error("report.run", {"kind": "utilisation", **span}))["code"] == "forbidden"


async def test_attendance_counts_every_place_of_past_sessions(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("studio.settings.set", {"timezone": "UTC"})
    rita, ines = await new_client(boss, "Rita"), await new_client(boss, "Ines")
    kind = (await boss.ok("session_type.create", {"name": "Pair", "capacity": 2}))["session_type"]["id"]
    came = await _book(boss, 1, "2025-01-06", rita["id"], session_type_id=kind, allow_overlap=True)
    grown = (await boss.ok("booking.add", {"session_id": came["id"], "client_id": ines["id"]}))["session"]
    await boss.ok("session.update", {"id": came["id"], "version": grown["version"],
                                     "changes": {"status": "completed"}})
    missed = await _book(boss, 1, "2025-01-07", rita["id"], allow_overlap=True)
    await boss.ok("session.checkin", {"id": missed["id"], "attendance": "no_show"})
    report = await boss.ok("report.run", {"kind": "attendance", "start": "2025-01-06", "end": "2025-01-12",
                                          "by": "week"})
    assert report["rows"] == [{"period": "2025-W02", "trainer_id": 1, "booked": 3, "attended": 2,
                               "no_shows": 1, "attendance_rate": 0.6667, "no_show_rate": 0.3333}]


async def test_a_cancellation_counts_as_late_or_timely_as_it_was_when_made(clients: Clients) -> None:
    """Late or timely is decided when the session is cancelled: a wider window set afterwards, or a
    note added to the cancelled session, does not turn a timely cancellation into a late one (in
    the report and on the client's card); taking the cancellation back forgets it."""
    boss = await clients.signed_in("boss")
    await boss.ok("studio.settings.set", {"cancellation_window_h": 24})
    rita = await new_client(boss, "Rita")
    lena = (await boss.ok("trainer.create", {"name": "Lena"}))["trainer"]["id"]  # none of the demo's sessions
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    span = {"kind": "cancellations", "start": str(day), "end": str(day), "by": "month", "trainer_id": lena}

    async def counted() -> tuple[int, int]:
        totals = (await boss.ok("report.run", span))["totals"]
        return totals["late"], totals["timely"]

    session = await _book(boss, lena, str(day), rita["id"], allow_overlap=True)  # days ahead: timely
    cancel = {"status": "cancelled", "cancel_reason": "ill"}
    version = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                                "changes": cancel}))["session"]["version"]
    await boss.ok("studio.settings.set", {"cancellation_window_h": 24 * 7})
    noted = (await boss.ok("session.update", {"id": session["id"], "version": version,
                                              "changes": {"notes": "rang on Monday"}}))["session"]
    assert await counted() == (0, 1)
    stats = (await boss.ok("client.get", {"id": rita["id"]}))["stats"]
    assert (stats["late_cancellations"], stats["timely_cancellations"]) == (0, 1)

    # Taken back, then cancelled again under the week-long window: now it is late.
    back = (await boss.ok("session.update", {"id": session["id"], "version": noted["version"],
                                             "changes": {"status": "scheduled"}}))["session"]
    assert await counted() == (0, 0)
    await boss.ok("session.update", {"id": session["id"], "version": back["version"],
                                     "changes": {"status": "cancelled", "cancel_reason": "ill again"}})
    assert await counted() == (1, 0)


async def test_rows_follow_trainer_ids_as_numbers(clients: Clients) -> None:
    """Trainer 2's row comes before trainer 10's (compared as text, "10" came first)."""
    boss = await clients.signed_in("boss")
    ids = [(await boss.ok("trainer.create", {"name": f"Extra {n}"}))["trainer"]["id"] for n in range(8)]
    assert 10 in ids
    rita = await new_client(boss, "Rita")
    for trainer in (10, 2):
        made = await _book(boss, trainer, "2032-05-04", rita["id"], allow_overlap=True)
        await boss.ok("session.update", {"id": made["id"], "version": made["version"],
                                         "changes": {"status": "cancelled", "cancel_reason": "ill"}})
    may = {"kind": "cancellations", "start": "2032-05-01", "end": "2032-05-31"}
    assert [r["trainer_id"] for r in (await boss.ok("report.run", may))["rows"]] == [2, 10]
