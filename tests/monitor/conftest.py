"""A real server for monitor tests: a clock the test moves, a recording notifier, short probe timeouts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.support import templates
from tests.support.clock import FakeClock
from tests.support.server import FAST_HASHER, RecordingNotifier, add_users

#: A wall-clock moment on the 5 s grid (2031-03-03T10:00:00Z), far from any real "now".
T0 = 1_930_298_400.0


def make_server(db: Path, clock: FakeClock, notifier: RecordingNotifier | None = None,
                metrics_token: str | None = None) -> EmbeddedServer:
    """A started server whose monitor samples only when the test asks (interval of an hour)."""
    emb = EmbeddedServer(templates.fresh(db), demo=True, hasher=FAST_HASHER)
    monitor = emb.server.monitor
    monitor.clock = clock
    emb.server.group.clock = clock  # the instance's reports on the same clock as its samples
    monitor.interval_s = 3600.0
    monitor.db_busy_timeout_s = 0.2
    monitor.metrics_token = metrics_token
    monitor.metrics_open = metrics_token is None  # these tests read /metrics freely unless given a token
    if notifier is not None:
        emb.server.notifier = notifier
    # A fixed instance name, as `serve --instance-name` gives: on PostgreSQL the id would be
    # host:port, and a restarted test server listens on another port.
    emb.server.group.name = "monitor-test"
    emb.start()
    add_users(emb)
    return emb


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def server(tmp_path: Path, clock: FakeClock, notifier: RecordingNotifier) -> Iterator[EmbeddedServer]:
    emb = make_server(tmp_path / "studio.sqlite3", clock, notifier)
    yield emb
    emb.stop()


def families(text: str) -> dict[str, Any]:
    from prometheus_client.parser import text_string_to_metric_families

    return {f.name: f for f in text_string_to_metric_families(text)}


def value(family: Any, sample_name: str, **labels: str) -> float:
    matches = [s.value for s in family.samples if s.name == sample_name and s.labels == labels]
    assert len(matches) == 1, (sample_name, labels, family.samples)
    return float(matches[0])
