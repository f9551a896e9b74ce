"""Per-trainer read-only ICS feeds for phones: ``GET /ics/<token>.ics`` on the server's own port.

A feed's token comes from :func:`secrets.token_urlsafe` (32 bytes) and is shown
once, when the feed is created; only its SHA-256 is stored. A wrong or
revoked token gets the same bare 404 as any unknown path.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update

from ...domain.ics import export_sessions
from ...protocol.entities import Role, Status
from ...protocol.errors import ErrorCode, ProtocolError, invalid, not_found
from ...protocol.timefmt import format_ts, now_utc
from ..pipeline import Change
from ..storage import dialect
from ..store import Account, Store
from .messages import FeedCreate, FeedRevoke
from .tables import ics_feeds

PATH = re.compile(r"^/ics/([A-Za-z0-9_-]{20,100})\.ics$")
#: What a feed holds: recent history and the year ahead.
PAST, AHEAD = timedelta(days=60), timedelta(days=366)


#: Active feeds one trainer may have (a phone, a tablet, a home calendar…), and revoked ones
#: ``feed.list`` still shows (the newest): a loop of creating and revoking stays a short list.
MAX_ACTIVE, REVOKED_LISTED = 10, 50

#: How often a subscribed calendar should look again.
REFRESH = timedelta(minutes=15)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def key(token: str) -> str:
    """What the feed's validators are kept under (never the token itself)."""
    return _hash(token)


def _row_wire(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "trainer_id": row["trainer_id"], "created_by": row["created_by"],
            "created_at": row["created_at"], "revoked_at": row["revoked_at"]}


def _may_manage(actor: Account, trainer_id: int) -> None:
    if actor.role is not Role.ADMIN and actor.trainer_id != trainer_id:
        raise ProtocolError(ErrorCode.FORBIDDEN,
                            "only an admin, or the trainer themself, may manage this feed")


def create(change: Change) -> None:
    """``feed.create``: a new secret address; its reply is the only place the token is ever shown."""
    msg, store, actor = change.msg, change.store, change.actor
    assert isinstance(msg, FeedCreate)
    trainer_id = msg.trainer_id
    if store.trainer(trainer_id) is None:
        raise not_found(f"unknown trainer_id: {trainer_id}", field="trainer_id")
    _may_manage(actor, trainer_id)
    active = store.db.execute(select(func.count()).select_from(ics_feeds).where(
        ics_feeds.c.trainer_id == trainer_id, ics_feeds.c.revoked_at.is_(None))).scalar_one()
    if active >= MAX_ACTIVE:
        raise invalid(f"this trainer already has {MAX_ACTIVE} active feeds; revoke one first",
                      field="trainer_id")
    token = secrets.token_urlsafe(32)
    feed_id = dialect.new_id(store.db.execute(insert(ics_feeds).values(
        trainer_id=trainer_id, token_hash=_hash(token), created_by=actor.id,
        created_at=format_ts(now_utc()))))
    change.reply = {"feed": {**_row_wire(_feed(store, feed_id)), "path": f"/ics/{token}.ics"}}


def _feed(store: Store, feed_id: int) -> RowMapping | None:
    return store.db.execute(select(ics_feeds).where(ics_feeds.c.id == feed_id)).mappings().first()


def revoke(change: Change) -> None:
    msg, store, actor = change.msg, change.store, change.actor
    assert isinstance(msg, FeedRevoke)
    feed_id = msg.id
    row = _feed(store, feed_id)
    if row is None:
        raise not_found(f"no feed with id {feed_id}", field="id")
    _may_manage(actor, row["trainer_id"])
    if row["revoked_at"] is None:
        store.db.execute(update(ics_feeds).where(ics_feeds.c.id == feed_id)
                         .values(revoked_at=format_ts(now_utc())))
    change.reply = {"feed": _row_wire(_feed(store, feed_id))}


def listing(store: Store, actor: Account) -> dict[str, Any]:
    """Every active feed the actor may manage, and the newest :data:`REVOKED_LISTED` revoked ones."""
    query = select(ics_feeds)
    if actor.role is not Role.ADMIN:
        own = actor.trainer_id if actor.trainer_id is not None else -1
        query = query.where(ics_feeds.c.trainer_id == own)
    f = ics_feeds.c
    active = store.db.execute(query.where(f.revoked_at.is_(None))).mappings().all()
    revoked = store.db.execute(query.where(f.revoked_at.is_not(None)).order_by(f.id.desc())
                               .limit(REVOKED_LISTED)).mappings().all()
    rows = sorted([*active, *revoked], key=lambda r: r["id"])
    return {"feeds": [_row_wire(r) for r in rows], "own_trainer_id": actor.trainer_id}


def render(store: Store, token: str) -> bytes | None:
    """The feed's calendar, or None for a token that is unknown or revoked."""
    row = store.db.execute(select(ics_feeds.c.trainer_id, ics_feeds.c.revoked_at)
                           .where(ics_feeds.c.token_hash == _hash(token))).mappings().first()
    if row is None or row["revoked_at"] is not None:
        return None
    trainer = store.trainer(row["trainer_id"])
    if trainer is None:
        return None
    now = now_utc()
    sessions = [s for s in store.sessions_overlapping(now - PAST, now + AHEAD, trainer.id)
                if s.status is not Status.CANCELLED]
    types = {t.id: t.name for t in store.session_types()}
    return export_sessions(sessions, calendar_name=f"{trainer.name} — Swan Studios",
                           trainer_name=lambda _tid: trainer.name,
                           type_name=lambda tid: types.get(tid, "Session") if tid is not None else "Session",
                           now=now, refresh=REFRESH)
