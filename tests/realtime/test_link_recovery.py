"""The link notices trouble and recovers by itself: a stalled connection is
caught by the heartbeat, repeated failures open the circuit breaker (and
"Retry now" probes at once), and lost history means a full reload."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from swan_desktop.net.backoff import Backoff
from swan_desktop.net.breaker import CircuitBreaker
from swan_desktop.net.link import LinkState
from swan_desktop.server.store import Store
from tests.support.poll import until
from tests.support.server import free_port

from .conftest import is_live


def session_fields(i: int) -> dict:
    start = datetime(2033, 1, 3, 9, tzinfo=UTC) + timedelta(days=i)
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), "trainer_id": 2}


async def test_stalled_connection_is_noticed_within_the_heartbeat_timeout(proxy, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana",
                        heartbeat_interval=0.2, heartbeat_timeout=0.5)
    states: list[LinkState] = []
    ana.link.on_state = lambda state, detail: states.append(state)
    loop_time = asyncio.get_running_loop().time
    proxy.stall(True)  # bytes vanish, but the socket stays open: TCP would wait for minutes
    stalled_at = loop_time()
    await until(lambda: LinkState.RECONNECTING in states, timeout=3)
    assert loop_time() - stalled_at < 0.2 + 0.5 + 0.5  # interval + timeout + scheduling slack
    proxy.stall(False)
    await until(is_live(ana), timeout=15)
    assert ana.link.reconnects == 1
    assert ana.link.metrics.snapshot().latency_samples >= 1  # the heartbeat measured latency


async def test_breaker_opens_after_five_failures_and_retry_now_probes_at_once(proxy, connect) -> None:
    breaker = CircuitBreaker(failure_threshold=5, open_seconds=60.0)  # only "Retry now" reopens
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", breaker=breaker)
    states: list[LinkState] = []
    ana.link.on_state = lambda state, detail: states.append(state)
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: ana.link.state is LinkState.CIRCUIT_OPEN)
    assert breaker.consecutive_failures == 5
    assert proxy.refused == 5  # five attempts, then the breaker stopped them
    proxy.refuse(False)
    ana.link.retry_now()
    await until(is_live(ana))
    assert states[-1] is LinkState.LIVE and breaker.state.value == "closed"


async def test_retry_now_while_the_circuit_is_open_skips_the_backoff(proxy, connect) -> None:
    breaker = CircuitBreaker(failure_threshold=5, open_seconds=60.0)
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", breaker=breaker)
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: ana.link.state is LinkState.CIRCUIT_OPEN)
    proxy.refuse(False)
    ana.link.backoff = Backoff(30.0, 30.0)  # any backoff pause now would outlast the wait below
    ana.link.retry_now()
    await until(is_live(ana), timeout=5)
    assert breaker.state.value == "closed"


async def test_missed_events_are_replayed_in_order_after_a_drop(proxy, studio, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", pc="a")
    boss = await connect(studio.url, "boss", pc="b")
    seen: list[int] = []
    ana.router.register("session:", lambda e: seen.append(e.seq))
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: ana.link.state is not LinkState.LIVE)
    made = [await boss.create_session(session_fields(i)) for i in range(5)]
    resynced: list[bool] = []
    ana.on_resynced = lambda: resynced.append(True)
    proxy.refuse(False)
    await until(lambda: all(ana.store.get(s.id) is not None for s in made))
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 5
    assert resynced == []  # the server still had the history: replay, not reload


async def test_lost_history_means_a_reload_and_the_user_is_told(proxy, studio, connect) -> None:
    ana = await connect(f"ws://127.0.0.1:{proxy.port}/", "ana", pc="a")
    boss = await connect(studio.url, "boss", pc="b")
    proxy.refuse(True)
    proxy.cut()
    await until(lambda: ana.link.state is not LinkState.LIVE)
    await boss.create_session(session_fields(10))
    studio.server.server.store.submit(Store.prune, 0, 0)  # history gone on the server
    resynced: list[bool] = []
    ana.on_resynced = lambda: resynced.append(True)
    old_epoch = ana.router.epoch
    proxy.refuse(False)
    await until(lambda: bool(resynced))
    assert ana.router.epoch == old_epoch and ana.router.seq == boss.router.seq
    assert ana.link.live


async def test_a_link_given_several_addresses_moves_on_from_one_that_is_down(studio, connect) -> None:
    dead = f"ws://127.0.0.1:{free_port()}/"  # nothing listens there
    ana = await connect(f"{dead}, {studio.url}", "ana")
    assert ana.link.urls == [dead, studio.url.strip()]
    assert ana.link.url == studio.url and is_live(ana)()
