"""Packages, sales, adjustments and the ledger over a real server; expired credits lapse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, update

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.clients import ledger, lots
from swan_desktop.server.clients.tables import package_sales
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.store import Store
from swan_desktop.server.tables import meta
from tests.support.server import Clients, WsClient, on_server, session_data, start_server

from .conftest import new_client


async def _package(boss: WsClient, credits: int = 10, price: int = 50000, days: int = 90) -> dict[str, Any]:
    return dict(
        (
            await boss.ok(
                "package.create",
                {
                    "name": f"{credits} sessions",
                    "credits": credits,
                    "price_cents": price,
                    "validity_days": days,
                },
            )
        )["package"]
    )


async def test_selling_a_package_adds_its_credits_through_the_ledger(clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    package = await _package(boss)
    rita = await new_client(boss, "Rita")
    reply = await ana.ok("package.sell", {"client_id": rita["id"], "package_id": package["id"]})
    assert reply["balance"] == 10 and reply["sale"]["price_paid_cents"] == 50000
    assert reply["sale"]["expires_at"] is not None
    event = await boss.event_of("credits:changed")
    assert event["data"]["balance"] == 10 and event["data"]["entry"]["reason"] == "sale"
    ledger = await boss.ok("credits.ledger", {"client_id": rita["id"]})
    assert [e["delta"] for e in ledger["entries"]] == [10] and ledger["balance"] == 10
    assert ledger["entries"][0]["actor"] == {"id": ledger["entries"][0]["actor"]["id"], "name": "Ana"}
    assert (await boss.ok("package.list"))["packages"] == [package]


async def test_only_admins_create_packages_and_adjust_credits(clients: Clients) -> None:
    ana, vic, boss = (
        await clients.signed_in("ana"),
        await clients.signed_in("vic"),
        await clients.signed_in("boss"),
    )
    assert (await ana.error("package.create", {"name": "x", "credits": 1}))["code"] == "forbidden"
    rita = await new_client(boss, "Rita")
    change = {"client_id": rita["id"], "delta": 3, "reason": "goodwill"}
    assert (await ana.error("credits.adjust", change))["code"] == "forbidden"
    assert (await vic.error("package.sell", {"client_id": rita["id"], "package_id": 1}))[
        "code"
    ] == "forbidden"
    reply = await boss.ok("credits.adjust", change)
    assert reply["balance"] == 3 and reply["entry"]["note"] == "goodwill"
    assert (await boss.error("credits.adjust", {**change, "delta": 0}))["code"] == "invalid"
    assert (await boss.error("credits.adjust", {**change, "reason": " "}))["code"] == "invalid"


async def test_completion_spends_and_a_timely_cancel_refunds_through_the_ledger(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita")
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": 5, "reason": "start"})
    session = (await boss.ok("session.create", session_data(client_id=rita["id"])))["session"]
    done = (
        await boss.ok(
            "session.update",
            {"id": session["id"], "version": session["version"], "changes": {"status": "completed"}},
        )
    )["session"]
    await boss.ok(
        "session.update",
        {
            "id": done["id"],
            "version": done["version"],
            "changes": {"status": "cancelled", "cancel_reason": "mistake"},
        },
    )
    ledger = await boss.ok("credits.ledger", {"client_id": rita["id"]})
    assert [(e["reason"], e["delta"]) for e in ledger["entries"]] == [
        ("refund", 1),
        ("completion", -1),
        ("adjustment", 5),
    ]
    assert ledger["balance"] == 5 == sum(e["delta"] for e in ledger["entries"])


async def test_the_ledger_pages_newest_first(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita")
    for n in range(1, 6):
        await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": n, "reason": f"r{n}"})
    page = await boss.ok("credits.ledger", {"client_id": rita["id"], "limit": 2})
    assert [e["delta"] for e in page["entries"]] == [5, 4] and page["more"] is True
    rest = await boss.ok("credits.ledger", {"client_id": rita["id"], "limit": 10, "before": page["before"]})
    assert [e["delta"] for e in rest["entries"]] == [3, 2, 1] and rest["more"] is False


async def test_expired_credits_lapse_oldest_sale_first(server: EmbeddedServer, clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    short, long = await _package(boss, 3, days=10), await _package(boss, 4, days=400)
    rita = await new_client(boss, "Rita")
    old = datetime.now(UTC).replace(microsecond=0) - timedelta(days=30)
    await boss.ok(
        "package.sell", {"client_id": rita["id"], "package_id": short["id"], "sold_at": format_ts(old)}
    )
    await boss.ok("package.sell", {"client_id": rita["id"], "package_id": long["id"]})
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": -1, "reason": "spent before expiry"})
    lapsed = await on_server(server, server.server.clients.lapse)
    # the adjustment came after the short sale expired, so it took from the long one: all 3 lapse
    assert lapsed == 3
    ledger = await boss.ok("credits.ledger", {"client_id": rita["id"]})
    assert ledger["entries"][0]["reason"] == "expiry" and ledger["entries"][0]["delta"] == -3
    assert ledger["balance"] == 3
    assert await on_server(server, server.server.clients.lapse) == 0  # once only


async def test_sessions_use_a_package_before_credits_that_never_expire(
    server: EmbeddedServer, clients: Clients
) -> None:
    """Alice has 2 goodwill credits, buys a 5-credit package and spends 5: the package is used up,
    so nothing lapses when it expires and her goodwill credits stay. Bob has 1 and spends 1 of his
    package's 5: 4 lapse and his 1 stays. (Her goodwill credits used to be spent first, and lost
    with the package.)"""
    boss = await clients.signed_in("boss")
    five = await _package(boss, 5, days=30)
    ids = {}
    for name, goodwill, used in (("Alice", 2, 5), ("Bob", 1, 1)):
        client = await new_client(boss, name)
        ids[name] = client["id"]
        await boss.ok("credits.adjust", {"client_id": client["id"], "delta": goodwill, "reason": "goodwill"})
        await boss.ok("package.sell", {"client_id": client["id"], "package_id": five["id"]})
        for _ in range(used):
            await boss.ok("credits.adjust", {"client_id": client["id"], "delta": -1, "reason": "session"})
    service, clock = server.server.clients, server.server.clients.clock
    service.clock = lambda: clock() + timedelta(days=31)  # the package has expired
    try:
        assert await on_server(server, service.lapse) == 4
    finally:
        service.clock = clock
    for name, left in (("Alice", 2), ("Bob", 1)):
        assert (await boss.ok("credits.ledger", {"client_id": ids[name]}))["balance"] == left, name


async def test_an_admin_may_refund_a_late_cancellation_and_a_trainer_may_not(clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    rita = await new_client(boss, "Rita")
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": 5, "reason": "start"})
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=3)  # inside the 24 h window
    span = {"start": format_ts(soon), "end": format_ts(soon + timedelta(hours=1)), "location": "Rooftop",
            "allow_overlap": True}
    session = (await boss.ok("session.create", session_data(client_id=rita["id"], **span)))["session"]
    done = (await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                             "changes": {"status": "completed"}}))["session"]
    cancel = {"id": done["id"], "version": done["version"], "restore_credit": True,
              "changes": {"status": "cancelled", "cancel_reason": "the trainer was ill"}}
    assert (await ana.error("session.update", cancel))["code"] == "forbidden"
    await boss.ok("session.update", cancel)
    ledger = await boss.ok("credits.ledger", {"client_id": rita["id"]})
    assert ledger["entries"][0]["reason"] == "refund" and ledger["balance"] == 5


async def test_attack_a_card_lists_only_the_newest_sales_however_many_were_made(
        clients: Clients, monkeypatch) -> None:
    """A trainer selling packages to one client in a loop grew the client's card (every sale on
    it) past the frame a desktop accepts, so that card could no longer be opened anywhere. The
    card lists the newest ``SALES`` (100; lowered to 3 here so five sales show it); the ledger
    keeps every one."""
    from swan_desktop.server.clients import search

    monkeypatch.setattr(search, "SALES", 3)
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    package = await _package(boss, credits=1)
    rita = await new_client(boss, "Rita")
    sale = {"client_id": rita["id"], "package_id": package["id"]}
    sold = [(await ana.ok("package.sell", sale))["sale"]["id"] for _ in range(5)]
    card = await boss.ok("client.get", {"id": rita["id"]})
    assert [s["id"] for s in card["packages"]] == sold[:-4:-1], "the newest three, newest first"
    ledger = await boss.ok("credits.ledger", {"client_id": rita["id"]})
    assert sorted(e["sale_id"] for e in ledger["entries"]) == sold and ledger["balance"] == 5


async def test_credits_an_old_lapse_took_from_a_clients_other_credits_come_back_once(tmp_path: Path) -> None:
    """Alice had 2 goodwill credits, bought a 5-credit package and used 5; under the old rule her
    goodwill credits went first and the package's expiry took 2 (written here as it was). The next
    start gives her 2 back as an adjustment saying why; later starts give nothing more."""
    db = tmp_path / "studio.sqlite3"
    server = start_server(db, limits=Limits(rate=0))
    pool = Clients(server)
    try:
        boss = await pool.signed_in("boss")
        five = await _package(boss, 5, days=30)
        alice = await new_client(boss, "Alice")
        await boss.ok("credits.adjust", {"client_id": alice["id"], "delta": 2, "reason": "goodwill"})
        sale = (await boss.ok("package.sell", {"client_id": alice["id"], "package_id": five["id"]}))["sale"]
        for _ in range(5):
            await boss.ok("credits.adjust", {"client_id": alice["id"], "delta": -1, "reason": "session"})

        def lapsed_the_old_way(store: Store) -> None:
            with store.transaction() as tx:
                ledger.post(store, tx, None, alice["id"], -2, "expiry", datetime.now(UTC), sale_id=sale["id"])
                store.db.execute(update(package_sales).where(package_sales.c.id == sale["id"])
                                 .values(lapsed_at=format_ts(datetime.now(UTC))))
                store.db.execute(delete(meta).where(meta.c.key == lots.RECOUNTED))  # as before this release

        server.server.store.submit(lapsed_the_old_way)
        assert (await boss.ok("credits.ledger", {"client_id": alice["id"]}))["balance"] == 0
    finally:
        await pool.close()
        server.stop()
    for _ in range(2):  # the next start, and one after it
        server = start_server(db, limits=Limits(rate=0))
        pool = Clients(server)
        try:
            boss = await pool.signed_in("boss")
            entries = (await boss.ok("credits.ledger", {"client_id": alice["id"]}))
            assert entries["balance"] == 2
            given = [e for e in entries["entries"] if e["note"] == lots.GIVEN_BACK]
            assert [(e["reason"], e["delta"]) for e in given] == [("adjustment", 2)]
        finally:
            await pool.close()
            server.stop()


async def test_a_sale_made_by_mistake_is_voided_and_leaves_the_reports(
    server: EmbeddedServer, clients: Clients
) -> None:
    """Rita trained on credit (owes 2); the desk sells her a ten-pack meant for Bea. Voided: the ten
    credits go back (she owes 2 again), the card shows the sale as void with the reason, revenue
    leaves it out and says so, the credits report nets it. A package sold after it pays her debt
    first, so when it lapses only what it still holds goes."""
    boss = await clients.signed_in("boss")
    ten = await _package(boss, 10, price=42000)
    rita = await new_client(boss, "Rita")
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": -2, "reason": "trained on credit"})
    sale = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": ten["id"]}))["sale"]
    reply = await boss.ok("package.void", {"sale_id": sale["id"], "reason": "sold to the wrong client"})
    assert reply["balance"] == -2
    assert reply["sale"]["voided_at"] and reply["sale"]["void_reason"] == "sold to the wrong client"
    event = await boss.event_of("credits:changed")
    while event["data"]["entry"]["reason"] != "void":
        event = await boss.event_of("credits:changed")
    assert event["data"]["entry"]["delta"] == -10 and event["data"]["entry"]["sale_id"] == sale["id"]
    card = await boss.ok("client.get", {"id": rita["id"]})
    assert card["client"]["balance"] == -2
    listed = [(p["id"], p["void_reason"]) for p in card["packages"]]
    assert listed == [(sale["id"], "sold to the wrong client")]
    today = datetime.now(UTC).date().isoformat()
    span = {"start": today, "end": today, "by": "month"}
    revenue = await boss.ok("report.run", {"kind": "revenue", **span})
    assert revenue["rows"] == []
    assert (revenue["totals"]["revenue_cents"], revenue["totals"]["voided_sales"],
            revenue["totals"]["voided_cents"]) == (0, 1, 42000)
    assert (await boss.ok("report.run", {"kind": "credits", **span}))["totals"]["sold"] == 0
    again = await boss.error("package.void", {"sale_id": sale["id"], "reason": "twice"})
    assert (again["code"], again["data"]["reason"]) == ("conflict", "voided")

    short = await _package(boss, 10, days=30)
    old = datetime.now(UTC).replace(microsecond=0) - timedelta(days=40)
    await boss.ok("package.sell",
                  {"client_id": rita["id"], "package_id": short["id"], "sold_at": format_ts(old)})
    assert await on_server(server, server.server.clients.lapse) == 8  # 2 of its 10 paid what she owed
    assert (await boss.ok("client.get", {"id": rita["id"]}))["client"]["balance"] == 0


async def test_a_sale_partly_spent_expired_or_unknown_is_not_voided(
    server: EmbeddedServer, clients: Clients
) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita")
    five, short = await _package(boss, 5), await _package(boss, 3, days=10)
    sale = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": five["id"]}))["sale"]
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": -1, "reason": "a session elsewhere"})
    spent = await boss.error("package.void", {"sale_id": sale["id"], "reason": "changed her mind"})
    assert (spent["code"], spent["data"]) == ("conflict", {"reason": "spent", "spent": 1})
    assert "refund the rest, or adjust the client's balance, instead" in spent["message"]
    old = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    lapsed = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": short["id"],
                                             "sold_at": format_ts(old)}))["sale"]
    expired = await boss.error("package.void", {"sale_id": lapsed["id"], "reason": "too late"})
    assert (expired["code"], expired["data"]["reason"]) == ("conflict", "expired")
    blank = await boss.error("package.void", {"sale_id": sale["id"], "reason": "  "})
    assert (blank["code"], blank["data"]["field"]) == ("invalid", "reason")
    missing = await boss.error("package.void", {"sale_id": 9999, "reason": "no such sale"})
    assert missing["code"] == "not_found"
    assert (await boss.ok("client.get", {"id": rita["id"]}))["client"]["balance"] == 7  # nothing taken


async def test_attack_a_trainer_cannot_void_a_sale_to_take_it_off_the_books(clients: Clients) -> None:
    """A trainer may sell a package; voiding one (the money no longer in the revenue report) is the
    admin's: refused, and the sale still counts."""
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    rita = await new_client(boss, "Rita")
    package = await _package(boss, 10, price=42000)
    sale = (await ana.ok("package.sell", {"client_id": rita["id"], "package_id": package["id"]}))["sale"]
    refused = await ana.error("package.void", {"sale_id": sale["id"], "reason": "cash kept"})
    assert refused["code"] == "forbidden"
    today = datetime.now(UTC).date().isoformat()
    revenue = await boss.ok("report.run", {"kind": "revenue", "start": today, "end": today, "by": "month"})
    assert (revenue["totals"]["revenue_cents"], revenue["totals"]["voided_sales"]) == (42000, 0)
    assert (await boss.ok("client.get", {"id": rita["id"]}))["client"]["balance"] == 10


