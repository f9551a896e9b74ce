"""The calendar's request payloads (see docs/protocol.md, Calendar)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from ...protocol.messages import Id, Message

Weekday = Annotated[int, Meta(ge=0, le=6)]
ClockTime = Annotated[str, Meta(max_length=8)]


class CheckIn(Message):
    id: Id
    attendance: Literal["present", "late", "no_show"]
    at: str | None = None
    lock_token: Id | None = None
    #: One client of a group session (the session's own client when left out).
    client_id: Id | None = None


class DayHours(Message):
    weekday: Weekday
    start: ClockTime
    end: ClockTime


#: Intervals in one trainer's week at most (several a day, with breaks between them).
MAX_WEEK_INTERVALS = 100


class AvailabilitySet(Message):
    trainer_id: Id
    hours: Annotated[list[DayHours], Meta(max_length=MAX_WEEK_INTERVALS)]


class AvailabilityGet(Message):
    trainer_id: Id | None = None


class FeedCreate(Message):
    trainer_id: Id


class FeedRevoke(Message):
    id: Id
