"""``CollabClient``: the collaboration requests and the stores their events feed.

Owned by :class:`~swan_desktop.core.client.StudioClient` (``client.collab``),
which registers :meth:`CollabClient.apply_event` with its event router and
calls :meth:`CollabClient.load` after sign-in and after every resync. Chat,
locks and presence go over the live link (``link.request``): they only make
sense while connected; a failure raises ``ProtocolError`` or ``ConnectionLost``
for the caller to show in words (presence reports are best effort).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from ...net.connection import ConnectionLost, RequestTimeout
from ...net.link import Link
from ...protocol.entities import Role, User
from ...protocol.errors import ProtocolError
from ...protocol.frames import Event
from .activity import PAGE as ACTIVITY_PAGE
from .activity import ActivityStore
from .chat import PAGE as CHAT_PAGE
from .chat import STUDIO, ChatMessage, ChatStore
from .locks import LockInfo, LockStore
from .presence import PresenceStore
from .throttle import PresenceThrottle

log = logging.getLogger(__name__)

#: How often an open editor renews its lock (the server's lease is 60 s).
RENEW_EVERY_S = 20.0
ACTIVITIES = ("viewing", "editing", "selecting", "dragging")


class CollabClient:
    def __init__(self, link: Link, presence_rate: float = 20.0) -> None:
        self.link = link
        self.presence = PresenceStore()
        self.locks = LockStore()
        self.chat = ChatStore()
        self.activity = ActivityStore()
        self.settings: dict[str, str] = {}
        self.throttle = PresenceThrottle(self._send_presence, presence_rate)
        #: Told when a user's account changed (``user:updated``): role changes arrive here.
        self.user_listeners: list[Callable[[User], None]] = []
        #: Told when the studio settings changed (the conflict strategy).
        self.settings_listeners: list[Callable[[dict[str, str]], None]] = []
        self._rooms: set[str] = {STUDIO}

    @property
    def me(self) -> User | None:
        return self.link.auth.user if self.link.auth else None

    @property
    def strategy(self) -> str:
        return self.settings.get("conflict_strategy", "auto-merge")

    # -- events ----------------------------------------------------------------
    def apply_event(self, event: Event) -> None:
        kind = event.kind
        if kind.startswith("presence:"):
            self.presence.apply_event(event)
        elif kind.startswith("lock:"):
            self.locks.apply_event(event)
        elif kind.startswith("chat:"):
            self.chat.apply_event(event)
        elif kind.startswith("session:"):
            self.chat.apply_event(event)
            self.activity.apply_event(event)
        elif kind == "studio:settings-changed":
            self.settings = dict(event.data.get("settings") or {})
            for fn in list(self.settings_listeners):
                fn(self.settings)
        elif kind == "user:updated":
            self._user_updated(User.from_wire(event.data["user"]))

    def _user_updated(self, user: User) -> None:
        auth = self.link.auth
        if auth is not None and auth.user.id == user.id:
            self.link.auth = dataclasses.replace(auth, user=user)  # the role the server now applies
        self.presence.rename(user.id, user.role.value)
        for fn in list(self.user_listeners):
            fn(user)

    # -- loading -----------------------------------------------------------------
    async def load(self) -> None:
        """Presence, locks, settings, the watched chat rooms and the feed (sign-in, resync)."""
        me = self.me
        self.presence.me = self.locks.me = me.id if me else None
        self.throttle.forget()
        self.presence.load((await self.link.request("presence.query", {}))["presence"])
        self.locks.load((await self.link.request("lock.query", {}))["locks"])
        self.settings = dict((await self.link.request("studio.settings.get", {}))["settings"])
        for room in sorted(self._rooms):
            await self.load_room(room)
        await self.load_activity()

    async def load_room(self, room: str) -> list[ChatMessage]:
        """(Re)load the newest page of ``room`` and keep it loaded after resyncs."""
        self._rooms.add(room)
        reply = await self.link.request("chat.history", {"room": room, "limit": CHAT_PAGE})
        self.chat.load_room(room, reply["messages"], bool(reply.get("more")))
        return self.chat.messages(room)

    async def load_earlier(self, room: str) -> int:
        """The page before the oldest message held in ``room``; how many messages it added
        (0 when there are none, or the room holds all it may)."""
        oldest = self.chat.oldest(room)
        if oldest is None or not self.chat.has_more(room) or self.chat.full(room):
            return 0
        reply = await self.link.request("chat.history", {"room": room, "before": oldest, "limit": CHAT_PAGE})
        return self.chat.add_older(room, reply["messages"], bool(reply.get("more")))

    async def load_activity(self) -> None:
        """(Re)load the newest page of the activity feed."""
        reply = await self.link.request("activity.query", {"limit": ACTIVITY_PAGE})
        self.activity.load(reply["entries"], bool(reply.get("more")))

    async def load_earlier_activity(self) -> int:
        """The feed's page before its oldest entry held; how many entries it added."""
        oldest = self.activity.oldest()
        if oldest is None or not self.activity.more or self.activity.full:
            return 0
        reply = await self.link.request("activity.query", {"before": oldest, "limit": ACTIVITY_PAGE})
        return self.activity.add_older(reply["entries"], bool(reply.get("more")))

    # -- presence ------------------------------------------------------------------
    def report(self, activity: str, *, session_id: int | None = None, day: str | None = None) -> None:
        """Say what this user is doing; sent at most 20 times a second (latest wins)."""
        if activity not in ACTIVITIES:
            raise ValueError(f"activity must be one of {', '.join(ACTIVITIES)}")
        self.throttle.report({"activity": activity, "session_id": session_id, "day": day})

    async def _send_presence(self, data: dict[str, Any]) -> None:
        try:
            await self.link.request("presence.update", data)
        except (ConnectionLost, RequestTimeout, ProtocolError) as exc:
            log.debug("presence not sent: %s", exc)
            self.throttle.forget()

    # -- chat ---------------------------------------------------------------------------
    async def send(self, room: str, text: str, *, announcement: bool = False) -> ChatMessage:
        data = {"room": room, "text": text}
        if announcement:
            data["kind"] = "announcement"
        return self._put((await self.link.request("chat.send", data))["message"])

    async def edit(self, message_id: int, text: str) -> ChatMessage:
        return self._put((await self.link.request("chat.edit", {"id": message_id, "text": text}))["message"])

    async def delete(self, message_id: int) -> ChatMessage:
        return self._put((await self.link.request("chat.delete", {"id": message_id}))["message"])

    async def react(self, message_id: int, emoji: str, on: bool = True) -> ChatMessage:
        reply = await self.link.request("chat.react", {"id": message_id, "emoji": emoji, "on": on})
        return self._put(reply["message"])

    def _put(self, wire: dict[str, Any]) -> ChatMessage:
        msg = ChatMessage.from_wire(wire)
        self.chat.put(msg)
        self.chat._changed()
        return msg

    # -- locks --------------------------------------------------------------------------
    async def take_lock(self, session_id: int) -> LockInfo:
        """Lock the session for editing; ``locked`` (ProtocolError) names the holder."""
        reply = await self.link.request("lock.acquire", {"session_id": session_id})
        lock = LockInfo.from_wire(reply["lock"])
        self.locks.held(lock)
        return lock

    async def renew_lock(self, session_id: int) -> LockInfo:
        token = self.locks.token_for(session_id)
        if token is None:
            return await self.take_lock(session_id)
        reply = await self.link.request("lock.renew", {"session_id": session_id, "token": token})
        lock = LockInfo.from_wire(reply["lock"])
        self.locks.held(lock)
        return lock

    async def release_lock(self, session_id: int) -> bool:
        token = self.locks.token_for(session_id)
        if token is None:
            return False
        self.locks.released(session_id)
        reply = await self.link.request("lock.release", {"session_id": session_id, "token": token})
        return bool(reply.get("released"))

    async def ask_for_lock(self, session_id: int, message: str = "") -> None:
        await self.link.request("lock.request", {"session_id": session_id, "message": message})

    async def break_lock(self, session_id: int) -> None:
        """Admins: end someone else's lock."""
        await self.link.request("lock.break", {"session_id": session_id})

    # -- admin -------------------------------------------------------------------------------
    async def set_strategy(self, strategy: str) -> dict[str, str]:
        reply = await self.link.request("studio.settings.set", {"conflict_strategy": strategy})
        self.settings = dict(reply["settings"])
        return self.settings

    async def load_settings(self) -> dict[str, str]:
        """The studio settings as the server has them now (``studio.settings.get``)."""
        self.settings = dict((await self.link.request("studio.settings.get", {}))["settings"])
        return self.settings

    async def change_settings(self, changes: dict[str, Any]) -> dict[str, str]:
        """Admins: change any of ``conflict_strategy``, ``timezone``, ``cancellation_window_h``."""
        reply = await self.link.request("studio.settings.set", changes)
        self.settings = dict(reply["settings"])
        return self.settings

    async def announce(self, title: str, message: str, *, priority: str = "normal",
                       role: Role | None = None) -> int:
        """Admins: a notification to everyone (or everyone with ``role``); returns its id."""
        data: dict[str, Any] = {"title": title, "message": message, "priority": priority}
        if role is not None:
            data["role"] = role.value
        return int((await self.link.request("notification.announce", data))["id"])

    async def set_role(self, user_id: int, role: Role) -> User:
        reply = await self.link.request("user.set_role", {"user_id": user_id, "role": role.value})
        return User.from_wire(reply["user"])

    async def disconnect_user(self, user_id: int, *, revoke: bool = False) -> int:
        reply = await self.link.request("user.disconnect", {"user_id": user_id, "revoke": revoke})
        return int(reply["closed"])

    def close(self) -> None:
        self.throttle.cancel()
