"""Why a request failed, as a closed set of typed values the UI matches on.

:func:`outcome_of` is the one place on the desktop that reads error codes and
``error.data`` (the shapes are in docs/protocol.md). Everything above it —
dialogs, the grid, the failed-changes list — matches on these values with
``match``/``isinstance`` and never looks at protocol strings:

==================  ===============================================================
outcome             what the server (or the link) said
==================  ===============================================================
``Invalid``         ``invalid`` (a field, or several unknown fields, or rows of an
                    import) or ``too_large``
``Unauthorized``    ``unauthorized``: bad sign-in, or not signed in
``Forbidden``       ``forbidden``: the role may not do this
``UpdateRequired``  ``forbidden``/``update_required``: this desktop is older than the
                    server serves; with the version to install and where it is
``NotFound``        ``not_found`` (``field`` says what was missing)
``StaleVersion``    ``conflict``/``stale_version``, with a ``Merge`` when the studio's
                    conflict strategy refused to merge
``Clash``           ``conflict``/``schedule:conflict``: a trainer or room is taken
``OutsideHours``    ``conflict``/``outside-availability``: outside working hours
``InUse``           ``conflict``/``in_use``: sessions still name what was to be deleted
``Full``            ``conflict``/``full``: a group session has no place left (offer the waitlist)
``Locked``          ``locked``: someone holds the edit lock (``held``), this user's
                    lock lapsed (``lost``) or was taken over (``fenced``)
``RateLimited``     ``rate_limited``, with the wait the server asked for
``Queued``          no answer yet: the change waits in the outbox and is sent later
``Offline``         no answer and nothing kept: the connection is gone
``Internal``        ``internal``, or an answer this desktop does not understand
==================  ===============================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ..net.connection import ConnectionLost, RequestTimeout
from ..net.link import Queued as QueuedEntry
from ..net.outbox import OutboxError
from ..protocol.entities import Session
from ..protocol.errors import ErrorCode, ProtocolError
from .collab.locks import LockInfo

#: ``error.data.reason`` of the ``forbidden`` refusal of a desktop too old for the server.
UPDATE_REQUIRED = "update_required"
#: ``error.data.reason`` values of ``conflict`` refusals.
STALE_VERSION = "stale_version"
SCHEDULE_CONFLICT = "schedule:conflict"
OUTSIDE_AVAILABILITY = "outside-availability"
IN_USE = "in_use"
FULL = "full"

LockLoss = Literal["held", "lost", "fenced"]


@dataclass(frozen=True)
class RowError:
    """One refused row of a ``directory.import`` (or of a ``client.import``: no ``table``)."""

    table: str                        # trainers | rooms | session_types | clients
    row: int                          # in the order sent: from 0 (directory.import), from 1 (client.import)
    field: str
    message: str


@dataclass(frozen=True)
class Invalid:
    message: str
    field: str | None = None          # the wire field refused ("end", "changes.status", …)
    fields: tuple[str, ...] = ()      # several unknown fields
    rows: tuple[RowError, ...] = ()   # an import's refused rows


@dataclass(frozen=True)
class InUse:
    """A trainer, room or type that sessions still name: it can be archived, not deleted."""

    message: str
    sessions: int


@dataclass(frozen=True)
class Full:
    """A group session with every place taken: the client may join its waitlist."""

    message: str
    capacity: int
    booked: int


@dataclass(frozen=True)
class Unauthorized:
    message: str


@dataclass(frozen=True)
class Forbidden:
    message: str


@dataclass(frozen=True)
class UpdateRequired:
    message: str
    latest: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class NotFound:
    message: str
    field: str | None = None          # "id" when the session itself is gone


@dataclass(frozen=True)
class Merge:
    """The studio's conflict strategy would not merge: ``review`` asks the user to choose
    per field; ``clash`` means both changed the same fields."""

    how: Literal["review", "clash"]
    strategy: str
    fields: tuple[str, ...]
    base: dict[str, Any]              # wire values of the version the change was made on
    mine: dict[str, Any]              # the refused changes


@dataclass(frozen=True)
class StaleVersion:
    message: str
    current: Session                  # the session as the server now holds it
    merge: Merge | None = None


@dataclass(frozen=True)
class Clash:
    message: str
    kind: str                         # double-booking | trainer-unavailable | time-overlap
    severity: str
    clashes: tuple[Session, ...]
    may_override: bool = False        # this user may book anyway (allow_overlap)


@dataclass(frozen=True)
class OutsideHours:
    message: str
    trainer_id: int | None
    timezone: str
    hours: tuple[tuple[int, str, str], ...]   # (weekday, "HH:MM", "HH:MM"), as Trainer.hours
    may_override: bool = False        # this user may book anyway (allow_outside_hours)


@dataclass(frozen=True)
class Locked:
    message: str
    why: LockLoss
    lock: LockInfo | None             # the lock that stands in the way (None: nobody holds it)

    @property
    def holder(self) -> str | None:
        return self.lock.holder_name if self.lock is not None else None


@dataclass(frozen=True)
class RateLimited:
    message: str
    retry_after_s: float


@dataclass(frozen=True)
class Queued:
    message: str
    request_id: str


@dataclass(frozen=True)
class Offline:
    message: str


@dataclass(frozen=True)
class Internal:
    message: str


Outcome = (Invalid | Unauthorized | Forbidden | UpdateRequired | NotFound | StaleVersion | Clash
           | OutsideHours | Locked | InUse | Full | RateLimited | Queued | Offline | Internal)

#: What a command may raise that :func:`outcome_of` reads (anything else is a bug: log it).
FAILURES: tuple[type[Exception], ...] = (ProtocolError, QueuedEntry, ConnectionLost, RequestTimeout,
                                         OutboxError)

QUEUED_TEXT = "Saved on this computer; it will be sent when the server answers."
OFFLINE_TEXT = "The server cannot be reached; nothing was sent. Try again when it is back."


def outcome_of(error: BaseException, *, may_override: bool = False) -> Outcome:
    """What ``error`` (a refusal, or the link's word that no answer came) means for the user.

    ``may_override`` says whether this user may resend over a clash or outside
    working hours (an admin's editor); it is carried by those two outcomes.
    """
    if isinstance(error, ProtocolError):
        return _refusal(error, may_override)
    if isinstance(error, QueuedEntry):
        return Queued(QUEUED_TEXT, error.entry.id)
    if isinstance(error, ConnectionLost | RequestTimeout):
        return Offline(OFFLINE_TEXT)
    if isinstance(error, OutboxError):
        return Internal(f"Your change could not be kept on this computer ({error}). Nothing was sent; "
                        "free some space and try again.")
    return Internal(str(error) or type(error).__name__)


def _refusal(err: ProtocolError, may_override: bool) -> Outcome:
    data = err.data or {}
    code = err.code
    if code in (ErrorCode.INVALID, ErrorCode.TOO_LARGE):
        return Invalid(err.message, _text(data.get("field")), _texts(data.get("fields")),
                       _rows(data.get("rows")))
    if code is ErrorCode.UNAUTHORIZED:
        return Unauthorized(err.message)
    if code is ErrorCode.FORBIDDEN:
        if data.get("reason") == UPDATE_REQUIRED:
            update = data.get("update")
            update = update if isinstance(update, dict) else {}
            return UpdateRequired(err.message, _text(update.get("latest")), _text(update.get("url")))
        return Forbidden(err.message)
    if code is ErrorCode.NOT_FOUND:
        return NotFound(err.message, _text(data.get("field")))
    if code is ErrorCode.LOCKED:
        return _locked(err.message, data)
    if code is ErrorCode.RATE_LIMITED:
        wait = data.get("retry_after_s")
        return RateLimited(err.message, float(wait) if isinstance(wait, int | float) else 1.0)
    if code is ErrorCode.CONFLICT:
        conflict = _conflict(err.message, data, may_override)
        if conflict is not None:
            return conflict
    return Internal(err.message or "The server could not do this.")


def _conflict(message: str, data: dict[str, Any], may_override: bool) -> Outcome | None:
    reason = data.get("reason")
    words = str(data.get("message") or message)
    if reason == STALE_VERSION and isinstance(data.get("current"), dict):
        return StaleVersion(message, Session.from_wire(data["current"]), _merge(data))
    if reason == SCHEDULE_CONFLICT:
        clashes = tuple(Session.from_wire(c) for c in data.get("clashes") or () if isinstance(c, dict))
        return Clash(words, str(data.get("conflict") or ""), str(data.get("severity") or ""), clashes,
                     may_override)
    if reason == IN_USE:
        count = data.get("sessions")
        return InUse(words, count if isinstance(count, int) else 0)
    if reason == FULL:
        capacity, booked = data.get("capacity"), data.get("booked")
        return Full(words, capacity if isinstance(capacity, int) else 0,
                    booked if isinstance(booked, int) else 0)
    if reason == OUTSIDE_AVAILABILITY:
        hours = tuple((int(h["weekday"]), str(h["start"]), str(h["end"]))
                      for h in data.get("hours") or () if isinstance(h, dict))
        trainer = data.get("trainer_id")
        return OutsideHours(words, trainer if isinstance(trainer, int) else None,
                            str(data.get("timezone") or ""), hours, may_override)
    return None


def _merge(data: dict[str, Any]) -> Merge | None:
    how = data.get("merge")
    if how not in ("review", "clash"):
        return None
    return Merge(how, str(data.get("strategy") or ""), _texts(data.get("fields")),
                 dict(data.get("base") or {}), dict(data.get("mine") or {}))


def _locked(message: str, data: dict[str, Any]) -> Locked:
    why = data.get("reason")
    lock = data.get("lock")
    return Locked(message, why if why in ("held", "lost", "fenced") else "held",
                  LockInfo.from_wire(lock) if isinstance(lock, dict) else None)


def _rows(value: Any) -> tuple[RowError, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(RowError(str(r.get("table") or ""), int(r.get("row") or 0), str(r.get("field") or ""),
                          str(r.get("message") or "")) for r in value if isinstance(r, dict))


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()
