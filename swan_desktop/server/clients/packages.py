"""``package.*``, ``package.sell``, ``package.void``, ``package.refund`` and ``credits.adjust``: the
pipeline's write hooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, insert, select, update

from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.messages import present, time_field
from ...protocol.timefmt import format_ts
from ..pipeline import Change
from ..store import Store
from . import ledger, lots, records
from .messages import CreditsAdjust, PackageCreate, PackageRefund, PackageSell, PackageUpdate, PackageVoid
from .search import sale_wire
from .tables import package_sales, packages


def wire(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "credits": row["credits"],
        "price_cents": row["price_cents"],
        "validity_days": row["validity_days"],
        "active": bool(row["active"]),
    }


def row(store: Store, package_id: int, field: str = "id") -> RowMapping:
    found = store.db.execute(select(packages).where(packages.c.id == package_id)).mappings().first()
    if found is None:
        raise not_found(f"no package with id {package_id}", field=field)
    return found


def listing(store: Store) -> dict[str, Any]:
    rows = store.db.execute(select(packages).order_by(packages.c.id)).mappings()
    return {"packages": [wire(r) for r in rows]}


def _values(given: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    values = dict(given)
    if "name" in values:
        values["name"] = values["name"].strip()
        if not values["name"]:
            raise invalid("name must not be empty", field=f"{prefix}name")
    if "active" in values:
        values["active"] = int(values["active"])
    return values


def create(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, PackageCreate)
    result = change.store.db.execute(insert(packages).values(**_values(present(msg))))
    key = result.inserted_primary_key
    assert key is not None
    package = wire(row(change.store, int(key[0])))
    change.emit("package:created", {"package": package}, primary=True)
    change.reply = {"package": package}


def update_package(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, PackageUpdate)
    row(change.store, msg.id)
    given = present(msg.changes)
    if not given:
        raise invalid("changes is empty", field="changes")
    change.store.db.execute(
        update(packages).where(packages.c.id == msg.id).values(**_values(given, "changes."))
    )
    package = wire(row(change.store, msg.id))
    change.emit("package:updated", {"package": package}, primary=True)
    change.reply = {"package": package}


def sell(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, PackageSell)
    records.row(store, msg.client_id, "client_id")
    package = row(store, msg.package_id, "package_id")
    if not package["active"]:
        raise invalid(f"package {package['name']!r} is no longer sold", field="package_id")
    sold = time_field(msg.sold_at, "sold_at") if msg.sold_at is not None else change.now
    days = int(package["validity_days"])
    values = {
        "client_id": msg.client_id,
        "package_id": msg.package_id,
        "credits": package["credits"],
        "price_paid_cents": package["price_cents"] if msg.price_paid_cents is None else msg.price_paid_cents,
        "sold_at": format_ts(sold),
        "expires_at": format_ts(sold + timedelta(days=days)) if days else None,
        "sold_by": change.actor.id,
    }
    result = store.db.execute(insert(package_sales).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    sale = sale_wire({**values, "id": int(key[0])})
    entry = ledger.post(
        store,
        change.tx,
        change.actor,
        msg.client_id,
        int(package["credits"]),
        "sale",
        sold,
        sale_id=sale["id"],
        note=str(package["name"]),
    )
    change.reply = {"sale": sale, "balance": entry["balance_after"]}


def void(change: Change) -> None:
    """A sale made by mistake (the wrong client or package) undone while none of its credits were
    spent: a ``void`` entry takes them all back, and the sale is marked and left out of the reports.
    One partly used is refused (``spent``): the office refunds the rest or adjusts the balance."""
    msg, store = change.msg, change.store
    assert isinstance(msg, PackageVoid)
    reason = _reason(msg.reason)
    sale = _open_sale(store, msg.sale_id, change.now)
    spent = lots.spent_from(store, sale["client_id"], msg.sale_id)
    if spent is None:
        raise _refused(f"sale {msg.sale_id} is not in the client's ledger: adjust the balance instead",
                       "not-in-ledger")
    if spent:
        raise _refused(f"{spent} of the sale's {sale['credits']} credits {'was' if spent == 1 else 'were'} "
                       "spent already: refund the rest, or adjust the client's balance, instead", "spent",
                       spent=spent)
    _mark(store, msg.sale_id, voided_at=format_ts(change.now), voided_by=change.actor.id, void_reason=reason)
    entry = ledger.post(store, change.tx, change.actor, sale["client_id"], -int(sale["credits"]), "void",
                        change.now, sale_id=msg.sale_id, note=reason)
    change.reply = {"sale": _sale(store, msg.sale_id), "balance": entry["balance_after"]}


def refund(change: Change) -> None:
    """The unused part of a sale given back (a client leaving mid-package): the credits it still
    holds are taken back by a ``returned`` entry, and ``refund_cents`` (at most what was paid) is
    counted against revenue in the period of the refund."""
    msg, store = change.msg, change.store
    assert isinstance(msg, PackageRefund)
    reason = _reason(msg.reason)
    sale = _open_sale(store, msg.sale_id, change.now)
    if msg.refund_cents > sale["price_paid_cents"]:
        raise invalid(f"refund_cents is more than the {sale['price_paid_cents']} paid", field="refund_cents")
    client_id = int(sale["client_id"])
    holds = lots.held(store, client_id).get(msg.sale_id, 0)
    if holds <= 0 and msg.refund_cents == 0:
        raise invalid("the sale holds no credits and refund_cents is 0: there is nothing to refund",
                      field="refund_cents")
    _mark(store, msg.sale_id, refunded_at=format_ts(change.now), refunded_by=change.actor.id,
          refund_credits=max(0, holds), refund_cents=msg.refund_cents, refund_reason=reason)
    balance = ledger.balance(store, client_id)
    if holds > 0:
        balance = ledger.post(store, change.tx, change.actor, client_id, -holds, "returned", change.now,
                              sale_id=msg.sale_id, note=reason)["balance_after"]
    change.reply = {"sale": _sale(store, msg.sale_id), "balance": balance}


def _reason(text: str) -> str:
    if not text.strip():
        raise invalid("reason is required", field="reason")
    return text.strip()


def _open_sale(store: Store, sale_id: int, now: datetime) -> RowMapping:
    """The sale, refused (``conflict``) once it was voided or refunded, or expired."""
    sale = store.db.execute(select(package_sales).where(package_sales.c.id == sale_id)).mappings().first()
    if sale is None:
        raise not_found(f"no sale with id {sale_id}", field="sale_id")
    if sale["voided_at"]:
        raise _refused(f"sale {sale_id} was voided already", "voided")
    if sale["refunded_at"]:
        raise _refused(f"sale {sale_id} was refunded already", "refunded")
    expires = sale["expires_at"]
    if sale["lapsed_at"] or (expires and expires <= format_ts(now)):
        raise _refused(f"sale {sale_id} has expired: its unspent credits lapse, there is nothing "
                       "to take back", "expired")
    return sale


def _mark(store: Store, sale_id: int, **values: Any) -> None:
    """Mark the sale voided or refunded, once, even against another instance doing it at the same
    moment (the second is refused as the first did it)."""
    s = package_sales.c
    marked = store.db.execute(update(package_sales).where(
        s.id == sale_id, s.voided_at.is_(None), s.refunded_at.is_(None)).values(**values))
    if marked.rowcount != 1:
        _open_sale(store, sale_id, datetime.min.replace(tzinfo=UTC))  # refused as it now is
        raise _refused(f"sale {sale_id} was voided or refunded already", "voided")


def _sale(store: Store, sale_id: int) -> dict[str, Any]:
    found = store.db.execute(select(package_sales).where(package_sales.c.id == sale_id)).mappings().one()
    return sale_wire(found)


def _refused(message: str, reason: str, **data: int) -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, message, {"reason": reason, **data})


def adjust(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, CreditsAdjust)
    if msg.delta == 0:
        raise invalid("delta must not be 0", field="delta")
    if not msg.reason.strip():
        raise invalid("reason is required", field="reason")
    records.row(store, msg.client_id, "client_id")
    entry = ledger.post(
        store,
        change.tx,
        change.actor,
        msg.client_id,
        msg.delta,
        "adjustment",
        change.now,
        note=msg.reason.strip(),
    )
    change.reply = {"entry": entry, "balance": entry["balance_after"]}
