"""The schedule commands the UI sends: an interface the core client implements.

Field dictionaries hold WIRE values: times as ``"YYYY-MM-DDTHH:MM:SSZ"`` UTC
strings (``protocol.timefmt.format_ts``), ``status`` as its string value, ids
as ints.

Failures raise; :func:`~swan_desktop.core.outcomes.outcome_of` turns what was
raised into a typed outcome (``StaleVersion``, ``Clash``, ``OutsideHours``,
``Locked``, ``Invalid``, ``NotFound``, ``Forbidden``, ``Queued``, …) for the UI
to match on. The UI never reads error codes or ``error.data``.

One owner writes the schedule store: the implementation (the core client),
besides the event router. It stores what the server answered before a command
returns — the saved session, a deletion, and on a refusal the server's current
version (``StaleVersion``) or the session's absence (``NotFound``) — and marks
changes that wait in the outbox as pending. The UI only reads the store; it
never writes a command's result back.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..protocol.entities import Session


class SeriesActions(Protocol):
    """Repeating sessions and changes scoped to ``this``, ``following`` or the whole ``series``."""

    async def create_series(self, fields: dict[str, Any], rrule: str, *, allow_overlap: bool = False,
                            tz: str | None = None) -> list[Session]:
        ...

    async def update_scoped(self, session_id: int, version: int, changes: dict[str, Any], scope: str, *,
                            allow_overlap: bool = False) -> list[Session]:
        ...

    async def delete_scoped(self, session_id: int, version: int, scope: str) -> list[int]:
        ...

    async def checkin(self, session_id: int, attendance: str) -> Session:
        """Record attendance (``present``, ``late``, ``no_show``); returns the session as stored."""
        ...

    async def cancel_giving_credit_back(self, session_id: int, version: int, reason: str) -> Session:
        """Admins: cancel and give a used credit back even inside the cancellation window."""
        ...


class ScheduleActions(Protocol):
    """Create, change and delete sessions on the server."""

    @property
    def calendar(self) -> SeriesActions | None:
        """Series and scoped changes, where the server offers them (None: single sessions only)."""
        ...

    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        """Create a session from wire ``fields``; returns it as stored."""
        ...

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        """Apply wire ``changes`` to the session last seen at ``version``."""
        ...

    async def delete_session(self, session_id: int, version: int) -> None:
        """Delete the session last seen at ``version``."""
        ...


class NoActions:
    """Actions for a pane that never saves (screenshots, benchmarks): any attempt says so."""

    calendar: SeriesActions | None = None

    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        raise NotImplementedError("this schedule is read only")

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        raise NotImplementedError("this schedule is read only")

    async def delete_session(self, session_id: int, version: int) -> None:
        raise NotImplementedError("this schedule is read only")
