"""A real server with short collaboration timings, and plain protocol clients against it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.server.collab import CollabConfig
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from tests.support.server import RecordingNotifier, start_server

#: Timings short enough for tests; the mechanisms are the ones the server runs with.
FAST = CollabConfig(presence_timeout=0.4, lease_s=0.4, sweep_s=0.02)


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


def configure(server: EmbeddedServer, **changes: Any) -> None:
    server.server.collab.config = dataclasses.replace(server.server.collab.config, **changes)


def user_ids(server: EmbeddedServer) -> dict[str, int]:
    from swan_desktop.server.store import Store

    return {a.username: a.id for a in server.server.store.submit(Store.accounts)}
