"""``directory.import``: every row is created, or none, and each bad row is named."""

from __future__ import annotations

from tests.server.support import Clients


async def test_an_import_creates_every_row_and_tells_everyone(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    watcher = await clients.signed_in("vic")
    reply = await boss.ok("directory.import", {
        "trainers": [{"name": "Ana", "specialties": ["yoga"]}, {"name": "Rui", "color": "#1565c0"}],
        "rooms": [{"name": "Studio A", "capacity": 6}],
        "session_types": [{"name": "PT", "duration_min": 45, "credits": 1}]})
    assert reply == {"created": {"trainers": 2, "rooms": 1, "session_types": 1}}
    kinds = [(await watcher.next_event())["kind"] for _ in range(4)]
    assert kinds == ["trainer:created", "trainer:created", "room:created", "session_type:created"]
    directory = await watcher.ok("directory.query")
    assert [t["name"] for t in directory["trainers"]] == ["Ana", "Rui"]
    assert directory["locations"][0]["capacity"] == 6


async def test_an_import_with_bad_rows_creates_nothing_and_names_each_one(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await boss.ok("room.create", {"name": "Studio A"})
    error = await boss.error("directory.import", {
        "trainers": [{"name": "Ana"}, {"name": ""}, {"name": "ana"}, {"name": "Eva", "color": "#777777"}],
        "rooms": [{"name": "studio a"}, {"name": "B", "capacity": "many"}],
        "session_types": [{"name": "PT", "price": 3}]})
    assert error["code"] == "invalid" and "nothing was imported" in error["message"]
    rows = {(r["table"], r["row"], r["field"]) for r in error["data"]["rows"]}
    assert rows == {("trainers", 1, "name"), ("trainers", 2, "name"), ("trainers", 3, "color"),
                    ("rooms", 0, "name"), ("rooms", 1, "capacity"), ("session_types", 0, "price")}
    assert all(r["message"] for r in error["data"]["rows"])
    directory = await boss.ok("directory.query")
    assert directory["trainers"] == [] and directory["session_types"] == []
    assert [loc["name"] for loc in directory["locations"]] == ["Studio A"]
