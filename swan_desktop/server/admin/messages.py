"""The studio administration's request payloads (see docs/protocol.md, Studio administration)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from ...protocol.messages import Id, Message, Name
from ..calendar.messages import DayHours

Color = Annotated[str, Meta(max_length=7)]
Specialties = Annotated[list[Name], Meta(max_length=30)]
Capacity = Annotated[int, Meta(ge=1, le=1000)]
#: Sessions a room holds at the same time (a gym floor several trainers share: a few).
AtOnce = Annotated[int, Meta(ge=1, le=50)]
Duration = Annotated[int, Meta(ge=5, le=24 * 60)]
Credits = Annotated[int, Meta(ge=0, le=100)]
DateText = Annotated[str, Meta(max_length=10)]
RoleName = Literal["admin", "trainer", "viewer"]
Password = Annotated[str, Meta(max_length=1024)]
#: Rows one ``directory.import`` may carry per table.
MAX_IMPORT_ROWS = 2000
ImportRows = Annotated[list[dict[str, Any]], Meta(max_length=MAX_IMPORT_ROWS)]


class ById(Message):
    id: Id


# -- trainers ------------------------------------------------------------------------------
class TrainerCreate(Message):
    name: Name
    color: Color | None = None
    specialties: Specialties = msgspec.field(default_factory=list)
    user_id: Id | None = None


class TrainerChanges(Message):
    name: Name | UnsetType = UNSET
    color: Color | UnsetType = UNSET
    specialties: Specialties | UnsetType = UNSET
    active: bool | UnsetType = UNSET
    user_id: Id | UnsetType | None = UNSET


class TrainerUpdate(Message):
    id: Id
    changes: TrainerChanges


# -- rooms ---------------------------------------------------------------------------------
class RoomCreate(Message):
    name: Name
    capacity: Capacity = 1
    sessions_at_once: AtOnce = 1


class RoomChanges(Message):
    name: Name | UnsetType = UNSET
    capacity: Capacity | UnsetType = UNSET
    sessions_at_once: AtOnce | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class RoomUpdate(Message):
    id: Id
    changes: RoomChanges


# -- session types -------------------------------------------------------------------------
class SessionTypeCreate(Message):
    name: Name
    duration_min: Duration = 60
    color: Color | None = None
    credits: Credits = 1
    #: Clients one session of the type holds (group sessions: more than 1).
    capacity: Capacity = 1


class SessionTypeChanges(Message):
    name: Name | UnsetType = UNSET
    duration_min: Duration | UnsetType = UNSET
    color: Color | UnsetType = UNSET
    credits: Credits | UnsetType = UNSET
    capacity: Capacity | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class SessionTypeUpdate(Message):
    id: Id
    changes: SessionTypeChanges


class DirectoryImport(Message):
    """Rows as their ``*.create`` data; all of them are created, or none."""

    trainers: ImportRows = msgspec.field(default_factory=list)
    rooms: ImportRows = msgspec.field(default_factory=list)
    session_types: ImportRows = msgspec.field(default_factory=list)


# -- time off and the studio -----------------------------------------------------------------
class TimeOffAdd(Message):
    trainer_id: Id
    start: DateText
    end: DateText
    reason: Name = ""


class StudioSetupSet(Message):
    name: Name | UnsetType = UNSET
    timezone: Name | UnsetType = UNSET
    opening_hours: Annotated[list[DayHours], Meta(max_length=100)] | UnsetType = UNSET
    setup_complete: bool | UnsetType = UNSET


# -- staff accounts --------------------------------------------------------------------------
class AccountCreate(Message):
    username: Name
    name: Name
    role: RoleName
    trainer_id: Id | None = None


class AccountChanges(Message):
    name: Name | UnsetType = UNSET
    role: RoleName | UnsetType = UNSET
    trainer_id: Id | UnsetType | None = UNSET
    active: bool | UnsetType = UNSET


class AccountUpdate(Message):
    user_id: Id
    changes: AccountChanges


class ResetPassword(Message):
    user_id: Id


class SetPassword(Message):
    current: Password
    new: Password
