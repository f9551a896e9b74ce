"""Each account's email preferences for notifications, and the confirmation of its address.

Notices are emailed only to an address its owner showed they read: a new address waits as
``pending_email`` while a code is emailed to it, and replaces ``email`` (the one notices go
to) only when that code is typed back (``notification.email.confirm``). A typo, or an address
that is not the account's, therefore never receives the studio's notices. A code holds for
:data:`CODE_TTL`, is void after :data:`CODE_TRIES` wrong tries, and an account is sent at most
:data:`CODES_PER_DAY` codes in 24 hours (the studio's mail server cannot be made to flood an
inbox). Only a hash of the code is stored. Addresses kept before confirmation existed count as
confirmed (revision 0009).

Every function runs on the store's worker thread.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from ...domain.email_address import is_email_address
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.timefmt import format_ts, parse_ts
from ..notifier_api import PRIORITIES
from ..storage import dialect
from ..store import Store
from .tables import notification_prefs

P = notification_prefs.c
_PUT = dialect.upsert(notification_prefs, ("email", "email_opt_in", "min_priority", "digest", "pending_email",
                                           "code_hash", "code_expires", "code_tries"))

#: How long a confirmation code holds, wrong tries that void it, codes one account is sent a day.
CODE_TTL = timedelta(hours=1)
CODE_TRIES = 5
CODES_PER_DAY = 5
_DAY = timedelta(days=1)

#: What ``notification.prefs.get/set`` answer for an account that never set any.
DEFAULT_PREFS: dict[str, Any] = {"email": "", "email_opt_in": False, "min_priority": "high", "digest": True,
                                 "pending_email": "", "code_until": None}
_SETTABLE = ("email", "email_opt_in", "min_priority", "digest")


@dataclass(frozen=True)
class Code:
    """A confirmation code to email to ``address`` (the only place the code itself exists);
    empty when there is no mail server to send it."""

    address: str
    code: str


def _hash(user_id: int, address: str, code: str) -> str:
    return hashlib.sha256(f"{user_id}\n{address.lower()}\n{code}".encode()).hexdigest()


def _row(store: Store, user_id: int) -> dict[str, Any] | None:
    row = store.db.execute(select(notification_prefs).where(P.user_id == user_id)).mappings().first()
    return dict(row) if row is not None else None


def _wire(row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:
        return dict(DEFAULT_PREFS)
    usable = row["pending_email"] and row["code_hash"] and row["code_tries"] < CODE_TRIES
    return {"email": row["email"], "email_opt_in": bool(row["email_opt_in"]),
            "min_priority": row["min_priority"], "digest": bool(row["digest"]),
            "pending_email": row["pending_email"], "code_until": row["code_expires"] if usable else None}


def prefs(store: Store, user_id: int) -> dict[str, Any]:
    return _wire(_row(store, user_id))


def _check(changes: dict[str, Any]) -> None:
    for key, value in changes.items():
        if key not in _SETTABLE:
            raise invalid(f"unknown field: {key}", field=key)
        if key in ("email_opt_in", "digest") and not isinstance(value, bool):
            raise invalid(f"{key} must be true or false", field=key)
        if key == "email" and value.strip() and not is_email_address(value.strip()):  # a str (PrefsChange)
            raise invalid("email must be an address like name@example.com", field=key)
        if key == "min_priority" and value not in PRIORITIES:
            raise invalid(f"min_priority must be one of {', '.join(PRIORITIES)}", field=key)


def set_prefs(store: Store, user_id: int, changes: dict[str, Any], now: datetime,
              can_send: bool) -> tuple[dict[str, Any], Code | None]:
    """Apply ``changes``; a new ``email`` waits to be confirmed. Returns the prefs and, for a new
    address, the code to email to it (``code`` empty when no mail server is set, ``can_send``
    false). The waiting address given again keeps its code while that holds. Past
    :data:`CODES_PER_DAY`, ``rate_limited`` and nothing changed."""
    _check(changes)
    with store.transaction():
        row = _row(store, user_id) or {"user_id": user_id, **DEFAULT_PREFS, "code_hash": "",
                                       "code_expires": None, "code_tries": 0, "codes_sent": 0,
                                       "codes_since": None}
        for key in ("email_opt_in", "min_priority", "digest"):
            if key in changes:
                row[key] = changes[key]
        code = None
        if "email" in changes:
            address = changes["email"].strip()
            if not address or address.lower() == row["email"].lower():
                row["email"] = address or ""
                row.update(pending_email="", code_hash="", code_expires=None, code_tries=0)
            elif address.lower() != row["pending_email"].lower() or not _live(row, now):
                row["pending_email"] = address
                code = _issue(row, now, can_send)
        store.db.execute(_PUT, {k: row[k] for k in ("user_id", *_SETTABLE, "pending_email", "code_hash",
                                                    "code_expires", "code_tries")}
                         | {"email_opt_in": int(row["email_opt_in"]), "digest": int(row["digest"])})
        _keep_count(store, row, code)
    return _wire(row), code


def resend(store: Store, user_id: int, now: datetime, can_send: bool) -> Code:
    """A new code for the waiting address (the old one void)."""
    with store.transaction():
        row = _row(store, user_id)
        if row is None or not row["pending_email"]:
            raise invalid("no address is waiting to be confirmed", field="email")
        code = _issue(row, now, can_send)
        store.db.execute(update(notification_prefs).where(P.user_id == user_id).values(
            code_hash=row["code_hash"], code_expires=row["code_expires"], code_tries=0))
        _keep_count(store, row, code)
    return code


def _live(row: dict[str, Any], now: datetime) -> bool:
    """Whether the waiting address's code still holds."""
    return bool(row["code_hash"]) and row["code_tries"] < CODE_TRIES and bool(row["code_expires"]) and (
        parse_ts(row["code_expires"]) > now)


