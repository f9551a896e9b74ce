"""What the real server holds, read back for the administration client tests.

Each read is its own admin connection (not the desktop under test), so a check
sees the server's state rather than the desktop's copy of it.
"""

from __future__ import annotations

from typing import Any

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import Clients


async def held(server: EmbeddedServer, rtype: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The reply to the query ``rtype`` (``studio.setup.get``, ``directory.query``, ``account.list``)
    asked by the admin ``boss`` on a fresh connection."""
    pool = Clients(server)
    try:
        ws = await pool.signed_in("boss", sync=False)
        return await ws.ok(rtype, data)
    finally:
        await pool.close()


async def studio_held(server: EmbeddedServer) -> dict[str, Any]:
    """The studio's profile: name, timezone, opening_hours, setup_complete."""
    return dict((await held(server, "studio.setup.get"))["studio"])


async def rows_held(server: EmbeddedServer, table: str) -> list[dict[str, Any]]:
    """One list of ``directory.query``'s answer: ``trainers``, ``locations`` or ``session_types``."""
    return list((await held(server, "directory.query"))[table])


async def changes_made(server: EmbeddedServer) -> int:
    """The event log's position: every change the server accepts moves it on (signing in does not)."""
    day = {"start": "2031-01-01T00:00:00Z", "end": "2031-01-02T00:00:00Z"}
    return int((await held(server, "schedule.query", day))["seq"])


async def everything_held(server: EmbeddedServer) -> dict[str, Any]:
    """The studio's profile, its directory and its accounts, to compare before and after."""
    return {"setup": await held(server, "studio.setup.get"),
            "directory": await held(server, "directory.query"),
            "accounts": await held(server, "account.list")}
