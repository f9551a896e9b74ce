"""``client.search`` as the user types: every word matches the start of a word (PostgreSQL) or
any part of the text (SQLite's trigrams), and whatever is typed is only ever words to look for."""

from __future__ import annotations

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.storage import dialect
from swan_desktop.server.storage.schema import CLIENT_INDEX, SEARCH_INDEX
from swan_desktop.server.store import Store
from tests.support.server import Clients, WsClient, session_data

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


async def test_sessions_found_are_the_newest_matches_whichever_way_they_are_found(
        clients: Clients, server: EmbeddedServer, monkeypatch) -> None:
    """On PostgreSQL a word common in the newest sessions is found by reading them newest first, a
    rarer one through the words index; both give the newest matches, as SQLite's index does. The
    window is made small here (it is 20,000) so that twelve sessions take both ways."""
    monkeypatch.setattr(dialect, "NEWEST_WINDOW", 5)
    boss = await clients.signed_in("boss")
    made = []
    for day in range(1, 13):
        notes = "knee" + (" towel" if day in (2, 4, 6) else "")
        data = session_data(start=f"2031-05-{day:02d}T10:00:00Z", end=f"2031-05-{day:02d}T11:00:00Z",
                            notes=notes, allow_overlap=True)
        made.append((await boss.ok("session.create", data))["session"]["id"])

    def newest(words: str, count: int) -> list[int]:
        return list(server.server.store.submit(
            lambda store: dialect.newest_matches(store.db, SEARCH_INDEX, words, count)))

    assert newest("knee", 3) == made[::-1][:3], "common among the newest: read newest first"
    assert newest("towel", 3) == [made[5], made[3], made[1]], "rare among them: through the index"
    assert newest("towel", 2) == [made[5], made[3]]
    assert newest("nothing", 3) == []
    found = (await boss.ok("client.search", {"q": "towel"}))["sessions"]
    assert [s["id"] for s in found] == [made[5], made[3], made[1]]


async def test_on_postgresql_the_words_index_can_serve_each_search(server: EmbeddedServer,
                                                                   db_engine: str) -> None:
    """The index must be over the very expression the search matches, or the planner cannot use
    it and every search reads every row (0.2–1.3 s at 500,000 sessions). With table scans
    turned off, the plans show whether it can."""
    if db_engine != "postgresql":
        pytest.skip("SQLite's full-text tables are their own index")

    def plans(store: Store) -> list[str]:
        out = []
        with store.transaction():
            store.db.exec_driver_sql("SET LOCAL enable_seqscan = off")
            for name in (CLIENT_INDEX, SEARCH_INDEX):
                query = dialect.text_matches(name, "anna knee")
                sql = query.compile(store.db, compile_kwargs={"literal_binds": True})
                out.append("\n".join(r[0] for r in store.db.exec_driver_sql(f"EXPLAIN {sql}")))
        return out

    clients_plan, sessions_plan = server.server.store.submit(plans)
    assert "clients_search_words" in clients_plan, clients_plan
    assert "sessions_search_words" in sessions_plan, sessions_plan
