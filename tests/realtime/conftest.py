"""Fixtures for the real-time layer: a server that can be stopped and started
again on the same port and database, a chaos proxy in front of it, and
clients with short timers so outages resolve in test time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.net.backoff import Backoff
from swan_desktop.net.breaker import CircuitBreaker
from swan_desktop.net.link import LinkState
from swan_desktop.server.embedded import EmbeddedServer
from tests.support import templates
from tests.support.proxy import ChaosProxy
from tests.support.server import FAST_HASHER, add_users, signed_in_client


class RestartableServer:
    """A real server on a fixed loopback port whose database outlives restarts."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = 0  # the kernel picks it at the first start; every restart takes it again
        self.server: EmbeddedServer | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.server = EmbeddedServer(templates.fresh(self.db), demo=True, port=self.port, hasher=FAST_HASHER)
        self.server.start()
        self.port = self.server.port

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    # From async tests: off the loop, so the clients on it can answer the
    # server's closing handshake while it shuts down.
    async def astop(self) -> None:
        await asyncio.to_thread(self.stop)

    async def astart(self) -> None:
        await asyncio.to_thread(self.start)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[RestartableServer]:
    srv = RestartableServer(tmp_path / "studio.sqlite3")
    srv.start()
    assert srv.server is not None
    add_users(srv.server)
    yield srv
    srv.stop()


@pytest.fixture
async def proxy(studio: RestartableServer) -> AsyncIterator[ChaosProxy]:
    p = ChaosProxy("127.0.0.1", studio.port)
    await p.start()
    yield p
    await p.stop()


def quick_link(**overrides: Any) -> dict[str, Any]:
    """Timers short enough for a test; the same mechanisms as in the app."""
    options: dict[str, Any] = {
        "backoff": Backoff(0.02, 0.2),
        "breaker": CircuitBreaker(failure_threshold=5, open_seconds=0.5),
        "request_timeout": 2.0,
        "resend_wait": 0.05,
    }
    options.update(overrides)
    return options


@pytest.fixture
async def connect(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """``await connect(url, "ana", pc="a", **link_options)`` → a signed-in StudioClient."""
    opened: list[StudioClient] = []

    async def _connect(url: str, username: str, pc: str = "pc", **link_options: Any) -> StudioClient:
        client = await signed_in_client(url, username, tmp_path / pc, **quick_link(**link_options))
        opened.append(client)
        return client

    yield _connect
    for client in opened:
        await client.close()


def is_live(client: StudioClient) -> Callable[[], bool]:
    return lambda: client.link.state is LinkState.LIVE
