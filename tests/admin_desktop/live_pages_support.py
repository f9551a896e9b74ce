"""What the Administration page tests against the real server share: the pane on a
signed-in desktop, the server's own state read back over a connection of its own,
how many requests of a type the server has handled (from its metrics), and
whether a user name and password sign in.

    pane = pane_for(qtbot, boss.admin)
    await settled(boss)                        # the server has handled all boss's desktop sent
    assert handled(server, "trainer.create") == 0
    trainers = (await server_state(server))["trainers"]
"""

from __future__ import annotations

import asyncio
from typing import Any

from swan_desktop.core.admin import AdminClient
from swan_desktop.core.client import StudioClient
from swan_desktop.qt.admin.pane import AdministrationPane
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients


def pane_for(qtbot: Any, admin: AdminClient, *, show: bool = True) -> AdministrationPane:
    pane = AdministrationPane(admin)
    qtbot.addWidget(pane)
    if show:
        pane.resize(1000, 640)
        pane.show()
    return pane


async def _as_boss(server: EmbeddedServer, rtype: str) -> dict[str, Any]:
    clients = Clients(server)
    try:
        ws = await clients.signed_in("boss", sync=False)
        return await ws.ok(rtype, {})
    finally:
        await clients.close()


async def server_state(server: EmbeddedServer) -> dict[str, Any]:
    """The server's directory (trainers with hours and time off, rooms, session types), as it has it."""
    return await _as_boss(server, "directory.query")


async def server_accounts(server: EmbeddedServer) -> dict[str, dict[str, Any]]:
    """The server's staff accounts by user name."""
    reply = await _as_boss(server, "account.list")
    return {a["username"]: a for a in reply["accounts"]}


def handled(server: EmbeddedServer, rtype: str) -> float:
    """How many ``rtype`` requests the server has handled, whatever their outcome."""
    return sum(sample.value for metric in server.server.metrics.requests.collect()
               for sample in metric.samples
               if sample.name == "swan_requests_total" and sample.labels["type"] == rtype)


async def settled(client: StudioClient) -> None:
    """Whatever a click on ``client``'s desktop sent has been handled (and counted) by the server.

    A click's request runs in a task of its own (``qt.tasks.spawn``): one turn of the loop lets it
    start and put its frame on the link; then one round trip on the same link, as the server
    handles a connection's requests one after the other."""
    await asyncio.sleep(0)
    await client.link.request("heartbeat", {})
