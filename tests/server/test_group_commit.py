"""Group commit: mutations that wait for the store's worker run in ONE transaction, each in its
own savepoint, and each gets its own reply and events after the one commit.

The worker is held busy by a job that waits on a gate, so the requests sent meanwhile are
certainly waiting together when it is released (no timing is asserted).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.pipeline import Change, Stage
from swan_desktop.server.store import Store
from tests.support.poll import until
from tests.support.server import Clients, WsClient, session_data


@contextmanager
def worker_held(server: EmbeddedServer) -> Iterator[threading.Event]:
    """The store's worker busy until the gate is set (at the latest when the block ends)."""
    gate, holding = threading.Event(), threading.Event()

    def hold(store: Store) -> None:
        holding.set()
        gate.wait(20)

    thread = threading.Thread(target=server.server.store.submit, args=(hold,), daemon=True)
    thread.start()
    try:
        assert holding.wait(10), "the worker did not start the holding job"
        yield gate
    finally:
        gate.set()
        thread.join(10)


async def send(client: WsClient, rid: str, rtype: str, data: dict[str, Any]) -> None:
    await client.send_raw(json.dumps({"type": rtype, "id": rid, "data": data}))


async def writers(clients: Clients, count: int) -> tuple[list[WsClient], list[dict[str, Any]]]:
    """``count`` admin connections (not synced: they get no events), each with a session of its own."""
    boss = [await clients.signed_in("boss", sync=False) for _ in range(count)]
    made = []
    for i, client in enumerate(boss):
        data = session_data(start=f"2031-05-0{i + 1}T10:00:00Z", end=f"2031-05-0{i + 1}T11:00:00Z")
        made.append((await client.ok("session.create", data))["session"])
    return boss, made


def update(session: dict[str, Any], notes: str, version: int | None = None) -> dict[str, Any]:
    return {"id": session["id"], "version": session["version"] if version is None else version,
            "changes": {"notes": notes}}


async def updated_events(watcher: WsClient, count: int) -> list[dict[str, Any]]:
    return [await watcher.event_of("session:updated") for _ in range(count)]


async def test_waiting_updates_commit_once_and_each_gets_its_own_reply(server, clients) -> None:
    boss, sessions = await writers(clients, 4)
    watcher = await clients.signed_in("vic")
    commits = server.server.dispatcher.commits
    registry = server.server.metrics.registry

    def observed() -> tuple[float, float]:
        return (registry.get_sample_value("swan_commit_group_changes_count") or 0.0,
                registry.get_sample_value("swan_commit_group_changes_sum") or 0.0)

    with worker_held(server) as gate:
        groups, items = commits.groups, commits.items
        commits_before, changes_before = observed()
        for i, (client, session) in enumerate(zip(boss, sessions, strict=True)):
            await send(client, f"u{i}", "session.update", update(session, f"note {i}"))
        await until(lambda: commits.waiting == 4, what="the four updates waiting for the worker")
        gate.set()
        replies = [await client.reply_to(f"u{i}") for i, client in enumerate(boss)]
    assert (commits.groups - groups, commits.items - items) == (1, 4)
    commits_after, changes_after = observed()
    assert (commits_after - commits_before, changes_after - changes_before) == (1, 4)  # /metrics says so
    for i, (reply, session) in enumerate(zip(replies, sessions, strict=True)):
        assert reply["ok"] is True, reply
        assert reply["data"]["session"]["id"] == session["id"]
        assert reply["data"]["session"]["notes"] == f"note {i}"
        assert reply["data"]["session"]["version"] == session["version"] + 1
    events = await updated_events(watcher, 4)
    assert [e["data"]["session"]["notes"] for e in events] == [f"note {i}" for i in range(4)]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == 4


