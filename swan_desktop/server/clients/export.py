"""``client.export`` (admins): every client record, page by page in id order, archived ones
too, for the studio to keep or take elsewhere (the desktop writes them as a CSV its own import
reads back). A page is read on the reading connection, so changes do not wait behind it, and
holds at most ``limit`` records and half a frame of bytes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..paging import cut
from ..store import Store
from ..tables import clients
from . import records
from .messages import ClientExport


def page(store: Store, msg: ClientExport) -> dict[str, Any]:
    rows = store.db.execute(select(clients).where(clients.c.id > msg.after_id)
                            .order_by(clients.c.id).limit(msg.limit + 1)).mappings().all()
    items, more = cut([records.wire(r) for r in rows[:msg.limit]], len(rows) > msg.limit)
    return {"clients": items, "more": more, "after_id": items[-1]["id"] if items else msg.after_id}
