"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the email tests."""

from __future__ import annotations

import asyncio
import re
import ssl
import threading
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import delete, insert

from swan_desktop.server.notifications.tables import notification_prefs
from swan_desktop.server.store import Store

from .server import WsClient
from .tls import client_context, make_studio_pki, server_context


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


class HeldInbox(Inbox):
    """An inbox whose mail server, while ``released`` is clear, holds each email at RCPT until it
    is set (``reached`` says one is held): the email is in flight as long as the test wants."""

    def __init__(self) -> None:
        super().__init__()
        self.reached = threading.Event()
        self.released = threading.Event()
        self.released.set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        self.reached.set()
        await asyncio.get_running_loop().run_in_executor(None, self.released.wait, 30)
        envelope.rcpt_tos.append(address)
        return "250 OK"


class RefusingMailbox:
    """A mail server that refuses every recipient, quoting the address (as many do)."""

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        return f"550 5.1.1 <{address}>: no such mailbox here"


class AnyPortController(Controller):
    """aiosmtpd's Controller needs its port before it binds; this one binds port 0 and then
    learns the port, so no other test can take a port picked in advance."""

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        return self._bind()

    async def _bind(self) -> asyncio.AbstractServer:
        server = await self.loop.create_server(self._factory_invoker, host=self.hostname, port=0,
                                                ssl=self.ssl_context)
        self.port = server.sockets[0].getsockname()[1]
        return server


@contextmanager
def smtp_server() -> Iterator[tuple[Controller, Inbox]]:
    """A running mail server (its own thread) and what it has received; stopped afterwards."""
    inbox = Inbox()
    controller = AnyPortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@contextmanager
def refusing_smtp_server() -> Iterator[Controller]:
    """A running :class:`RefusingMailbox`; stopped afterwards."""
    controller = AnyPortController(RefusingMailbox(), hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


#: The one account :func:`signing_smtp_server` takes mail from.
MAIL_USER, MAIL_PASSWORD = "swan", "mail-secret"


def _check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        MAIL_USER.encode(), MAIL_PASSWORD.encode())
    return AuthResult(success=ok)


@contextmanager
def signing_smtp_server(folder: Path) -> Iterator[tuple[Controller, Inbox, ssl.SSLContext]]:
    """A mail server as providers run them: STARTTLS required (a certificate of a studio CA made in
    ``folder``), then a sign-in as :data:`MAIL_USER` with :data:`MAIL_PASSWORD`; yields it, what it
    received and a client context that trusts its certificate."""
    pki = make_studio_pki(folder)
    inbox = Inbox()
    controller = AnyPortController(inbox, hostname="127.0.0.1", port=0,
                                   tls_context=server_context(pki.server), require_starttls=True,
                                   authenticator=_check_login, auth_required=True)
    controller.start()
    try:
        yield controller, inbox, client_context(pki.ca)
    finally:
        controller.stop()


#: The first line of the email that carries an address's confirmation code.
_CODE = re.compile(r"^(\d{6}) is the code that confirms this address", re.MULTILINE)


def code_in(inbox: Inbox, address: str) -> str:
    """The code in the newest confirmation email to ``address`` (which is taken out of the inbox)."""
    for index in range(len(inbox.messages) - 1, -1, -1):
        rcpt, msg = inbox.messages[index]
        found = _CODE.search(msg.get_payload()) if rcpt == [address] else None
        if found:
            del inbox.messages[index]
            return found.group(1)
    raise AssertionError(f"no confirmation code was emailed to {address}")


async def confirmed(ws: WsClient, inbox: Inbox, prefs: dict[str, Any]) -> dict[str, Any]:
    """Set ``prefs`` with a new ``email`` and type back the code the server emailed to it, as a
    person does; the email prefs in force after."""
    reply = await ws.ok("notification.prefs.set", prefs)
    assert reply["confirmation"]["sent"], reply
    code = code_in(inbox, prefs["email"])
    return dict((await ws.ok("notification.email.confirm", {"code": code}))["prefs"])


def confirmed_in_store(store: Store, user_id: int, address: str, **prefs: Any) -> None:
    """An address confirmed earlier, written straight to the store: for tests whose mail server
    is down on purpose, so that no code could reach it (the confirmation is tested on its own)."""
    with store.transaction():
        store.db.execute(delete(notification_prefs).where(notification_prefs.c.user_id == user_id))
        store.db.execute(insert(notification_prefs).values(user_id=user_id, email=address, email_opt_in=1,
                                                           **prefs))
