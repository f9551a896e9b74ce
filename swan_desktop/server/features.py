"""What a server feature is given: a narrow context, not the server.

A feature (collaboration, calendar, notifications) registers its request
types with their message types, hooks into the mutation pipeline, reacts to
committed events and reads the store through :class:`FeatureContext`. It
never sees :class:`~swan_desktop.server.app.SwanServer` nor a raw database
connection (the store's public methods, run on its worker thread, are the
way to the data).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..protocol.messages import Message
from .connection import Connection
from .gateway import HttpRoute
from .handlers import Dispatcher, Extension, Handler, Observer
from .hub import Hub, Reaction
from .notifier_api import Notifier
from .pipeline import Expander, Hook, Pipeline, Stage
from .pipeline import Reaction as ChangeReaction
from .store import Store
from .worker import AsyncStore


@dataclass
class FeatureContext:
    """The seams a feature plugs into."""

    store: AsyncStore
    dispatcher: Dispatcher
    hub: Hub
    _connections: Callable[[], frozenset[Connection]]
    _notifier: Callable[[], Notifier]
    http_routes: list[HttpRoute]

    @property
    def pipeline(self) -> Pipeline:
        return self.dispatcher.pipeline

    # -- requests ------------------------------------------------------------------------
    def request(self, rtype: str, message: type[Message] | Callable[[dict[str, Any]], Message],
                handler: Handler) -> None:
        """A request answered by ``handler(conn, message)`` (queries, presence, …)."""
        self.dispatcher.register(rtype, message, handler)

    def mutation(self, rtype: str, message: type[Message], *, keep_reply: bool = True) -> None:
        """A request that changes shared state: it runs through the pipeline's hooks for it."""
        self.dispatcher.mutation(rtype, message, keep_reply=keep_reply)

    def hook(self, rtype: str, stage: Stage, fn: Hook, order: int = 50) -> None:
        self.pipeline.hook(rtype, stage, fn, order)

    async def change(self, conn: Connection, rtype: str, msg: Message,
                     notes: dict[str, Any]) -> dict[str, Any]:
        """Run ``rtype``'s hooks for ``msg`` as one change by ``conn``'s account, with ``notes`` made
        beforehand off the store's thread (a password hashed, a long read done on the reading
        connection): for requests whose handler prepares what the hooks then write."""
        actor = conn.account
        assert actor is not None
        pipeline = self.pipeline

        def run(store: Store) -> dict[str, Any]:
            with store.transaction() as tx:
                change = pipeline.begin(store, tx, actor, rtype, msg)
                change.notes.update(notes)
                return pipeline.run(change)

        return dict(await self.store.run(run))

    def expander(self, rtype: str, expander: Expander) -> None:
        self.pipeline.expander(rtype, expander)

    def after_commit(self, rtype: str, reaction: ChangeReaction) -> None:
        """``reaction(actor, message, reply)`` on the loop once an ``rtype`` change committed."""
        self.pipeline.react(rtype, reaction)

    def extend(self, rtype: str, extension: Extension) -> None:
        self.dispatcher.extend(rtype, extension)

    def observe(self, observer: Observer) -> None:
        self.dispatcher.observe(observer)

    # -- the rest of the server ------------------------------------------------------------
    def on_events(self, reaction: Reaction) -> None:
        """``reaction(events)`` with every committed batch, on the loop, after the clients."""
        self.hub.react(reaction)

    def connections(self) -> frozenset[Connection]:
        return self._connections()

    @property
    def notifier(self) -> Notifier:
        return self._notifier()

    def http_route(self, route: HttpRoute) -> None:
        self.http_routes.append(route)
