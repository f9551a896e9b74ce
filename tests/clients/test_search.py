"""``client.search`` as the user types: every word matches the start of a word (PostgreSQL) or
any part of the text (SQLite's trigrams), and whatever is typed is only ever words to look for."""

from __future__ import annotations

from tests.support.server import Clients, WsClient

from .conftest import new_client


async def _names(ws: WsClient, q: str) -> list[str]:
    return [c["name"] for c in (await ws.ok("client.search", {"q": q}))["clients"]]


async def test_results_come_as_the_name_is_typed(clients: Clients, db_engine: str) -> None:
    boss = await clients.signed_in("boss")
    for name in ("Anna Berg", "Annika Holm", "Bruno Diaz", "Hannah Lee"):
        await new_client(boss, name)
    assert "Anna Berg" in await _names(boss, "ann")
    assert "Annika Holm" in await _names(boss, "ann")
    assert "Annika Holm" not in await _names(boss, "anna")
    # PostgreSQL matches the start of words; SQLite's trigram index any part of the text, as before
    assert ("Hannah Lee" in await _names(boss, "ann")) is (db_engine == "sqlite")
    assert await _names(boss, "ann ber") == ["Anna Berg"], "every word, each a prefix"
    assert await _names(boss, "bru dia") == ["Bruno Diaz"]
    assert await _names(boss, "brux") == []


HOSTILE = ("a:* | !b & (", "ann:* | bru", "!ann", "ann & !bru", "'ann'", '"ann"', "ann\\", "\\\\ann",
           "o'brien", "x' | 'y", "ann)", "(ann", "<-> ann", "ann:A", "''''", "\\'", '"""', "ann' | 'bru")


async def test_hostile_input_is_words_to_look_for_never_query_syntax(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await new_client(boss, "Anna Berg")
    await new_client(boss, "Bruno Diaz")
    await new_client(boss, "Sean O'Brien")
    for q in HOSTILE:
        reply = await boss.request("client.search", {"q": q})
        assert reply["ok"], (q, reply)  # never a database error
        found = [c["name"] for c in reply["data"]["clients"]]
        assert "Bruno Diaz" not in found, f"{q!r}: no operator in the text widened the search"
        assert "Sean O'Brien" not in found or "o'brien" in q


async def test_quotes_and_backslashes_in_a_name_are_found(clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    await new_client(boss, "Sean O'Brien")
    await new_client(boss, "Back\\Slash Studio")
    await new_client(boss, "Anna Berg")
    assert await _names(boss, "o'bri") == ["Sean O'Brien"]
    assert await _names(boss, "back\\sla") == ["Back\\Slash Studio"]
