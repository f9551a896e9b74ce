"""Boss's real desktop in the schedule widget tests, for the modules that share it: the ``pane``
and ``store`` fixtures (his pane and his desktop's store, in place of conftest's in-memory
stand-ins: import them into the test module), ``Sent`` (what conftest's ``sent`` records),
``as_stored`` (a session as the server holds it), ``settled`` and ``saved`` (waiting for the
server's answer to reach the desktop), ``schedule_changes_handled`` (how many schedule changes
the server has answered) and ``editor`` (the session editor acting through his desktop)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Session
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.support.answered import handled
from tests.support.poll import until
from tests.support.sample_studio import SampleStudio

#: What a desktop put on the line: (request type, data) in order.
Sent = list[tuple[str, dict[str, Any]]]
#: The requests that change the schedule.
SESSION_CHANGES = ("session.create", "session.update", "session.delete")


@pytest.fixture
def pane(desk_pane: SchedulePane) -> SchedulePane:
    """Here the pane is boss's real desktop (conftest's ``pane`` is the in-memory stand-in)."""
    return desk_pane


@pytest.fixture
def store(desk: StudioClient) -> ScheduleStore:
    return desk.store


def as_stored(sample: SampleStudio, session_id: int) -> Session:
    stored = sample.stored(session_id)
    assert stored is not None, f"the server has no session {session_id}"
    return stored


def schedule_changes_handled(sample: SampleStudio) -> int:
    """How many schedule changes the server has answered so far (whatever the answer)."""
    counts = handled(sample.server)
    return sum(counts[rtype] for rtype in SESSION_CHANGES)


async def settled(pane: SchedulePane) -> None:
    """Whatever the last gesture sent from ``pane``'s desktop has been answered by the server: a
    gesture's request starts in a task of its own, and the server answers a connection's
    requests in order, so one turn of the loop and one round trip on the same line suffice."""
    client = pane.schedule_actions
    assert isinstance(client, StudioClient)
    await asyncio.sleep(0)
    await client.link.request("heartbeat", {})


async def saved(sample: SampleStudio, store: ScheduleStore, session_id: int, version: int) -> Session:
    """The session once the server's answer is on the desktop, checked to be what the server holds."""
    await until(lambda: (s := store.get(session_id)) is not None and s.version == version,
                what=f"session {session_id} at version {version} on the desktop")
    session = store.get(session_id)
    assert session is not None and sample.stored(session_id) == session
    return session


def editor(qtbot, desk: StudioClient, s: Session | None = None, **kw: Any) -> SessionDialog:
    """The session editor on boss's desktop (its series and scoped changes go to the server)."""
    dialog = SessionDialog(desk.store.directory, desk, s, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog
