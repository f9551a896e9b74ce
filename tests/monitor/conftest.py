"""A real server for monitor tests: a clock the test moves, a recording notifier, short probe timeouts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.server.support import FAST_HASHER, Clients, add_users

T = TypeVar("T")

#: A wall-clock moment on the 5 s grid (2031-03-03T10:00:00Z), far from any real "now".
T0 = 1_930_298_400.0


class FakeClock:
    """Wall-clock seconds that move only when the test says so."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingNotifier:
    """Stands in for the notification service: records what the monitor asks it to tell."""

    def __init__(self) -> None:
        self.sent: list[tuple[Recipients, Notice]] = []

    async def notify(self, recipients: Recipients, notice: Notice) -> None:
        self.sent.append((recipients, notice))


def make_server(db: Path, clock: FakeClock, notifier: RecordingNotifier | None = None,
                metrics_token: str | None = None) -> EmbeddedServer:
    """A started server whose monitor samples only when the test asks (interval of an hour)."""
    emb = EmbeddedServer(db, demo=True, hasher=FAST_HASHER)
    monitor = emb.server.monitor
    monitor.clock = clock
    monitor.interval_s = 3600.0
    monitor.db_busy_timeout_s = 0.2
    monitor.metrics_token = metrics_token
    monitor.metrics_open = metrics_token is None  # these tests read /metrics freely unless given a token
    if notifier is not None:
        emb.server.notifier = notifier
    emb.start()
    add_users(emb)
    return emb


async def on_server(emb: EmbeddedServer, make: Callable[[], Awaitable[T]]) -> T:
    """Await ``make()`` on the server's own loop (the monitor lives there)."""
    future = emb.call(lambda: asyncio.run_coroutine_threadsafe(make(), asyncio.get_running_loop()))
    return await asyncio.wrap_future(future)  # type: ignore[arg-type]


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for a condition the server's loop will make true (polling at 10 ms)."""
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)


async def http_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def server(tmp_path: Path, clock: FakeClock, notifier: RecordingNotifier) -> Iterator[EmbeddedServer]:
    emb = make_server(tmp_path / "studio.sqlite3", clock, notifier)
    yield emb
    emb.stop()


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()


def families(text: str) -> dict[str, Any]:
    from prometheus_client.parser import text_string_to_metric_families

    return {f.name: f for f in text_string_to_metric_families(text)}


def value(family: Any, sample_name: str, **labels: str) -> float:
    matches = [s.value for s in family.samples if s.name == sample_name and s.labels == labels]
    assert len(matches) == 1, (sample_name, labels, family.samples)
    return float(matches[0])
