"""The notification service's request payloads (see docs/protocol.md, Notifications)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from ...protocol.messages import Id, Message

Category = Literal["schedule", "system", "user", "financial", "security", "content", "performance"]
Priority = Literal["low", "normal", "high", "critical"]


class NotificationQuery(Message):
    category: Category | None = None
    priority: Priority | None = None
    since: str | None = None
    until: str | None = None
    unread_only: bool = False
    include_dismissed: bool = False
    limit: Annotated[int, Meta(ge=1, le=1000)] = 200
    before_id: Id | None = None


class NotificationMark(Message):
    ids: Annotated[list[Id], Meta(min_length=1, max_length=1000)]
    op: str


class NotificationAction(Message):
    id: Id
    action: str
    confirm: bool = False


class Announcement(Message):
    title: Annotated[str, Meta(min_length=1, max_length=200)]
    message: Annotated[str, Meta(max_length=5000)]
    priority: Priority = "normal"
    role: Literal["admin", "trainer", "viewer"] | None = None


class PrefsChange(Message):
    email: Annotated[str, Meta(max_length=320)] | UnsetType = UNSET
    email_opt_in: bool | UnsetType = UNSET
    min_priority: Priority | UnsetType = UNSET
    digest: bool | UnsetType = UNSET


class EmailConfirm(Message):
    code: Annotated[str, Meta(min_length=1, max_length=20)]
