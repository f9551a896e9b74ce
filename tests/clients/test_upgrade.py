"""A file from the last release keeps every client's credits, now as the ledger's sum; credits a
session spent before the upgrade are refunded through the ledger by a timely cancellation."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import select

from swan_desktop.server.clients import ledger
from swan_desktop.server.clients.tables import credit_ledger
from swan_desktop.server.store import Store

FIXTURE = Path(__file__).parent.parent / "fixtures" / "release-0db70c9.sqlite3"


def test_credits_before_the_ledger_become_opening_and_completion_rows(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    shutil.copyfile(FIXTURE, path)
    conn = sqlite3.connect(path)
    client, credits, session = 1, 7, conn.execute("SELECT min(id) FROM sessions").fetchone()[0]
    conn.execute("UPDATE clients SET credits = ? WHERE id = ?", (credits, client))
    conn.execute("DELETE FROM credit_charges")
    conn.execute(
        "INSERT INTO credit_charges (session_id, client_id, credits, charged_at) "
        "VALUES (?, ?, 2, '2030-01-01T00:00:00Z')",
        (session, client),
    )
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        rows = store.db.execute(
            select(credit_ledger.c.reason, credit_ledger.c.delta, credit_ledger.c.session_id)
            .where(credit_ledger.c.client_id == client)
            .order_by(credit_ledger.c.id)
        ).all()
        assert [tuple(r) for r in rows] == [("opening", 9, None), ("completion", -2, session)]
        assert ledger.balance(store, client) == credits == ledger.ledger_sum(store, client)
        assert ledger.spent_on(store, session, client) == 2  # a timely cancel gives these back
        for other in store.clients():
            assert ledger.balance(store, other.id) == ledger.ledger_sum(store, other.id)
    finally:
        store.close()
