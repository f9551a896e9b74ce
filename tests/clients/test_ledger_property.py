"""A randomized property over a real server: sells, bookings, completions, cancellations, adjustments
and lapses sent two at a time from two connections; afterwards the balance is the ledger's sum and
what the rules say.

The rules the model follows (docs/protocol.md, Clients): a sale adds its package's credits; a
completion spends the session's credits once (a repeated completion spends nothing); a timely
cancellation of a completed session refunds them; an adjustment adds its delta; credits of a sale
past its expiry lapse (oldest sale first; the client starts with 100 credits, so nothing is ever
spent from an expired sale and each lapses whole).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from tests.support.server import Clients, WsClient, on_server, start_server

Op = tuple[str, int]
OPS = st.one_of(
    st.tuples(st.just("sell"), st.integers(0, 1)),
    st.tuples(st.just("book"), st.integers(0, 0)),
    st.tuples(st.just("complete"), st.integers(0, 7)),
    st.tuples(st.just("cancel"), st.integers(0, 7)),
    st.tuples(st.just("adjust"), st.sampled_from([-3, -1, 1, 2])),
    st.tuples(st.just("lapse"), st.integers(0, 0)),
)
_slots = itertools.count()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory, db_engine: str) -> Iterator[EmbeddedServer]:
    """One server for every example, made once per engine (it takes ``db_engine``)."""
    server = start_server(tmp_path_factory.mktemp("ledger") / "studio.sqlite3", limits=Limits(rate=0))
    yield server
    server.stop()


@dataclass
class Model:
    balance: int = 100
    expired_sold: int = 0
    sessions: list[dict[str, Any]] = field(default_factory=list)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=2, max_size=14))
def test_the_balance_is_the_ledger_sum_and_follows_the_rules(
    shared_server: EmbeddedServer, ops: list[Op]
) -> None:
    asyncio.run(_scenario(shared_server, ops))


async def _scenario(server: EmbeddedServer, ops: list[Op]) -> None:
    pool = Clients(server)
    try:
        boss, other = await pool.signed_in("boss", sync=False), await pool.signed_in("boss", sync=False)
        client = (await boss.ok("client.create", {"name": "Prop"}))["client"]["id"]
        await boss.ok("credits.adjust", {"client_id": client, "delta": 100, "reason": "start"})
        packages = [
            (await boss.ok("package.create", {"name": name, "credits": credits, "validity_days": days}))[
                "package"
            ]["id"]
            for name, credits, days in (("valid", 5, 365), ("short", 3, 30))
        ]
        model = Model()
        for pair in itertools.zip_longest(ops[::2], ops[1::2]):
            runs = [
                _apply(ws, op, client, packages, model, server)
                for ws, op in zip((boss, other), pair, strict=True)
                if op is not None
            ]
            for effect in await asyncio.gather(*runs):
                effect()
        await on_server(server, server.server.clients.lapse)
        model.balance -= model.expired_sold
        entries = await _ledger(boss, client)
        card = await boss.ok("client.get", {"id": client})
        assert card["client"]["balance"] == sum(e["delta"] for e in entries) == model.balance
        assert -sum(e["delta"] for e in entries if e["reason"] == "expiry") == model.expired_sold
        assert all(
            e["balance_after"] == sum(x["delta"] for x in entries if x["id"] <= e["id"]) for e in entries
        )
    finally:
        await pool.close()


async def _ledger(ws: WsClient, client: int) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    before = None
    while True:
        page = await ws.ok(
            "credits.ledger", {"client_id": client, "limit": 200, **({"before": before} if before else {})}
        )
        entries += page["entries"]
        if not page["more"]:
            return entries
        before = page["before"]


async def _apply(
    ws: WsClient, op: Op, client: int, packages: list[int], model: Model, server: EmbeddedServer
) -> Any:
    """Send ``op``; returns what it does to the model once its reply is in (applied in pair order)."""
    kind, arg = op
    nothing = lambda: None  # noqa: E731
    if kind == "sell":
        sold = datetime.now(UTC) - timedelta(days=40) if arg == 1 else datetime.now(UTC)
        await ws.ok(
            "package.sell",
            {
                "client_id": client,
                "package_id": packages[arg],
                "sold_at": format_ts(sold.replace(microsecond=0)),
            },
        )
        return lambda: _sold(model, arg)
    if kind == "adjust":
        await ws.ok("credits.adjust", {"client_id": client, "delta": arg, "reason": "property"})
        return lambda: setattr(model, "balance", model.balance + arg)
    if kind == "lapse":
        await on_server(server, server.server.clients.lapse)
        return nothing
    if kind == "book":
        start = datetime(2033, 1, 3, 6, tzinfo=UTC) + timedelta(hours=next(_slots))
        reply = await ws.ok(
            "session.create",
            {
                "start": format_ts(start),
                "end": format_ts(start + timedelta(hours=1)),
                "trainer_id": 1,
                "client_id": client,
                "allow_overlap": True,
            },
        )
        return lambda: model.sessions.append(dict(reply["session"]))
    if not model.sessions:
        return nothing
    held = model.sessions[arg % len(model.sessions)]
    status = "completed" if kind == "complete" else "cancelled"
    reply = await ws.request(
        "session.update", {"id": held["id"], "version": held["version"], "changes": {"status": status}}
    )
    if not reply["ok"]:
        return nothing  # refused (a stale version, or a move the workflow does not allow): no credits move
    return lambda: _moved(model, held, reply["data"]["session"])


def _sold(model: Model, package: int) -> None:
    model.balance += 5 if package == 0 else 3
    if package == 1:
        model.expired_sold += 3


def _moved(model: Model, held: dict[str, Any], now: dict[str, Any]) -> None:
    if now["status"] == "completed" and held["status"] != "completed":
        model.balance -= 1
    elif now["status"] == "cancelled" and held["status"] == "completed":
        model.balance += 1  # 2033: well before the cancellation window
    held.update(status=now["status"], version=now["version"])
