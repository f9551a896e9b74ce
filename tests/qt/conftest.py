"""Fixtures for the schedule widgets.

On a real server: the sample studio (``sample``), reached through a proxied line (``line``, to
hold the server's answers back), a desktop signed in as an admin (``desk``, the app's own
``StudioClient``) whose store is loaded from that server, a pane on it (``desk_pane``), what that
desktop puts on the line (``sent``), and vic's desktop with a pane on it (``viewer_pane``).

Views that only show sessions build the desktop's own ScheduleStore from the sample
(``tests.support.sample.sample_store``), with no server behind it.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from swan_desktop.core.actions import ScheduleActions
from swan_desktop.core.client import StudioClient
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Session, Status
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import SignIn, desktops
from tests.support.proxy import ChaosProxy
from tests.support.sample import DAY, at, sample_store, session
from tests.support.sample_studio import SampleStudio, loaded, put_sample
from tests.support.server import Clients

if TYPE_CHECKING:
    from swan_desktop.qt.schedule_pane import SchedulePane

    from .live_desk import Sent

#: The sample's sessions around DAY (ids 1-6 in the order the server is given them).
SAMPLE_SESSIONS: list[Session] = [
    session(1, 1, 9, client="Dana Whitfield", status=Status.CONFIRMED, client_id=10),
    session(2, 2, 9, client="Eli Novak", location="Studio B", status=Status.REQUESTED),
    session(3, 3, 14, 90, client="Frank Mills", type_id=2, status=Status.COMPLETED),
    session(4, 1, 11, client="Gina Ross", status=Status.CANCELLED, cancel_reason="Ill",
            updated_by=7, updated_at=at(DAY - timedelta(days=1), 16, 5)),
    session(5, 2, 7, status=Status.BLOCKED, client=""),
    session(6, 1, 10, day=DAY + timedelta(days=2), client="Hugo Lind"),
]


@pytest.fixture
def studio_server(empty_server: EmbeddedServer) -> EmbeddedServer:
    """This folder's name for ``empty_server`` (tests/support/fixtures.py): a real server with
    the test accounts and no studio yet."""
    return empty_server


@pytest.fixture
async def line(studio_server: EmbeddedServer) -> AsyncIterator[ChaosProxy]:
    """The desktops' line to the server: ``line.hold(True)`` keeps its answers back."""
    proxy = ChaosProxy("127.0.0.1", studio_server.port)
    await proxy.start()
    yield proxy
    await proxy.stop()


@pytest.fixture
async def sign_in(line: ChaosProxy, tmp_path: Path) -> AsyncIterator[SignIn]:
    """``await sign_in("vic")``: a desktop signed in over ``line``, each on a PC of its own."""
    async with desktops(f"ws://127.0.0.1:{line.port}", tmp_path / "pcs") as open_desktop:
        yield open_desktop


@pytest.fixture
async def sample(studio_server: EmbeddedServer) -> AsyncIterator[SampleStudio]:
    """The sample studio and SAMPLE_SESSIONS, put on the server by boss."""
    pool = Clients(studio_server)
    try:
        yield await put_sample(studio_server, await pool.signed_in("boss"), SAMPLE_SESSIONS, pool)
    finally:
        await pool.close()


@pytest.fixture
async def desk(sample: SampleStudio, sign_in: SignIn) -> StudioClient:
    """boss's desktop with the sample loaded: the store the widgets show and the actions they use."""
    return await loaded(await sign_in("boss"))


@pytest.fixture
def desk_pane(qtbot, desk: StudioClient) -> Iterator[object]:
    """A schedule pane on DAY showing boss's desktop store and acting through it."""
    yield from open_pane(qtbot, desk.store, desk)


def open_pane(qtbot, store: ScheduleStore, actions: ScheduleActions) -> Iterator[object]:
    from swan_desktop.qt.schedule_pane import SchedulePane

    widget = SchedulePane(store, actions)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.set_date(DAY)
    widget.show()
    yield widget
    widget.bridge.detach()


@pytest.fixture
def store() -> ScheduleStore:
    """The sample's sessions in the desktop's own ScheduleStore, for views that only show them."""
    return sample_store(SAMPLE_SESSIONS)


@pytest.fixture
def sent(desk: StudioClient, monkeypatch: pytest.MonkeyPatch) -> Sent:
    """The schedule changes boss's desktop puts on the line, as sent (each still goes to the server)."""
    record: Sent = []
    real = desk.link.submit_and_wait

    async def submit_and_wait(rtype: str, data: dict[str, Any],
                              timeout: float | None = None) -> dict[str, Any]:
        record.append((rtype, copy.deepcopy(data)))
        return await real(rtype, data, timeout)

    monkeypatch.setattr(desk.link, "submit_and_wait", submit_and_wait)
    return record


@pytest.fixture
async def viewer_pane(qtbot, sample: SampleStudio, sign_in: SignIn) -> AsyncIterator[SchedulePane]:
    """vic's desktop (a viewer) with the sample loaded, and a pane on it set up for him as the app does."""
    from swan_desktop.qt.schedule_pane import SchedulePane

    vic = await loaded(await sign_in("vic"))
    widget = SchedulePane(vic.store, vic)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.set_date(DAY)
    widget.set_current_user(vic.user)
    widget.show()
    yield widget
    widget.bridge.detach()
