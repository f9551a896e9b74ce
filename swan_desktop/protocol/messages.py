"""Typed request payloads: one :class:`Message` subclass per request type.

A request's ``data`` is decoded once into its message type (msgspec: unknown
fields refused, every field's type checked), so no handler checks shapes by
hand. A refusal is an ``invalid`` error that names the field by its path
(``changes.start``, ``hours[0].weekday``) and, for unknown fields, lists them.

Times on the wire are ISO 8601 in UTC with ``Z``; they stay strings in the
message and are read with :func:`time_field`, which names the field when one
is malformed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from .entities import Status
from .errors import invalid
from .timefmt import parse_ts

MAX_TEXT = 2000
MAX_NAME = 200

M = TypeVar("M", bound="Message")

#: Integer ids as the database stores them.
Id = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
Name = Annotated[str, Meta(max_length=MAX_NAME)]
Text = Annotated[str, Meta(max_length=MAX_TEXT)]


class Message(Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of every request payload: unknown fields are refused by name."""


class Empty(Message):
    """A request whose ``data`` must be ``{}`` (or absent)."""


def _known_fields(kind: type[Message]) -> frozenset[str]:
    return frozenset(f.encode_name for f in msgspec.structs.fields(kind))


@cache
def _fields_of(kind: type[Message]) -> frozenset[str]:
    return _known_fields(kind)


_PATH = re.compile(r" - at `\$(?P<path>[^`]*)`$")


def _field_path(message: str) -> tuple[str, str]:
    """msgspec's ``… - at `$.changes.start``` as (``changes.start``, the text before)."""
    match = _PATH.search(message)
    if match is None:
        return "", message
    path = match.group("path").lstrip(".")
    return path, message[: match.start()]


def _choices(kind: Any, path: str) -> tuple[str, ...]:
    """The values a ``Literal`` field at ``path`` (``changes.status``) allows, if it is one."""
    for name in path.split("."):
        if "[" in name:
            return ()
        fields = {f.encode_name: f.type for f in msgspec.structs.fields(kind)} if isinstance(kind, type) \
            and issubclass(kind, Struct) else {}
        if name not in fields:
            return ()
        kind = fields[name]
        options = [a for a in get_args(kind) if a is not type(None) and a is not UnsetType]
        if get_origin(kind) is not Literal and len(options) == 1:
            kind = options[0]
    if get_origin(kind) is Literal:
        return tuple(str(a) for a in get_args(kind))
    options = [a for a in get_args(kind) if get_origin(a) is Literal]
    return tuple(str(v) for a in options for v in get_args(a))


def _explain(text: str, path: str, kind: Any = None) -> str:
    where = path or "data"
    if text.startswith("Invalid enum value"):
        allowed = _choices(kind, path)
        if allowed:
            return f"{where} must be one of {', '.join(allowed)}"
    if text.startswith("Object contains unknown field"):
        name = text.split("`")[1] if "`" in text else "?"
        return f"unknown field(s): {name}"
    if text.startswith("Object missing required field"):
        name = text.split("`")[1] if "`" in text else "?"
        full = f"{path}.{name}" if path else name
        return f"{full} is required"
    bound = re.match(r"Expected `(str|array|object)` of length ([<>]=) (\d+)", text)
    if bound:
        unit = "characters" if bound.group(1) == "str" else "items"
        if bound.group(2) == "<=":
            return f"{where} is longer than {bound.group(3)} {unit}"
        return f"{where} must have at least {bound.group(3)} {unit}"
    number = re.match(r"Expected `(int|float)` ([<>]=) (-?[\d.]+)", text)
    if number:
        return f"{where} must be {'at least' if number.group(2) == '>=' else 'at most'} {number.group(3)}"
    expected = re.match(r"Expected `([^`]*)`, got `([^`]*)`", text)
    if expected:
        want = expected.group(1)
        words = {"int": "an integer", "str": "a string", "bool": "true or false", "object": "an object",
                 "array": "a list", "float": "a number", "int | null": "an integer or null",
                 "str | null": "a string or null", "bool | null": "true, false or null",
                 "object | null": "an object or null"}.get(want, want)
        return f"{where} must be {words}"
    return f"{where}: {text[:1].lower()}{text[1:]}"


def decode(kind: type[M], data: dict[str, Any]) -> M:
    """``data`` as a ``kind``; anything else raises ``invalid`` naming the field."""
    unknown = sorted(set(data) - _fields_of(kind))
    if unknown:
        raise invalid(f"unknown field(s): {', '.join(unknown)}", fields=unknown)
    try:
        return msgspec.convert(data, kind, strict=True)
    except msgspec.ValidationError as err:
        path, text = _field_path(str(err))
        extra: dict[str, Any] = {"field": path} if path else {}
        if text.startswith("Object contains unknown field") and "`" in text:
            name = text.split("`")[1]
            extra = {"fields": [f"{path}.{name}" if path else name]}
        elif text.startswith("Object missing required field") and "`" in text:
            name = text.split("`")[1]
            extra = {"field": f"{path}.{name}" if path else name}
        raise invalid(_explain(text, path, kind), **extra) from None


#: Times the server accepts: from 1970 through 2199 (UTC). Beyond them dates do not format as
#: four-digit years or overflow when a duration is added, and no studio books them.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def check_time_range(moment: datetime, field: str) -> None:
    """Refuse a time outside 1970–2199 with ``invalid`` naming ``field``."""
    if not EARLIEST <= moment < LATEST:
        raise invalid(f"{field} must be between {EARLIEST.year} and {LATEST.year - 1}", field=field)


