"""Which credits lapse: sold credits expire ``validity_days`` after the sale, oldest sale spent first.

The rules, replayed over a client's ledger in order (:func:`remaining`):

- a ``sale`` row is a lot that expires when its sale does; every other credit
  (``opening``, a ``refund``, a positive ``adjustment``) is a lot that never
  expires;
- a spend (a negative row that is not an ``expiry``) takes from the oldest sale
  still valid at that moment, then the next sale, and only then from the credits
  that never expire, oldest first: a client's goodwill or opening credits are
  not used up while a package bought after them runs out unused; beyond every
  lot it is owed, and the next lot pays what is owed first;
- an ``expiry`` row empties its sale's lot, and so does a ``returned`` row (a refund takes back
  what the lot holds); so does a ``void`` row, which takes back all the sale's credits: what it
  takes beyond the lot (the part of the sale that paid what was owed) is owed again.

:func:`lapse` writes, for each sale past its expiry that has not lapsed, an
``expiry`` row of what its lot still holds (none when nothing is left) and
marks the sale lapsed: the server's daily task runs it.

A spend used to take from the oldest credit of any kind, so a
client's opening, refunded or goodwill credits went first and a package bought
after them lapsed unused, taking those credits with it. :func:`give_back_lapsed`
(once per database, at the server's start) gives each client back what their
lapses took beyond these rules, as one ``adjustment``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ...protocol.timefmt import format_ts, parse_ts
from ..storage import dialect
from ..store import Store, Tx
from ..tables import meta
from . import ledger
from .tables import credit_ledger, package_sales

#: The ``meta`` key set once lapses written under the old rule were recounted.
RECOUNTED = "lapses_recounted"
GIVEN_BACK = ("credits an expired package's lapse took from the client's other credits, given back "
              "(sessions now use a package's credits before those)")


@dataclass(frozen=True, slots=True)
class Row:
    delta: int
    reason: str
    at: datetime
    sale_id: int | None = None


@dataclass(slots=True)
class _Lot:
    sale_id: int | None
    expires_at: datetime | None
    left: int


def remaining(rows: Iterable[Row], expiries: dict[int, datetime | None]) -> dict[int, int]:
    """What each sale's lot still holds after ``rows`` (a client's ledger, oldest first)."""
    lots: list[_Lot] = []
    owed = 0
    for row in rows:
        if row.reason in ("expiry", "void", "returned"):
            for lot in lots:
                if lot.sale_id == row.sale_id:
                    if row.reason == "void":
                        owed += max(0, -row.delta - lot.left)
                    lot.left = 0
        elif row.delta > 0:
            paid = min(owed, row.delta)
            owed -= paid
            sale = row.sale_id if row.reason == "sale" else None
            lots.append(_Lot(sale, expiries.get(sale) if sale is not None else None, row.delta - paid))
        elif row.delta < 0:
            need = -row.delta
            sales = [lot for lot in lots if lot.sale_id is not None]
            kept = [lot for lot in lots if lot.sale_id is None]
            for lot in (*sales, *kept):
                if need == 0:
                    break
                if lot.left and (lot.expires_at is None or lot.expires_at > row.at):
                    take = min(lot.left, need)
                    lot.left -= take
                    need -= take
            owed += need
    return {lot.sale_id: lot.left for lot in lots if lot.sale_id is not None}


def held(store: Store, client_id: int) -> dict[int, int]:
    """What each of the client's sales still holds now, by these rules (an expired sale's lot
    holds its credits until its lapse is written)."""
    return remaining(client_rows(store, client_id), expiries(store, client_id))


def spent_from(store: Store, client_id: int, sale_id: int) -> int | None:
    """How many of the sale's credits were spent since it was sold (0: it holds what it held then;
    None: the sale is not in the client's ledger)."""
    rows, sales = client_rows(store, client_id), expiries(store, client_id)
    sold = next((k for k, row in enumerate(rows) if row.reason == "sale" and row.sale_id == sale_id), None)
    if sold is None:
        return None
    then = remaining(rows[: sold + 1], sales).get(sale_id, 0)
    return then - remaining(rows, sales).get(sale_id, 0)


def client_rows(store: Store, client_id: int) -> list[Row]:
    rows = store.db.execute(
        select(credit_ledger.c.delta, credit_ledger.c.reason, credit_ledger.c.at, credit_ledger.c.sale_id)
        .where(credit_ledger.c.client_id == client_id)
        .order_by(credit_ledger.c.id)
    )
    return [Row(r.delta, r.reason, parse_ts(r.at), r.sale_id) for r in rows]


def expiries(store: Store, client_id: int) -> dict[int, datetime | None]:
    rows = store.db.execute(
        select(package_sales.c.id, package_sales.c.expires_at).where(package_sales.c.client_id == client_id)
    )
    return {r.id: parse_ts(r.expires_at) if r.expires_at else None for r in rows}


def lapse(store: Store, tx: Tx, now: datetime) -> int:
    """Lapse every sale past its expiry (oldest first); returns the credits that lapsed. Call inside
    a transaction."""
    due = store.db.execute(
        select(package_sales.c.id, package_sales.c.client_id, package_sales.c.expires_at)
        .where(package_sales.c.expires_at <= format_ts(now), package_sales.c.lapsed_at.is_(None),
               package_sales.c.voided_at.is_(None), package_sales.c.refunded_at.is_(None))
        .order_by(package_sales.c.expires_at, package_sales.c.id)
    ).all()
    total = 0
    for sale_id, client_id, expires_at in due:
        left = remaining(client_rows(store, client_id), expiries(store, client_id)).get(sale_id, 0)
        if left > 0:
            ledger.post(
                store,
                tx,
                None,
                client_id,
                -left,
                "expiry",
                now,
                sale_id=sale_id,
                note=f"unspent credits of sale {sale_id} (expired {expires_at[:10]}) lapsed",
            )
            total += left
        store.db.execute(
            update(package_sales).where(package_sales.c.id == sale_id).values(lapsed_at=format_ts(now))
        )
    return total


def give_back_lapsed(store: Store, tx: Tx, now: datetime) -> int:
    """Once per database: for each client, what the ``expiry`` rows took beyond what their sale held
    under these rules comes back as one ``adjustment``; returns the credits given back. Never takes
    any. Call inside a transaction (a studio group's instances starting together do it once)."""
    first = store.db.execute(dialect.insert_ignore(meta), {"key": RECOUNTED, "value": format_ts(now)})
    if not first.rowcount:
        return 0
    lapsed = select(credit_ledger.c.client_id).where(credit_ledger.c.reason == "expiry").distinct()
    total = 0
    for client_id in sorted(store.db.execute(lapsed).scalars()):
        rows, sales = client_rows(store, client_id), expiries(store, client_id)
        over = sum(max(0, -row.delta - remaining(rows[:k], sales).get(row.sale_id, 0))
                   for k, row in enumerate(rows) if row.reason == "expiry" and row.sale_id is not None)
        if over:
            ledger.post(store, tx, None, client_id, over, "adjustment", now, note=GIVEN_BACK)
            total += over
    return total
