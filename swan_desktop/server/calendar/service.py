"""``Calendar``: installs the calendar into a running server.

At start it creates its tables, wraps ``session.create/update/delete`` (inside
the collaboration's own wrappers, so locks, merging and the activity feed still
apply), adds working hours to ``directory.query``, registers its requests
(``availability.*``, ``session.checkin``, ``feed.*``) and serves the ICS feeds
over HTTP through the gateway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ...protocol import frames
from ...protocol.errors import ProtocolError
from ...protocol.frames import Request
from ..connection import Connection
from ..handlers import Dispatcher
from ..schedule import Mutation, run_mutation
from ..store import Account, Store
from . import booking, feeds, hours, studio

if TYPE_CHECKING:
    from ..app import SwanServer

Handler = Callable[[Connection, Request], Awaitable[dict[str, Any]]]
#: An HTTP answer: (status, content type, body).
HttpAnswer = tuple[int, str, bytes]


class Calendar:
    def __init__(self, server: SwanServer) -> None:
        self.server = server

    @property
    def store(self) -> Any:
        return self.server.store

    async def start(self, dispatcher: Dispatcher) -> None:
        collab = self.server.collab
        collab.wrap_mutation(dispatcher, frames.SESSION_CREATE, booking.create)
        collab.wrap_mutation(dispatcher, frames.SESSION_UPDATE, booking.update)
        collab.wrap_mutation(dispatcher, frames.SESSION_DELETE, booking.delete)
        dispatcher.table[frames.DIRECTORY_QUERY] = self._with_hours(dispatcher.table[frames.DIRECTORY_QUERY])
        checkin = booking.checkin(lambda: collab.config.wall())
        handlers: dict[str, Handler] = {
            "session.checkin": self._mutation(checkin),
            "availability.get": self.availability_get,
            "availability.set": self._mutation(hours.set_hours),
            "feed.create": self.feed_create,
            "feed.revoke": self._mutation(feeds.revoke),
            "feed.list": self.feed_list,
        }
        for rtype, handler in handlers.items():
            dispatcher.register(rtype, handler)

    def _mutation(self, fn: Mutation) -> Handler:
        async def handle(conn: Connection, req: Request) -> dict[str, Any]:
            assert conn.account is not None
            reply = await self.store.run(run_mutation, conn.account, req.id, fn, req.data)
            if reply["ok"]:
                return dict(reply["data"])
            raise ProtocolError.from_wire(reply["error"])
        return handle

    def _with_hours(self, original: Handler) -> Handler:
        async def handle(conn: Connection, req: Request) -> dict[str, Any]:
            reply = await original(conn, req)
            by_trainer, zone = await self.store.run(lambda store: (hours.all_wire(store),
                                                                   studio.zone(store).key))
            for trainer in reply.get("trainers", []):
                trainer["hours"] = by_trainer.get(trainer["id"], [])
            reply["timezone"] = zone
            return reply
        return handle

    async def availability_get(self, conn: Connection, req: Request) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            by_trainer = hours.all_wire(store)
            wanted = req.data.get("trainer_id")
            return {"timezone": studio.zone(store).key,
                    "availability": [{"trainer_id": tid, "hours": h} for tid, h in by_trainer.items()
                                     if wanted is None or tid == wanted]}
        return await self.store.run(read)

    async def feed_create(self, conn: Connection, req: Request) -> dict[str, Any]:
        # Not kept in the request log: the reply holds the token, which is stored only hashed.
        assert conn.account is not None

        def run(store: Store, actor: Account) -> dict[str, Any]:
            with store.transaction() as tx:
                return feeds.create(store, tx, actor, req.data)
        return await self.store.run(run, conn.account)

    async def feed_list(self, conn: Connection, req: Request) -> dict[str, Any]:
        assert conn.account is not None
        return await self.store.run(feeds.listing, conn.account)

    async def http(self, path: str) -> HttpAnswer | None:
        """Answer ``GET /ics/<token>.ics``; None for paths that are not feeds."""
        if not path.startswith("/ics/"):
            return None
        match = feeds.PATH.match(path)
        body = await self.store.run(feeds.render, match.group(1)) if match else None
        if body is None:
            return 404, "text/plain; charset=utf-8", b"not found\n"
        return 200, "text/calendar; charset=utf-8", body
