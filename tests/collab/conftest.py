"""A real server with short collaboration timings, and plain protocol clients against it."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.server.collab import CollabConfig
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.notifier_api import Notice, Recipients
from tests.server.support import Clients, WsClient, start_server

#: Timings short enough for tests; the mechanisms are the ones the server runs with.
FAST = CollabConfig(presence_timeout=0.4, lease_s=0.4, sweep_s=0.02)


class RecordingNotifier:
    """Stands in for the notification service (a separate feature) and keeps what it was told."""

    def __init__(self) -> None:
        self.sent: list[tuple[Recipients, Notice]] = []

    async def notify(self, recipients: Recipients, notice: Notice) -> None:
        self.sent.append((recipients, notice))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    # No request-rate limit: the presence throttle is what is under test, not the request bucket.
    srv = start_server(tmp_path / "studio.sqlite3", limits=Limits(rate=0))
    srv.server.collab.config = FAST
    yield srv
    srv.stop()


@pytest.fixture
def notifier(server: EmbeddedServer) -> RecordingNotifier:
    recorder = RecordingNotifier()
    server.server.notifier = recorder
    return recorder


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    pool = Clients(server)
    yield pool
    await pool.close()


def configure(server: EmbeddedServer, **changes: Any) -> None:
    server.server.collab.config = dataclasses.replace(server.server.collab.config, **changes)


async def event_of(client: WsClient, kind: str, timeout: float = 5.0) -> dict[str, Any]:
    """The next event of ``kind`` (others before it are skipped)."""
    while True:
        event = await client.next_event(timeout)
        if event["kind"] == kind:
            return event


def user_ids(server: EmbeddedServer) -> dict[str, int]:
    from swan_desktop.server.store import Store

    return {a.username: a.id for a in server.server.store.submit(Store.accounts)}