async def test_a_refusal_in_a_group_undoes_only_itself_and_is_kept(server, clients) -> None:
    boss, sessions = await writers(clients, 3)
    watcher = await clients.signed_in("vic")
    commits = server.server.dispatcher.commits
    stale = update(sessions[1], "stale", version=sessions[1]["version"] - 1 or 99)
    with worker_held(server) as gate:
        groups = commits.groups
        await send(boss[0], "a", "session.update", update(sessions[0], "first"))
        await send(boss[1], "b", "session.update", stale)
        await send(boss[2], "c", "session.update", update(sessions[2], "third"))
        await until(lambda: commits.waiting == 3, what="the three updates waiting for the worker")
        gate.set()
        first, refused, third = [await c.reply_to(rid) for c, rid in zip(boss, "abc", strict=True)]
    assert commits.groups - groups == 1
    assert first["ok"] and third["ok"]
    assert refused["ok"] is False and refused["error"]["code"] == "conflict"
    events = await updated_events(watcher, 2)
    assert [e["data"]["session"]["notes"] for e in events] == ["first", "third"]
    # The refusal was kept with the group: the same request again gets the same answer.
    again = await boss[1].request("session.update", stale, rid="b")
    assert again == refused
    stored = server.server.store.submit(Store.session, sessions[1]["id"])
    assert stored is not None and stored.version == sessions[1]["version"] and stored.notes != "stale"
    # And a success is replayed, not run again: no second event.
    replay = await boss[0].request("session.update", update(sessions[0], "first"), rid="a")
    assert replay == first
    await boss[2].ok("session.update", update(sessions[2], "after", third["data"]["session"]["version"]))
    assert (await watcher.event_of("session:updated"))["data"]["session"]["notes"] == "after"


async def test_the_same_request_twice_in_one_group_runs_once(server, clients) -> None:
    # A desktop that lost its link resends on its new connection (same user, same request id).
    boss, sessions = await writers(clients, 1)
    resender = await clients.signed_in("boss", sync=False)
    watcher = await clients.signed_in("vic")
    commits = server.server.dispatcher.commits
    with worker_held(server) as gate:
        for client in (boss[0], resender):
            await send(client, "same", "session.update", update(sessions[0], "once"))
        await until(lambda: commits.waiting == 2, what="the request and its resend waiting")
        gate.set()
        replies = [await client.reply_to("same") for client in (boss[0], resender)]
    assert replies[0] == replies[1] and replies[0]["ok"]
    await boss[0].ok("session.update", update(sessions[0], "next", sessions[0]["version"] + 1))
    notes = [e["data"]["session"]["notes"] for e in await updated_events(watcher, 2)]
    assert notes == ["once", "next"]


async def test_a_failing_hook_in_a_group_fails_only_its_change(server, clients) -> None:
    boss, sessions = await writers(clients, 2)
    watcher = await clients.signed_in("vic")
    commits = server.server.dispatcher.commits

    def explode(change: Change) -> None:
        if change.after is not None and change.after.notes == "explode":
            raise RuntimeError("a bug in a hook")

    server.server.pipeline.hook("session.update", Stage.AFTER_WRITE, explode, 99)
    with worker_held(server) as gate:
        await send(boss[0], "x", "session.update", update(sessions[0], "explode"))
        await send(boss[1], "y", "session.update", update(sessions[1], "fine"))
        await until(lambda: commits.waiting == 2, what="both updates waiting")
        gate.set()
        failed, fine = await boss[0].reply_to("x"), await boss[1].reply_to("y")
    assert failed["ok"] is False and failed["error"]["code"] == "internal"
    assert fine["ok"] is True
    assert (await watcher.event_of("session:updated"))["data"]["session"]["notes"] == "fine"
    stored = server.server.store.submit(Store.session, sessions[0]["id"])
    assert stored is not None and stored.notes != "explode" and stored.version == sessions[0]["version"]


def test_a_transaction_inside_a_group_is_a_savepoint(tmp_path) -> None:
    store = Store(tmp_path / "s.db")
    published: list[list[str]] = []
    store.on_events = lambda events: published.append([e.event.kind for e in events])
    try:
        with store.group():
            with store.transaction() as tx:
                tx.emit("kept:one", {})
            try:
                with store.transaction() as tx:
                    tx.emit("undone", {})
                    store.add_location("gone")
                    raise ProtocolError.from_wire({"code": "conflict", "message": "no"})
            except ProtocolError:
                pass
            with store.transaction() as tx:
                tx.emit("kept:two", {})
            assert published == []  # nothing is published before the commit
        assert published == [["kept:one", "kept:two"]]
        assert "gone" not in [loc.name for loc in store.locations()]
        seqs = [e.event.seq for e in store.events_between(0, store.head_seq())]
        assert seqs == sorted(seqs) and len(seqs) == 2
    finally:
        store.close()
