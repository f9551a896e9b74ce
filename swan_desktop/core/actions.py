"""The schedule commands the UI sends: an interface the network layer implements.

Field dictionaries hold WIRE values: times as ``"YYYY-MM-DDTHH:MM:SSZ"`` UTC
strings (``protocol.timefmt.format_ts``), ``status`` as its string value, ids
as ints. Failures raise ``ProtocolError``; the shapes the UI acts on are:

* ``invalid`` with ``data={"field": name}`` — a field was refused;
* ``not_found`` / ``forbidden``;
* ``conflict`` with ``data={"reason": "stale_version", "current": <wire session>}``
  — someone else saved the session first;
* ``conflict`` with ``data={"reason": "schedule:conflict", "conflict":
  "double-booking" | "trainer-unavailable" | "time-overlap", "message": str,
  "clashes": [<wire session>, ...]}`` — the change would clash; an admin may
  resend with ``allow_overlap=True``.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..protocol.entities import Session

#: ``error.data["reason"]`` of a version conflict.
STALE_VERSION = "stale_version"
#: ``error.data["reason"]`` of an overlap refusal.
SCHEDULE_CONFLICT = "schedule:conflict"


class ScheduleActions(Protocol):
    """Create, change and delete sessions on the server."""

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

    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        raise NotImplementedError("this schedule is read only")

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        raise NotImplementedError("this schedule is read only")

    async def delete_session(self, session_id: int, version: int) -> None:
        raise NotImplementedError("this schedule is read only")