async def test_a_card_says_what_each_sale_still_holds(clients: Clients) -> None:
    """What the desk answers when a client asks how many of a package are left: a ten-pack with
    three spent holds 7 (spends take the oldest valid sale first), an older one that expired holds
    none, one voided holds none."""
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita")
    ten, short = await _package(boss, 10), await _package(boss, 3, days=10)
    old = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    expired = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": short["id"],
                                              "sold_at": format_ts(old)}))["sale"]
    kept = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": ten["id"]}))["sale"]
    mistake = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": ten["id"]}))["sale"]
    await boss.ok("package.void", {"sale_id": mistake["id"], "reason": "twice by mistake"})
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": -3, "reason": "three sessions"})
    card = await boss.ok("client.get", {"id": rita["id"]})
    holds = {p["id"]: p["holds"] for p in card["packages"]}
    assert holds == {expired["id"]: 0, kept["id"]: 7, mistake["id"]: 0}


async def test_a_client_leaving_mid_package_is_refunded_the_unused_part(clients: Clients) -> None:
    """Rita used 4 of her ten and moves away: the 6 left are taken back with a 'returned' entry,
    the 252.00 given back counts against revenue in the month of the refund (the sale stays in the
    month it was made), the card shows it, and nothing more can be refunded, voided or spent
    from it."""
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita")
    ten = await _package(boss, 10, price=42000)
    sold_at = datetime(2032, 2, 10, 10, tzinfo=UTC)
    sale = (await boss.ok("package.sell", {"client_id": rita["id"], "package_id": ten["id"],
                                           "sold_at": format_ts(sold_at)}))["sale"]
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": 2, "reason": "goodwill"})
    await boss.ok("credits.adjust", {"client_id": rita["id"], "delta": -4, "reason": "four sessions"})
    too_much = await boss.error("package.refund", {"sale_id": sale["id"], "refund_cents": 42001,
                                                   "reason": "moving away"})
    assert (too_much["code"], too_much["data"]["field"]) == ("invalid", "refund_cents")
    reply = await boss.ok("package.refund", {"sale_id": sale["id"], "refund_cents": 25200,
                                             "reason": "moving away"})
    assert reply["balance"] == 2  # her goodwill credits stay
    assert (reply["sale"]["refund_credits"], reply["sale"]["refund_cents"], reply["sale"]["refund_reason"]) \
        == (6, 25200, "moving away")
    ledger = (await boss.ok("credits.ledger", {"client_id": rita["id"]}))["entries"]
    assert (ledger[0]["reason"], ledger[0]["delta"], ledger[0]["sale_id"]) == ("returned", -6, sale["id"])
    [listed] = (await boss.ok("client.get", {"id": rita["id"]}))["packages"]
    assert listed["holds"] == 0 and listed["refunded_at"] == reply["sale"]["refunded_at"]
    for rtype, data in (("package.refund", {"refund_cents": 0, "reason": "again"}),
                        ("package.void", {"reason": "and void it"})):
        again = await boss.error(rtype, {"sale_id": sale["id"], **data})
        assert (again["code"], again["data"]["reason"]) == ("conflict", "refunded")
    month = datetime.now(UTC).strftime("%Y-%m")
    today = datetime.now(UTC).date().isoformat()
    then = await boss.ok("report.run", {"kind": "revenue", "start": "2032-02-01", "end": "2032-02-29"})
    assert (then["totals"]["revenue_cents"], then["totals"]["refunds_cents"]) == (42000, 0)
    now = await boss.ok("report.run", {"kind": "revenue", "start": f"{month}-01", "end": today})
    assert [(r["package"], r["sales"], r["revenue_cents"], r["refunds_cents"]) for r in now["rows"]] \
        == [("10 sessions", 0, 0, 25200)]
    credits = await boss.ok("report.run", {"kind": "credits", "start": f"{month}-01", "end": today})
    # given back this month, sold in 2032's February: nothing sold this month, 6 returned
    assert (credits["totals"]["sold"], credits["totals"]["returned"]) == (0, 6)


async def test_attack_a_trainer_cannot_refund_a_sale(clients: Clients) -> None:
    """Money given back is the admin's: a trainer's refund is refused and nothing moves."""
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    rita = await new_client(boss, "Rita")
    package = await _package(boss)
    sale = await ana.ok("package.sell", {"client_id": rita["id"], "package_id": package["id"]})
    refused = await ana.error("package.refund", {"sale_id": sale["sale"]["id"], "refund_cents": 50000,
                                                 "reason": "cash"})
    assert refused["code"] == "forbidden"
    assert (await boss.ok("client.get", {"id": rita["id"]}))["packages"][0]["holds"] == 10
