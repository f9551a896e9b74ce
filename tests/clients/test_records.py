"""Client records over a real server: create, update, search, the card, import; roles by name."""

from __future__ import annotations

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
