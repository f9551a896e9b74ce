"""``package.*``, ``package.sell``, ``package.void`` and ``credits.adjust``: the pipeline's write
hooks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import RowMapping, insert, select, update

from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.messages import present, time_field
from ...protocol.timefmt import format_ts
from ..pipeline import Change
from ..store import Store
from . import ledger, lots, records
from .messages import CreditsAdjust, PackageCreate, PackageSell, PackageUpdate, PackageVoid
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
    One partly used is refused (``spent``): the office adjusts the balance instead."""
    msg, store = change.msg, change.store
    assert isinstance(msg, PackageVoid)
    reason = msg.reason.strip()
    if not reason:
        raise invalid("reason is required", field="reason")
    sale = store.db.execute(select(package_sales).where(package_sales.c.id == msg.sale_id)).mappings().first()
    if sale is None:
        raise not_found(f"no sale with id {msg.sale_id}", field="sale_id")
    if sale["voided_at"]:
        raise _refused(f"sale {msg.sale_id} was voided already", "voided")
    expires = sale["expires_at"]
    if sale["lapsed_at"] or (expires and expires <= format_ts(change.now)):
        raise _refused(f"sale {msg.sale_id} has expired: its unspent credits lapse, there is nothing "
                       "to take back", "expired")
    spent = lots.spent_from(store, sale["client_id"], msg.sale_id)
    if spent is None:
        raise _refused(f"sale {msg.sale_id} is not in the client's ledger: adjust the balance instead",
                       "not-in-ledger")
    if spent:
        raise _refused(f"{spent} of the sale's {sale['credits']} credits {'was' if spent == 1 else 'were'} "
                       "spent already: adjust the client's balance instead", "spent", spent=spent)
    marked = store.db.execute(  # once, even against another instance voiding it at the same moment
        update(package_sales).where(package_sales.c.id == msg.sale_id, package_sales.c.voided_at.is_(None))
        .values(voided_at=format_ts(change.now), voided_by=change.actor.id, void_reason=reason))
    if marked.rowcount != 1:
        raise _refused(f"sale {msg.sale_id} was voided already", "voided")
    entry = ledger.post(store, change.tx, change.actor, sale["client_id"], -int(sale["credits"]), "void",
                        change.now, sale_id=msg.sale_id, note=reason)
    voided = store.db.execute(select(package_sales).where(package_sales.c.id == msg.sale_id)).mappings().one()
    change.reply = {"sale": sale_wire(voided), "balance": entry["balance_after"]}


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
