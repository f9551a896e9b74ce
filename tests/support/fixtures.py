"""Fixtures every test folder can use (loaded by tests/conftest.py).

``server`` is a real server on loopback with the demo studio and the test
users (``empty_server``: the test users and no studio yet); a folder that
needs other settings (limits, timings, a fake clock) overrides it in its own
conftest, and ``clients`` then follows that server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from swan_desktop.server.embedded import EmbeddedServer

from .desktops import SignIn, desktops
from .server import Clients, start_server

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

    from .mail import Inbox


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "studio.sqlite3"


@pytest.fixture
def server(db_path: Path) -> Iterator[EmbeddedServer]:
    srv = start_server(db_path)
    yield srv
    srv.stop()


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[EmbeddedServer]:
    """A real server with no studio yet: only accounts (ana, vic, boss and the embedded admin)."""
    srv = start_server(tmp_path / "empty.sqlite3", demo=False)
    yield srv
    srv.stop()


@pytest.fixture
async def on_empty(empty_server: EmbeddedServer, tmp_path: Path) -> AsyncIterator[SignIn]:
    """``await on_empty("boss")``: a desktop signed in to ``empty_server``, each on a PC of its own."""
    async with desktops(empty_server.url, tmp_path / "pcs") as open_desktop:
        yield open_desktop


@pytest.fixture
async def clients(server: EmbeddedServer) -> AsyncIterator[Clients]:
    """Plain protocol clients of ``server``: ``await clients.signed_in("ana")``; all closed afterwards."""
    pool = Clients(server)
    yield pool
    await pool.close()


@pytest.fixture
def light_theme() -> Iterator[None]:
    """The app's own light look (error labels in red) for the test, undone afterwards; a widget
    folder asks for it for every test from its conftest."""
    from PySide6.QtWidgets import QApplication

    from swan_desktop.qt.theme import apply_theme

    QApplication.instance() or QApplication([])
    apply_theme("light")
    yield
    apply_theme("system")


@pytest.fixture
def smtpd() -> Iterator[tuple[Controller, Inbox]]:
    """A real SMTP server on loopback (:func:`tests.support.mail.smtp_server`) and what it has
    received; a folder that needs another (TLS, sign-in) defines its own."""
    from .mail import smtp_server

    with smtp_server() as running:
        yield running
