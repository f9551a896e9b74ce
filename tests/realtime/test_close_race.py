"""Closing a client always ends, whatever the link is doing at that moment.

The race: ``close()`` cancels the heartbeat (or a reconnect) just as the reply
it awaits arrives. On Python 3.11 ``asyncio.wait_for`` then returns the reply
and drops the cancellation, so the task carried on and ``close()`` waited for
it forever. These tests close at exactly that moment: the reply is handed to
the waiting request and ``close()`` is started from the same callback, before
the waiting task runs again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.net import link as link_module
from swan_desktop.net.connection import Connection, new_request_id
from swan_desktop.net.link import LinkState
from tests.support.poll import until
from tests.support.proxy import ChaosProxy
from tests.support.server import signed_in_client

from .conftest import RestartableServer, quick_link

ROUNDS = 20
#: How long a close may take before the test calls it stuck (a bound, not a measurement).
CLOSE_BOUND_S = 10.0


class HookedConnection(Connection):
    """A Connection that notes the type of every request it sends (``sent``) and runs
    ``hooks[rtype]`` (once) right after the reply to an ``rtype`` request has been
    handed to its waiter, before the waiting task resumes."""

    hooks: ClassVar[dict[str, Callable[[], None]]] = {}
    sent: ClassVar[list[str]] = []
    #: The types of the requests whose reply has come.
    answered: ClassVar[list[str]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._types: dict[str, str] = {}

    async def request(self, rtype: str, data: dict[str, Any], *, request_id: str | None = None,
                      **kwargs: Any) -> dict[str, Any]:
        rid = request_id or new_request_id()
        self._types[rid] = rtype
        self.sent.append(rtype)
        return await super().request(rtype, data, request_id=rid, **kwargs)

    def _handle_frame(self, raw: str | bytes) -> None:
        super()._handle_frame(raw)
        frame = json.loads(raw)
        if isinstance(frame, dict) and frame.get("type") == "reply":
            self.answered.append(self._types.get(str(frame.get("re")), ""))
            hook = self.hooks.pop(self._types.get(str(frame.get("re")), ""), None)
            if hook is not None:
                hook()


@pytest.fixture
def hooked(monkeypatch: pytest.MonkeyPatch) -> type[HookedConnection]:
    """Links made in the test use a HookedConnection (with hooks and ``sent`` of its own)."""
    monkeypatch.setattr(link_module, "Connection", HookedConnection)
    monkeypatch.setattr(HookedConnection, "hooks", {})
    monkeypatch.setattr(HookedConnection, "sent", [])
    monkeypatch.setattr(HookedConnection, "answered", [])
    return HookedConnection


def link_tasks() -> list[asyncio.Task[Any]]:
    """Tasks of any Link still running on this loop."""
    return [task for task in asyncio.all_tasks()
            if not task.done() and getattr(task.get_coro(), "__qualname__", "").startswith("Link.")]


async def signed_in(url: str, folder: Path, **link_options: Any) -> StudioClient:
    return await signed_in_client(url, "ana", folder, **quick_link(**link_options))


async def closed_in_time(closing: asyncio.Future[None], what: str) -> None:
    await until(closing.done, CLOSE_BOUND_S, what=f"close() {what} to end")
    closing.result()
    assert link_tasks() == []


async def close_on_reply(client: StudioClient, rtype: str, hooked: type[HookedConnection]) -> None:
    """Start ``client.close()`` the moment a reply to ``rtype`` arrives."""
    closing: list[asyncio.Future[None]] = []
    hooked.hooks[rtype] = lambda: closing.append(asyncio.ensure_future(client.close()))
    await until(lambda: closing, what=f"a {rtype} reply")
    await closed_in_time(closing[0], f"started at a {rtype} reply")
    assert client.connection_state is LinkState.DISCONNECTED


async def test_close_ends_when_a_heartbeat_reply_arrives_at_that_moment(
        studio: RestartableServer, tmp_path: Path, hooked: type[HookedConnection]) -> None:
    for round_ in range(ROUNDS):
        client = await signed_in(studio.url, tmp_path / f"pc-{round_}", heartbeat_interval=0.01)
        await close_on_reply(client, "heartbeat", hooked)


@pytest.mark.parametrize("rtype", ["authenticate", "sync"])
async def test_close_ends_when_a_reconnect_reply_arrives_at_that_moment(
        studio: RestartableServer, proxy: ChaosProxy, tmp_path: Path,
        hooked: type[HookedConnection], rtype: str) -> None:
    for round_ in range(ROUNDS):
        client = await signed_in(f"ws://127.0.0.1:{proxy.port}/", tmp_path / f"pc-{round_}")
        proxy.cut()
        await close_on_reply(client, rtype, hooked)


async def close_with_heartbeat_in_flight(client: StudioClient, proxy: ChaosProxy,
                                         hooked: type[HookedConnection]) -> None:
    proxy.stall(True)

    def waiting() -> bool:  # sent before or after the stall, its reply is not coming now
        return hooked.sent.count("heartbeat") > hooked.answered.count("heartbeat")

    await until(waiting, what="a heartbeat waiting for its reply on the stalled line")
    await closed_in_time(asyncio.ensure_future(client.close()), "with a heartbeat in flight")
    proxy.stall(False)


async def test_close_ends_while_a_heartbeat_waits_for_a_reply_that_never_comes(
        studio: RestartableServer, proxy: ChaosProxy, tmp_path: Path,
        hooked: type[HookedConnection]) -> None:
    # Two rounds: each close waits out the websocket's closing handshake (2 s) on the stalled line.
    for round_ in range(2):
        client = await signed_in(f"ws://127.0.0.1:{proxy.port}/", tmp_path / f"pc-{round_}",
                                 heartbeat_interval=0.01, heartbeat_timeout=60.0)
        await close_with_heartbeat_in_flight(client, proxy, hooked)


async def test_a_request_waiting_when_the_client_closes_fails_as_a_connection_error(
        studio: RestartableServer, proxy: ChaosProxy, tmp_path: Path, hooked: type[HookedConnection]) -> None:
    """Screens that load something catch ConnectionError and TimeoutError; signing out while
    they wait must reach them as one of those, not as a crash."""
    client = await signed_in(f"ws://127.0.0.1:{proxy.port}/", tmp_path / "pc", request_timeout=60.0)
    proxy.stall(True)
    hooked.sent.clear()
    waiting = asyncio.ensure_future(client.link.request("directory.query", {}))
    await until(lambda: "directory.query" in hooked.sent, what="the query to be sent")
    await closed_in_time(asyncio.ensure_future(client.close()), "with a query waiting")
    with pytest.raises(ConnectionError):
        await waiting
    proxy.stall(False)