def _issue(row: dict[str, Any], now: datetime, can_send: bool) -> Code:
    """A new code for ``row``'s waiting address (none when nothing can send it)."""
    row.update(code_hash="", code_expires=None, code_tries=0)
    if not can_send:
        return Code(row["pending_email"], "")
    _count_code(row, now)
    code = Code(row["pending_email"], f"{secrets.randbelow(10 ** 6):06d}")
    row.update(code_hash=_hash(row["user_id"], code.address, code.code),
               code_expires=format_ts(now + CODE_TTL))
    return code


def _keep_count(store: Store, row: dict[str, Any], code: Code | None) -> None:
    if code is not None and code.code:
        store.db.execute(update(notification_prefs).where(P.user_id == row["user_id"])
                         .values(codes_sent=row["codes_sent"], codes_since=row["codes_since"]))


def _count_code(row: dict[str, Any], now: datetime) -> None:
    """One more code sent in the account's 24-hour window, or ``rate_limited`` past the limit."""
    since = parse_ts(row["codes_since"]) if row["codes_since"] else None
    if since is None or now - since >= _DAY:
        row.update(codes_since=format_ts(now), codes_sent=0)
        since = now
    if row["codes_sent"] >= CODES_PER_DAY:
        wait = (since + _DAY - now).total_seconds()
        raise ProtocolError(ErrorCode.RATE_LIMITED,
                            f"{CODES_PER_DAY} confirmation codes were sent in the last 24 hours; "
                            f"ask for another in {max(1, round(wait / 3600))} h",
                            {"retry_after_s": round(wait)})
    row["codes_sent"] += 1


def confirm(store: Store, user_id: int, code: str, now: datetime) -> dict[str, Any]:
    """The waiting address becomes the one notices go to, if ``code`` is the one sent to it."""
    with store.transaction():
        row = _row(store, user_id)
        if row is None or not row["pending_email"]:
            raise invalid("no address is waiting to be confirmed", field="code")
        if not _live(row, now):
            raise invalid(f"the code for {row['pending_email']} is no longer valid; ask for a new one",
                          field="code", reason="code-void")
        if not secrets.compare_digest(row["code_hash"], _hash(user_id, row["pending_email"], code.strip())):
            tries = row["code_tries"] + 1
            store.db.execute(update(notification_prefs).where(P.user_id == user_id).values(code_tries=tries))
            wrong = invalid(f"that is not the code sent to {row['pending_email']}; "
                            f"{CODE_TRIES - tries} tries left", field="code", tries_left=CODE_TRIES - tries)
        else:
            wrong = None
            row.update(email=row["pending_email"], pending_email="", code_hash="", code_expires=None,
                       code_tries=0)
            store.db.execute(update(notification_prefs).where(P.user_id == user_id).values(
                email=row["email"], pending_email="", code_hash="", code_expires=None, code_tries=0))
    if wrong is not None:
        raise wrong
    return _wire(row)


def email_targets(store: Store, user_ids: list[int]) -> list[tuple[int, str, dict[str, Any]]]:
    """(user id, confirmed address, prefs) of the recipients who opted in to email."""
    out = []
    for u in user_ids:
        p = prefs(store, u)
        if p["email_opt_in"] and p["email"]:
            out.append((u, str(p["email"]), p))
    return out
