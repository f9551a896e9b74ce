"""``Calendar``: installs the calendar into a running server.

It hooks its steps into ``session.create/update/delete`` (working hours, the
workflow, credits, recurring series), adds working hours and the studio's
time zone to ``directory.query``, registers its requests (``availability.*``,
``session.checkin``, ``feed.*``) and serves the ICS feeds over HTTP.
"""

from __future__ import annotations

from typing import Any

from ...protocol import frames
from ...protocol.messages import Empty, Message
from ..connection import Connection
from ..features import FeatureContext
from ..gateway import HttpAnswer
from ..pipeline import Stage
from ..store import Store
from . import booking, feeds, hours, studio
from .feed_http import Validators
from .messages import AvailabilityGet, AvailabilitySet, FeedCreate, FeedRevoke


class Calendar:
    def __init__(self, ctx: FeatureContext) -> None:
        self.ctx = ctx
        self.validators = Validators()

    def install(self) -> None:
        ctx = self.ctx
        booking.install(ctx.dispatcher)
        ctx.extend(frames.DIRECTORY_QUERY, _with_hours)
        ctx.request("availability.get", AvailabilityGet, self.availability_get)
        ctx.mutation("availability.set", AvailabilitySet)
        ctx.hook("availability.set", Stage.WRITE, hours.set_hours)
        # Not kept in the request log: the reply holds the token, which is stored only hashed.
        ctx.mutation("feed.create", FeedCreate, keep_reply=False)
        ctx.hook("feed.create", Stage.WRITE, feeds.create)
        ctx.mutation("feed.revoke", FeedRevoke)
        ctx.hook("feed.revoke", Stage.WRITE, feeds.revoke)
        ctx.request("feed.list", Empty, self.feed_list)
        ctx.http_route(self.http)

    async def availability_get(self, conn: Connection, msg: AvailabilityGet) -> dict[str, Any]:
        def read(store: Store) -> dict[str, Any]:
            by_trainer = hours.all_wire(store)
            return {"timezone": studio.zone(store).key,
                    "availability": [{"trainer_id": tid, "hours": h} for tid, h in by_trainer.items()
                                     if msg.trainer_id is None or tid == msg.trainer_id]}
        return await self.ctx.store.run(read)

    async def feed_list(self, conn: Connection, msg: Message) -> dict[str, Any]:
        assert conn.account is not None
        return await self.ctx.store.run(feeds.listing, conn.account)

    async def http(self, path: str) -> HttpAnswer | None:
        """Answer ``GET /ics/<token>.ics``; None for paths that are not feeds."""
        if not path.startswith("/ics/"):
            return None
        match = feeds.PATH.match(path)
        body = await self.ctx.store.run(feeds.render, match.group(1)) if match else None
        if match is None or body is None:
            return 404, "text/plain; charset=utf-8", b"not found\n"
        return self.validators.answer(feeds.key(match.group(1)), body, getattr(path, "headers", {}))


def _with_hours(store: Store, msg: Message, reply: dict[str, Any]) -> None:
    by_trainer = hours.all_wire(store)
    for trainer in reply.get("trainers", []):
        trainer["hours"] = by_trainer.get(trainer["id"], [])
    reply["timezone"] = studio.zone(store).key
