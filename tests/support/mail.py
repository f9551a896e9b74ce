"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the email tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from email import message_from_bytes
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


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
