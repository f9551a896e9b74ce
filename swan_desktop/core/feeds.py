"""Phone calendar feeds from the desktop's side: list, create and revoke a trainer's
read-only ICS feed, and build the address a phone subscribes to.

The server answers ``GET /ics/<token>.ics`` on the same host and port as its
WebSocket, so the address is the connection's URL with ``ws`` → ``http`` and
``wss`` → ``https``. The token is in the reply to ``feed.create`` only: the
address exists on this desktop once, right after creation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..protocol.timefmt import parse_ts

Request = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]

_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def feed_url(server_url: str, path: str) -> str:
    """``ws://host:port/`` + ``/ics/<token>.ics`` → ``http://host:port/ics/<token>.ics`` (wss → https)."""
    parts = urlsplit(server_url)
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None:
        raise ValueError(f"not a server address: {server_url!r}")
    return urlunsplit((scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    trainer_id: int
    created_by: int | None
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Feed:
        revoked = d.get("revoked_at")
        created_by = d.get("created_by")
        return cls(int(d["id"]), int(d["trainer_id"]), int(created_by) if created_by is not None else None,
                   parse_ts(str(d["created_at"])), parse_ts(str(revoked)) if revoked else None)


@dataclass(frozen=True, slots=True)
class FeedListing:
    feeds: list[Feed]
    #: The trainer linked to the signed-in account (None: not a trainer's account).
    own_trainer_id: int | None


@dataclass(frozen=True, slots=True)
class NewFeed:
    feed: Feed
    #: The full address, shown once: the server keeps only a hash of its token.
    url: str


class FeedClient:
    def __init__(self, request: Request, server_url: str) -> None:
        self._request = request
        self._server_url = server_url

    async def listing(self) -> FeedListing:
        reply = await self._request("feed.list", {})
        own = reply.get("own_trainer_id")
        return FeedListing([Feed.from_wire(w) for w in reply.get("feeds", [])],
                           int(own) if own is not None else None)

    async def create(self, trainer_id: int) -> NewFeed:
        reply = await self._request("feed.create", {"trainer_id": trainer_id})
        wire = reply["feed"]
        return NewFeed(Feed.from_wire(wire), feed_url(self._server_url, str(wire["path"])))

    async def revoke(self, feed_id: int) -> Feed:
        reply = await self._request("feed.revoke", {"id": feed_id})
        return Feed.from_wire(reply["feed"])
