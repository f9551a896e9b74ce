"""A real swan-server on loopback (demo studio plus ana/vic/boss) for desktop-side tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import SignIn, desktops


@pytest.fixture
async def sign_in(server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[SignIn]:
    """``await sign_in("ana")`` gives a signed-in, live StudioClient; all are closed afterwards.

    Each client keeps its outbox in a folder of its own, as separate PCs would.
    """
    async with desktops(server.url, tmp_path) as open_desktop:
        yield open_desktop
