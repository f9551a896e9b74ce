"""The collaboration's request payloads (see docs/protocol.md, Collaboration)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from ...protocol.messages import Id, Message

Activity = Literal["viewing", "editing", "dragging", "selecting"]
Day = Annotated[str, Meta(min_length=10, max_length=10)]
Room = Annotated[str, Meta(pattern=r"^(studio|day:\d{4}-\d{2}-\d{2})$")]
ChatText = Annotated[str, Meta(max_length=4000)]


class PresenceUpdate(Message):
    activity: Activity = "viewing"
    session_id: Id | None = None
    day: Day | None = None


class LockTarget(Message):
    """``lock.acquire`` and ``lock.break``."""

    session_id: Id


class LockHeld(Message):
    """``lock.renew`` and ``lock.release``: the holder's fencing token."""

    session_id: Id
    token: Id


class LockRequest(Message):
    session_id: Id
    message: Annotated[str, Meta(max_length=500)] = ""


class ChatSend(Message):
    room: Room
    text: ChatText
    kind: Literal["chat", "announcement"] = "chat"


class ChatEdit(Message):
    id: Id
    text: ChatText


class ChatDelete(Message):
    id: Id


class ChatReact(Message):
    id: Id
    emoji: Annotated[str, Meta(min_length=1, max_length=16)]
    on: bool = True


class ChatHistory(Message):
    room: Room
    limit: Annotated[int, Meta(ge=1, le=500)] = 500
    before: Id | None = None


class ActivityQuery(Message):
    user_id: Id | None = None
    trainer_id: Id | None = None
    kind: Literal["created", "updated", "deleted", "overwritten", "discarded"] | None = None
    before: Id | None = None
    limit: Annotated[int, Meta(ge=1, le=1000)] = 500


class SettingsChange(Message):
    conflict_strategy: str | None = None
    timezone: Annotated[str, Meta(max_length=64)] | None = None
    cancellation_window_h: Annotated[float, Meta(ge=0, le=720)] | None = None


class SetRole(Message):
    user_id: Id
    role: Literal["admin", "trainer", "viewer"]


class Disconnect(Message):
    user_id: Id
    revoke: bool = False
