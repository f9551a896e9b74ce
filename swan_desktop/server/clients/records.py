"""Client records: the wire form, checks, and ``client.create``/``update``/``import`` write hooks.

``search_text`` (name, email, phone as typed and as digits, tags; lower-case)
and ``email_key`` (lower-case email) are derived on every write, so a search
is a ``LIKE`` over one normalized column and a duplicate is an indexed lookup.

Every client rides in ``directory.query`` to every desktop at sign-in, so an account that
is not an admin adds at most :data:`ADDED_PER_DAY` clients in any 24 hours: past that,
``forbidden`` with reason ``client-allowance`` and when the oldest of them ages out. Admins
are not counted (they add in bulk with ``client.import``).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import RowMapping, insert, select, update

from ...domain.email_address import is_email_address
from ...protocol.entities import Role
from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.messages import decode, present
from ...protocol.timefmt import format_ts, parse_ts
from ..pipeline import Change
from ..store import Account, Store
from ..tables import clients
from .messages import ClientFields, ClientImport, ClientUpdate, Consent

#: What an erased client's email address or phone number quoted in free text becomes.
ERASED = "[erased]"

#: Clients an account that is not an admin may add in any 24 hours (a busy day's new
#: clients several times over; an admin imports more at once).
ADDED_PER_DAY = 100
_DAY = timedelta(days=1)
#: The reason ``client.create`` is refused past the allowance (``forbidden``).
ALLOWANCE = "client-allowance"

_TAG = re.compile(r"\s+")


def wire(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "phone": row["phone"],
        "birthday": row["birthday"],
        "emergency_contact": row["emergency_contact"],
        "notes": row["notes"],
        "tags": json.loads(row["tags"] or "[]"),
        "consent": {"reminders": bool(row["consent_reminders"]), "marketing": bool(row["consent_marketing"])},
        "archived": bool(row["archived"]),
        "erased": row["erased_at"] is not None,
        "balance": row["credits"],
        "created_at": row["created_at"],
    }


def row(store: Store, client_id: int, field: str = "id") -> RowMapping:
    found = store.db.execute(select(clients).where(clients.c.id == client_id)).mappings().first()
    if found is None:
        raise not_found(f"no client with id {client_id}", field=field)
    return found


def get(store: Store, client_id: int, field: str = "id") -> dict[str, Any]:
    return wire(row(store, client_id, field))


def search_text(name: str, email: str, phone: str, tags: list[str]) -> str:
    digits = re.sub(r"\D", "", phone)
    return " ".join(" ".join(p for p in (name, email, phone, digits, *tags) if p).lower().split())


def columns(fields: dict[str, Any]) -> dict[str, Any]:
    """Checked column values from record fields (by wire name); ``invalid`` names the field."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            if not value.strip():
                raise invalid("name must not be empty", field="name")
            out["name"] = value.strip()
        elif name == "email":
            text = value.strip()
            if text and not is_email_address(text):
                raise invalid(f"{text!r} is not an email address", field="email")
            out["email"] = text
            out["email_key"] = text.lower()
        elif name == "birthday":
            if value is not None:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise invalid("birthday must be a date YYYY-MM-DD", field="birthday") from None
            out["birthday"] = value
        elif name == "tags":
            out["tags"] = json.dumps(sorted({_TAG.sub(" ", t.strip()) for t in value if t.strip()}))
        elif name == "consent":
            consent = value if isinstance(value, Consent) else Consent()
            out["consent_reminders"] = int(consent.reminders)
            out["consent_marketing"] = int(consent.marketing)
        elif name == "archived":
            out["archived"] = int(value)
        else:
            out[name] = value.strip() if isinstance(value, str) else value
    return out


def _with_search(store: Store, values: dict[str, Any], client_id: int | None = None) -> dict[str, Any]:
    current: dict[str, Any] = dict(row(store, client_id)) if client_id is not None else {}
    merged = {**current, **values}
    values["search_text"] = search_text(
        merged.get("name", ""),
        merged.get("email", ""),
        merged.get("phone", ""),
        json.loads(merged.get("tags") or "[]"),
    )
    return values


def duplicates(store: Store, email_key: str, but: int | None = None) -> list[dict[str, Any]]:
    """Other clients with the same email (letter case ignored)."""
    if not email_key:
        return []
    query = select(clients.c.id, clients.c.name).where(clients.c.email_key == email_key)
    if but is not None:
        query = query.where(clients.c.id != but)
    return [{"id": r.id, "name": r.name} for r in store.db.execute(query.order_by(clients.c.id))]


