"""The directory's clients in pages: a studio (or a studio group) with thousands of clients
over the years would otherwise send them all in the ``directory.query`` every desktop makes at
sign-in, and past about 10,000 clients that reply is over the 1 MiB frame the desktop accepts,
so no desktop could sign in at all.

``directory.query`` carries the first clients by id that fit :data:`CLIENTS_BUDGET` (half a
reply's budget: the trainers, users, types and rooms share the frame) and says
``clients_more`` with ``clients_after`` (the last id it carried); ``directory.clients`` with
that ``after`` answers the next page, ``{"clients", "more", "after"}``. A client created
meanwhile has a higher id, so it is on a later page or in its ``client:created`` event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .paging import REPLY_BUDGET, cut
from .store import Store

#: Bytes of clients one reply carries at most.
CLIENTS_BUDGET = REPLY_BUDGET // 2
#: Clients read from the database for one page (about 100 bytes each: the budget ends it first).
CLIENT_ROWS = 4000


def clients_page(store: Store, after: int | None, decorate: Callable[[dict[str, Any]], dict[str, Any]],
                 *, budget: int = CLIENTS_BUDGET, rows: int = CLIENT_ROWS) -> dict[str, Any]:
    """``{"clients", "more", "after"}``: the clients after ``after`` that fit ``budget``, once
    ``decorate`` (the features' additions to a directory reply) has been over them."""
    found = store.clients(after=after, limit=rows + 1)
    wires = decorate({"clients": [c.to_wire() for c in found[:rows]]})["clients"]
    kept, more = cut(wires, len(found) > rows, budget)
    return {"clients": kept, "more": more, "after": kept[-1]["id"] if more else None}
