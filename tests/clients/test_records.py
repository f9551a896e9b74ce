"""Client records over a real server: create, update, search, the card, import; roles by name."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from swan_desktop.protocol.timefmt import format_ts, now_utc
from swan_desktop.server import tables
from swan_desktop.server.clients import records
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.server import Clients

from .conftest import new_client


async def test_a_trainer_creates_a_client_and_everyone_hears_of_it(clients: Clients) -> None:
    ana, vic = await clients.signed_in("ana"), await clients.signed_in("vic")
    client = await new_client(
        ana,
        "Rita Lobo",
        email="Rita@Example.com",
        phone="+351 912 345 678",
        tags=["knee", "morning"],
        consent={"reminders": True, "marketing": False},
        birthday="1990-04-01",
    )
    assert client["email"] == "Rita@Example.com" and client["balance"] == 0
    assert client["tags"] == ["knee", "morning"] and client["consent"] == {
        "reminders": True,
        "marketing": False,
    }
    assert client["archived"] is False and client["created_at"]
    event = await vic.event_of("client:created")
    assert event["data"]["client"] == client


async def test_a_viewer_may_search_but_not_create(clients: Clients) -> None:
    vic = await clients.signed_in("vic")
    error = await vic.error("client.create", {"name": "Nope"})
    assert error["code"] == "forbidden"
    assert (await vic.ok("client.search", {"q": "a"}))["clients"]


async def test_a_duplicate_email_is_flagged_on_create(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    first = await new_client(boss, "Ines", email="ines@example.com")
    reply = await boss.ok("client.create", {"name": "Ines B", "email": "INES@example.com"})
    assert reply["duplicates"] == [{"id": first["id"], "name": "Ines"}]


async def test_search_finds_by_name_email_phone_and_tag_and_sessions_by_notes(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita Lobo", email="rita@example.com", phone="912-345-678", tags=["Knee"])
    for q in ("rita", "LOBO", "rita@exa", "912345", "912 345", "knee"):
        found = (await boss.ok("client.search", {"q": q}))["clients"]
        assert rita["id"] in [c["id"] for c in found], q
    session = (
        await boss.ok(
            "session.create",
            {
                "start": "2031-05-05T09:00:00Z",
                "end": "2031-05-05T10:00:00Z",
                "trainer_id": 1,
                "client_id": rita["id"],
                "location": "Studio A",
                "notes": "mind the left shoulder",
            },
        )
    )["session"]
    reply = await boss.ok("client.search", {"q": "shoulder"})
    assert [s["id"] for s in reply["sessions"]] == [session["id"]]
    hit = (await boss.ok("client.search", {"q": "rita lobo"}))["clients"][0]
    assert hit["next_session"]["id"] == session["id"] and hit["last_session"] is None


async def test_an_update_changes_the_record_and_archived_clients_leave_search(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita Lobo")
    updated = await boss.ok(
        "client.update", {"id": rita["id"], "changes": {"phone": "999", "archived": True}}
    )
    assert updated["client"]["phone"] == "999" and updated["client"]["archived"] is True
    assert not (await boss.ok("client.search", {"q": "rita lobo"}))["clients"]
    assert (await boss.ok("client.search", {"q": "rita lobo", "include_archived": True}))["clients"]
    error = await boss.error("client.update", {"id": rita["id"], "changes": {"email": "not an email"}})
    assert error["code"] == "invalid" and error["data"]["field"] == "changes.email"


async def test_the_card_lists_sessions_stats_ledger_packages_and_messages(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    rita = await new_client(boss, "Rita Lobo")
    await boss.ok(
        "session.create",
        {
            "start": "2031-05-05T09:00:00Z",
            "end": "2031-05-05T10:00:00Z",
            "trainer_id": 1,
            "client_id": rita["id"],
            "location": "Studio A",
        },
    )
    card = await boss.ok("client.get", {"id": rita["id"]})
    assert set(card) == {"client", "upcoming", "past", "stats", "ledger", "packages", "messages"}
    assert len(card["upcoming"]) == 1 and card["past"] == []
    assert card["stats"] == {"attended": 0, "no_shows": 0, "late_cancellations": 0, "timely_cancellations": 0}
    error = await boss.error("client.get", {"id": 999999})
    assert error["code"] == "not_found"


async def test_import_is_all_or_nothing_and_names_each_bad_row(clients: Clients) -> None:
    boss, ana = await clients.signed_in("boss"), await clients.signed_in("ana")
    await new_client(boss, "Existing", email="taken@example.com")
    rows = [
        {"name": "A", "email": "a@example.com"},
        {"name": ""},
        {"name": "C", "email": "taken@example.com"},
        {"name": "D", "shoe": 42},
    ]
    error = await boss.error("client.import", {"clients": rows})
    assert error["code"] == "invalid"
    assert [(r["row"], r["field"]) for r in error["data"]["rows"]] == [(2, "name"), (3, "email"), (4, "shoe")]
    assert not (await boss.ok("client.search", {"q": "a@example.com"}))["clients"]
    reply = await boss.ok("client.import", {"clients": [rows[0], rows[2]], "on_duplicate_email": "skip"})
    assert reply == {"created": 1, "skipped": 1}
    forbidden = await ana.error("client.import", {"clients": [rows[0]]})
    assert forbidden["code"] == "forbidden"


async def test_attack_a_trainer_adding_clients_in_a_loop_stops_at_the_daily_allowance(
        clients: Clients, server: EmbeddedServer) -> None:
    """Every client rides in ``directory.query`` to every desktop at sign-in: a trainer account
    adding clients in a loop made every PC's sign-in slower by the day. It now stops at 100 in
    any 24 hours; the refusal says so and loses nothing; other accounts are not held back; and
    once a day has passed the account may add again."""
    ana, boss, vic = [await clients.signed_in(n) for n in ("ana", "boss", "vic")]
    for n in range(records.ADDED_PER_DAY):
        await new_client(ana, f"Loop {n}")
    error = await ana.error("client.create", {"name": "One too many"})
    assert error["code"] == "forbidden" and error["data"]["reason"] == "client-allowance"
    assert "added 100 clients in the last 24 hours" in error["message"]
    assert 23 * 3600 < error["data"]["retry_after_s"] <= 24 * 3600
    found = (await vic.ok("client.search", {"q": "loop", "limit": 100}))["clients"]
    assert len(found) == records.ADDED_PER_DAY, "the 100 are kept"
    assert not (await vic.ok("client.search", {"q": "one too many"}))["clients"], "the refused one not added"
    assert (await new_client(boss, "An admin's client"))["id"], "admins are not counted"
    await ana.ok("client.update", {"id": found[-1]["id"], "changes": {"notes": "still editable"}})

    def a_day_ago(store: Store) -> None:  # the clock moved on (a test cannot wait a day)
        with store.transaction():
            store.db.execute(update(tables.clients).where(tables.clients.c.name == "Loop 0")
                             .values(created_at=format_ts(now_utc() - timedelta(days=1, seconds=1))))

    server.server.store.submit(a_day_ago)
    assert (await new_client(ana, "The next day"))["name"] == "The next day"
    again = await ana.error("client.create", {"name": "And again"})
    assert again["data"]["reason"] == "client-allowance"


async def test_an_admin_exports_every_client_page_by_page_archived_ones_too(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    made = [await new_client(boss, name, email=f"{name.lower().replace(' ', '.')}@example.com")
            for name in ("Ines", "Rui", "Ana Sofia")]
    await boss.ok("client.update", {"id": made[1]["id"], "changes": {"archived": True}})
    seen: list[dict] = []
    after, pages = 0, 0
    while True:
        reply = await boss.ok("client.export", {"after_id": after, "limit": 2})
        seen.extend(reply["clients"])
        pages += 1
        if not reply["more"]:
            break
        after = reply["after_id"]
    ids = [c["id"] for c in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), "each once, in id order"
    mine = {c["id"]: c for c in seen if c["id"] in {m["id"] for m in made}}
    assert [mine[m["id"]]["name"] for m in made] == ["Ines", "Rui", "Ana Sofia"]
    assert mine[made[1]["id"]]["archived"] is True, "archived clients are exported too"
    assert mine[made[0]["id"]] == (await boss.ok("client.get", {"id": made[0]["id"]}))["client"]
    assert pages == -(-len(seen) // 2)
    error = await boss.error("client.export", {"limit": 1001})
    assert (error["code"], error["data"]["field"]) == ("invalid", "limit")


async def test_attack_a_trainer_or_a_viewer_cannot_take_the_whole_client_list(clients: Clients) -> None:
    """Searching shows a few clients at a time to anyone signed in; the whole list, with every
    email and phone number, leaves the studio only in an admin's hands."""
    for name in ("ana", "vic"):
        ws = await clients.signed_in(name)
        assert (await ws.error("client.export", {}))["code"] == "forbidden"