def insert_client(store: Store, values: dict[str, Any], created_at: str, created_by: int | None) -> int:
    result = store.db.execute(insert(clients).values(**_with_search(store, values), created_at=created_at,
                                                     created_by=created_by))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def within_allowance(store: Store, actor: Account, now: datetime) -> None:
    """Refuses (``forbidden``, reason :data:`ALLOWANCE`) an account that is not an admin and
    added :data:`ADDED_PER_DAY` clients in the 24 hours before ``now``."""
    if actor.role is Role.ADMIN:
        return
    since = format_ts(now - _DAY)
    added = store.db.execute(
        select(clients.c.created_at).where(clients.c.created_by == actor.id, clients.c.created_at > since)
        .order_by(clients.c.created_at.desc()).limit(ADDED_PER_DAY)).scalars().all()
    if len(added) < ADDED_PER_DAY:
        return
    wait = max(1.0, (parse_ts(added[-1]) + _DAY - now).total_seconds())
    hours = f"{wait / 3600:.0f} h" if wait >= 5400 else f"{max(1, round(wait / 60))} min"
    raise ProtocolError(ErrorCode.FORBIDDEN,
                        f"you have added {ADDED_PER_DAY} clients in the last 24 hours, the most an account "
                        f"may; ask an admin to add more, or add again in {hours}",
                        {"reason": ALLOWANCE, "retry_after_s": round(wait)})


# -- the write hooks -------------------------------------------------------------------------
def create(change: Change) -> None:
    msg = change.msg
    assert isinstance(msg, ClientFields)
    values = columns(present(msg))
    within_allowance(change.store, change.actor, change.now)
    dupes = duplicates(change.store, values.get("email_key", ""))
    client_id = insert_client(change.store, values, format_ts(change.now), change.actor.id)
    record = get(change.store, client_id)
    change.emit("client:created", {"client": record}, primary=True)
    change.reply = {"client": record, "duplicates": dupes}


def update_client(change: Change) -> None:
    msg, store = change.msg, change.store
    assert isinstance(msg, ClientUpdate)
    if row(store, msg.id)["erased_at"] is not None:  # not_found for an unknown id
        raise ProtocolError(ErrorCode.CONFLICT, f"client {msg.id} was erased: their record stays empty",
                            {"reason": "erased"})
    given = present(msg.changes)
    if not given:
        raise invalid("changes is empty", field="changes")
    try:
        values = columns(given)
    except ProtocolError as err:
        data = err.data or {}
        raise invalid(err.message, field=f"changes.{data.get('field', '')}") from None
    store.db.execute(
        update(clients).where(clients.c.id == msg.id).values(**_with_search(store, values, msg.id))
    )
    record = get(store, msg.id)
    change.emit("client:updated", {"client": record}, primary=True)
    change.reply = {
        "client": record,
        "duplicates": duplicates(store, values["email_key"], msg.id) if "email_key" in values else [],
    }


def import_clients(change: Change) -> None:
    """All rows, or none: every refusal is listed with its row and field."""
    msg, store = change.msg, change.store
    assert isinstance(msg, ClientImport)
    problems: list[dict[str, Any]] = []
    ready: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    skipped = 0
    for number, data in enumerate(msg.clients, start=1):
        try:
            values = columns(present(decode(ClientFields, data)))
        except ProtocolError as err:
            field = (err.data or {}).get("field") or ",".join((err.data or {}).get("fields", []))
            problems.append({"row": number, "field": field, "message": err.message})
            continue
        key = values.get("email_key", "")
        taken = bool(key) and (key in seen or bool(duplicates(store, key)))
        if taken and msg.on_duplicate_email == "skip":
            skipped += 1
            continue
        if taken:
            where = f"row {seen[key]}" if key in seen else "an existing client"
            problems.append(
                {
                    "row": number,
                    "field": "email",
                    "message": f"{values['email']} is already the email of {where}",
                }
            )
            continue
        if key:
            seen[key] = number
        ready.append(values)
    if problems:
        raise invalid(f"{len(problems)} row(s) cannot be imported; nothing was imported", rows=problems[:200])
    at = format_ts(change.now)
    for values in ready:
        client_id = insert_client(store, values, at, change.actor.id)
        change.emit("client:created", {"client": get(store, client_id)})
    change.reply = {"created": len(ready), "skipped": skipped}
