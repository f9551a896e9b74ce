"""Whether a cancellation was late, as it was when it was made.

A cancellation is late when it comes less than the studio's window before the start, or after
it. That is decided when the session is cancelled and kept in ``session_cancellations``: a note
added to the cancelled session afterwards, or a later change of the window, does not turn a
timely cancellation into a late one in the reports or on the client's card. Sessions cancelled
before this was kept are judged, as before, by their last change against today's window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, FromClause, case, delete

from ...protocol.entities import Session
from ...protocol.timefmt import format_ts
from ..storage import dialect
from ..store import Store
from ..tables import sessions
from .tables import session_cancellations

_UPSERT = dialect.upsert(session_cancellations, ("cancelled_at", "late"))


def record(store: Store, session: Session, now: datetime, window: timedelta) -> None:
    """``session`` was cancelled ``now``; late when that is after its start less ``window``."""
    store.db.execute(_UPSERT, {"session_id": session.id, "cancelled_at": format_ts(now),
                               "late": int(now > session.start - window)})


def forget(store: Store, session_id: int) -> None:
    """``session`` is no longer cancelled."""
    store.db.execute(delete(session_cancellations).where(session_cancellations.c.session_id == session_id))


def joined(source: FromClause | Any) -> Any:
    """``source`` (sessions, or a join holding them) with each session's cancellation, if kept."""
    return source.outerjoin(session_cancellations, session_cancellations.c.session_id == sessions.c.id)


def late(window_h: float) -> ColumnElement[bool]:
    """Whether a cancelled session's cancellation was late (over :func:`joined`)."""
    kept = session_cancellations.c.late
    return case((kept.is_not(None), kept == 1),
                else_=dialect.hours_between(sessions.c.updated_at, sessions.c.start) < window_h)