def time_field(text: str, field: str) -> datetime:
    """A wire time of a message (``…Z``) as an aware UTC datetime, or ``invalid`` naming ``field``
    (also when it falls outside 1970–2199)."""
    moment = parse_ts(text, field)
    check_time_range(moment, field)
    return moment


def given(value: Any) -> bool:
    """Whether an optional message field was sent at all (``UNSET`` when absent)."""
    return value is not UNSET


@cache
def _names(kind: type[Struct]) -> tuple[tuple[str, str], ...]:
    """(wire name, attribute name) of each field of a message type (``msgspec.structs.fields``
    reads the type's annotations anew on every call: milliseconds under load)."""
    return tuple((f.encode_name, f.name) for f in msgspec.structs.fields(kind))


def present(struct: Struct) -> dict[str, Any]:
    """The fields of ``struct`` that were sent (``UNSET`` ones left out), by wire name."""
    values = ((wire, getattr(struct, name)) for wire, name in _names(type(struct)))
    return {wire: value for wire, value in values if value is not UNSET}


# -- the core protocol (PROTOCOL.md) ---------------------------------------------------------


class ClientInfo(Message):
    """Which program signs in, and its version (``{"app": "swan-desktop", "version": "0.1.0"}``)."""

    app: Annotated[str, Meta(min_length=1, max_length=64)]
    version: Annotated[str, Meta(min_length=1, max_length=32, pattern=r"^\d+(\.\d+){0,3}([-+.].*)?$")]


class PasswordAuth(Message):
    username: str
    password: str
    client: ClientInfo | None = None


class TokenAuth(Message):
    token: Annotated[str, Meta(min_length=1)]
    client: ClientInfo | None = None


class SyncMarker(Message):
    epoch: str
    seq: Annotated[int, Meta(ge=0, le=2**63 - 1)]


class Sync(Message):
    since: SyncMarker | None = None


class Heartbeat(Message):
    client_time: str | int | float | None = None


class DirectoryClients(Message):
    #: The previous page's ``after`` (the last client id it carried).
    after: Id


class ScheduleQuery(Message):
    start: str
    end: str
    trainer_id: Id | None = None
    #: Where the previous page ended (its reply's ``after``); absent for the first page.
    after: Annotated[str, Meta(max_length=64)] | None = None


StatusName = Literal["available", "requested", "scheduled", "confirmed", "completed", "cancelled", "blocked"]


class SessionFields(Message):
    """The fields a client may set on a session; absent ones are ``UNSET``."""

    start: str | UnsetType = UNSET
    end: str | UnsetType = UNSET
    trainer_id: Id | UnsetType = UNSET
    client_id: Id | UnsetType | None = UNSET
    client_name: Name | UnsetType | None = UNSET
    location: Name | UnsetType | None = UNSET
    session_type_id: Id | UnsetType | None = UNSET
    status: StatusName | UnsetType = UNSET
    notes: Text | UnsetType | None = UNSET
    cancel_reason: Text | UnsetType | None = UNSET

    def values(self, prefix: str = "") -> dict[str, Any]:
        """The given fields as session values (times parsed, text ``None`` as ``""``)."""
        out: dict[str, Any] = {}
        for name, value in present(self).items():
            if name in ("start", "end"):
                out[name] = time_field(value, prefix + name)
            elif name == "status":
                out[name] = Status(value)
            elif name in ("client_name", "location", "notes", "cancel_reason"):
                out[name] = value or ""
            else:
                out[name] = value
        return out


#: IANA zone names are short (the longest is about 30 characters).
MAX_ZONE = 64


class Recurrence(Message):
    rrule: str
    tz: Annotated[str, Meta(max_length=MAX_ZONE)] | None = None


class SessionCreate(SessionFields):
    allow_overlap: bool = False
    allow_outside_hours: bool = False
    recurrence: Recurrence | None = None
    lock_token: Id | None = None

    def session_values(self) -> dict[str, Any]:
        """A complete new session's fields (``start``, ``end``, ``trainer_id`` required)."""
        fields = SessionFields(**{k: v for k, v in present(self).items() if k in _SESSION_FIELD_NAMES})
        values = fields.values()
        for required in ("start", "end", "trainer_id"):
            if required not in values:
                raise invalid(f"{required} is required", field=required)
        values.setdefault("client_id", None)
        values.setdefault("client_name", "")
        values.setdefault("location", "")
        values.setdefault("session_type_id", None)
        values.setdefault("status", Status.SCHEDULED)
        values.setdefault("notes", "")
        values.setdefault("cancel_reason", "")
        return values


Scope = Literal["this", "following", "series"]


class SessionUpdate(Message):
    id: Id
    version: Id
    changes: SessionFields
    allow_overlap: bool = False
    allow_outside_hours: bool = False
    scope: Scope = "this"
    lock_token: Id | None = None
    #: Admins, when cancelling: give a used credit back even inside the cancellation window.
    restore_credit: bool = False


class SessionDelete(Message):
    id: Id
    version: Id
    scope: Scope = "this"
    lock_token: Id | None = None


_SESSION_FIELD_NAMES = _known_fields(SessionFields)
