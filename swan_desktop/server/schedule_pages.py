"""``schedule.query`` answered in pages that each fit well inside one frame.

A big studio's month is 15,000 sessions, about 5 MB as JSON: five times what the
desktop accepts in one frame (``MAX_FRAME_BYTES``), and a reply a single viewer
could make the server build again and again. So a reply carries the sessions of
the range in start order while they fit :data:`~.paging.REPLY_BUDGET` bytes
(always at least one), and when more follow it says ``"more": true`` with an
``after`` cursor: the start and id of the last session it carried. The client
asks again with the same range and that ``after`` until ``more`` is false.

Each page is read on its own at the event-log position it names (``seq``); a
client that applies events while paging keeps what an event after the first
page's ``seq`` said about a session (the events reach it before the later pages).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..protocol.errors import invalid
from ..protocol.messages import time_field
from .paging import REPLY_BUDGET, cut
from .store import Store

#: Sessions read from the database for one page (a session is 300–700 bytes of JSON, so the
#: byte budget ends a page first; this bounds the read when notes are short).
PAGE_ROWS = 2000

Cursor = tuple[datetime, int]


def cursor_text(start: str, session_id: int) -> str:
    """The ``after`` of a page that ended with a session starting at ``start`` (wire time)."""
    return f"{start},{session_id}"


def parse_cursor(text: str) -> Cursor:
    """An ``after`` as given back by the client: ``invalid`` naming the field when it is not one."""
    moment, _, number = text.rpartition(",")
    if not moment or not number.isdigit():
        raise invalid("after must be the 'after' of the previous page's reply", field="after")
    return time_field(moment, "after"), int(number)


def read_page(store: Store, start: datetime, end: datetime, trainer_id: int | None, after: Cursor | None,
              decorate: Callable[[Store, dict[str, Any]], dict[str, Any]], *,
              budget: int = REPLY_BUDGET, rows: int = PAGE_ROWS) -> dict[str, Any]:
    """One page of sessions overlapping ``[start, end)`` (on the store's thread).

    ``decorate`` adds what the features add to a reply (a group session's clients) before
    the page is cut to ``budget``, so what they add is counted."""
    found = store.session_wires_overlapping(start, end, trainer_id, after=after, limit=rows + 1)
    head = store.head_seq()
    reply = decorate(store, {"sessions": found[:rows]})
    kept, more = cut(reply["sessions"], len(found) > rows, budget)
    reply["sessions"] = kept
    reply["seq"] = head
    reply["more"] = more
    reply["after"] = cursor_text(kept[-1]["start"], kept[-1]["id"]) if more else None
    return reply

