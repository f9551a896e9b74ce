"""Signed-in StudioClients on a real server, one outbox folder each (as separate PCs)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from swan_desktop.core.client import StudioClient

from .server import signed_in_client

SignIn = Callable[[str], Awaitable[StudioClient]]


@asynccontextmanager
async def desktops(url: str, folder: Path) -> AsyncIterator[SignIn]:
    """``await sign_in("ana")`` inside gives a live client; all are closed on the way out."""
    opened: list[StudioClient] = []

    async def sign_in(username: str) -> StudioClient:
        client = await signed_in_client(url, username, folder / f"pc-{len(opened)}")
        opened.append(client)
        return client

    try:
        yield sign_in
    finally:
        for client in opened:
            await client.close()
