"""Edit locks on sessions: leases, renewal, release, and fencing tokens (worker-thread functions).

A lock is a lease: it lapses ``lease_s`` seconds after it was granted or last
renewed. Each grant gets a token from one counter that only grows, so a newer
grant always carries a larger token. Writes that carry a token older than the
newest grant for that session are refused (fencing): a holder whose lease ran
out and was taken over cannot write, even if its request arrives late.

Writes without a token are allowed unless someone else holds a live lock: a
change queued offline (before any lock existed) still lands when nobody is
editing the session, and is refused in words when somebody is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, bindparam, func, select, update

from ...protocol.errors import ErrorCode, ProtocolError, not_found
from ...protocol.timefmt import format_ts
from ..storage import dialect
from ..store import Account, Store, Tx
from .counters import next_counter
from .tables import session_locks

#: Sessions one account may hold locked at once: an editor open on each (an account shared by the
#: office's PCs included). Without a bound one account could lock every session in the studio.
MAX_HELD = 20

_GRANT = dialect.upsert(session_locks, ("user_id", "user_name", "token", "expires_at", "released"))


@dataclass(frozen=True)
class Lock:
    session_id: int
    user_id: int
    user_name: str
    token: int
    expires_at: float
    released: bool

    def live(self, now: float) -> bool:
        return not self.released and self.expires_at > now

    def to_wire(self, *, with_token: bool = False) -> dict[str, Any]:
        """The lock as others see it; ``with_token`` only in the holder's own acquire/renew reply
        (the fencing token is the holder's alone)."""
        wire: dict[str, Any] = {
            "session_id": self.session_id,
            "holder": {"id": self.user_id, "name": self.user_name},
            "expires_at": format_ts(datetime.fromtimestamp(self.expires_at, UTC)),
        }
        if with_token:
            wire["token"] = self.token
        return wire


def _row(r: RowMapping | dict[str, Any]) -> Lock:
    return Lock(r["session_id"], r["user_id"], r["user_name"], r["token"], r["expires_at"],
                bool(r["released"]))


_GET = select(session_locks).where(session_locks.c.session_id == bindparam("session_id"))


def get(store: Store, session_id: int) -> Lock | None:
    r = store.sql(_GET).first(store.db, {"session_id": session_id})
    return _row(r) if r else None


def live_locks(store: Store, now: float) -> list[Lock]:
    """By session; read through ``session_locks_live`` (sorted here: ordered in SQL, the database
    would rather walk every session ever locked in key order)."""
    rows = store.db.execute(select(session_locks).where(
        session_locks.c.released == 0, session_locks.c.expires_at > now)).mappings()
    return sorted((_row(r) for r in rows), key=lambda lock: lock.session_id)


def held_error(lock: Lock, reason: str, message: str) -> ProtocolError:
    return ProtocolError(ErrorCode.LOCKED, message, {"reason": reason, "lock": lock.to_wire()})


def acquire(store: Store, tx: Tx, actor: Account, session_id: int, now: float, lease_s: float) -> Lock:
    if store.session(session_id) is None:
        raise not_found(f"no session with id {session_id}", field="session_id")
    current = get(store, session_id)
    if current is not None and current.live(now):
        if current.user_id != actor.id:
            raise held_error(current, "held", f"{current.user_name} is editing this session")
        return renew(store, actor, session_id, current.token, now, lease_s)
    _check_held(store, actor, now)
    token = next_counter(store, "lock_token")
    store.db.execute(_GRANT, {"session_id": session_id, "user_id": actor.id, "user_name": actor.name,
                              "token": token, "expires_at": now + lease_s, "released": 0})
    lock = get(store, session_id)
    assert lock is not None
    tx.emit("lock:acquired", {"lock": lock.to_wire()}, actor.user)
    return lock


def _check_held(store: Store, actor: Account, now: float) -> None:
    t = session_locks.c
    held = store.db.execute(select(func.count()).select_from(session_locks).where(
        t.user_id == actor.id, t.released == 0, t.expires_at > now)).scalar_one()
    if held >= MAX_HELD:
        raise ProtocolError(ErrorCode.CONFLICT,
                            f"you are already editing {MAX_HELD} sessions; close one of them first",
                            {"reason": "too-many-locks", "limit": MAX_HELD})


def renew(store: Store, actor: Account, session_id: int, token: int, now: float, lease_s: float) -> Lock:
    current = get(store, session_id)
    if current is None or current.token != token or current.user_id != actor.id or not current.live(now):
        if current is not None and current.live(now) and current.user_id != actor.id:
            raise held_error(current, "lost", f"your lock lapsed; {current.user_name} is editing now")
        raise ProtocolError(ErrorCode.LOCKED, "your lock lapsed; take it again before saving",
                            {"reason": "lost", "lock": current.to_wire() if current else None})
    store.db.execute(update(session_locks).where(session_locks.c.session_id == session_id)
                     .values(expires_at=now + lease_s))
    renewed = get(store, session_id)
    assert renewed is not None
    return renewed


def release(store: Store, tx: Tx, actor: Account | None, session_id: int, token: int | None,
            reason: str, now: float) -> Lock | None:
    """Release a live lock (``token`` None: whoever holds it — admin break, expiry sweep).

    With a token, only the holder may release (admins break a lock with ``lock.break``).
    """
    current = get(store, session_id)
    if current is None or current.released:
        return None
    if token is not None and actor is not None and current.user_id != actor.id:
        raise ProtocolError(ErrorCode.FORBIDDEN, "only the holder may release a lock; admins use lock.break",
                            {"field": "session_id"})
    if token is not None and current.token != token:
        return None
    store.db.execute(update(session_locks).where(session_locks.c.session_id == session_id).values(released=1))
    data = {"lock": current.to_wire(), "reason": reason}
    tx.emit("lock:released", data, actor.user if actor else None)
    return current


def release_users(store: Store, user_ids: set[int], reason: str, now: float) -> list[int]:
    """Release every live lock held by ``user_ids`` (made viewers, or deactivated: they may no
    longer save what they were editing, and nobody else should wait out their leases); returns the
    sessions let go."""
    rows = store.db.execute(select(session_locks.c.session_id).where(
        session_locks.c.user_id.in_(user_ids), session_locks.c.released == 0,
        session_locks.c.expires_at > now)).all()
    if not rows:
        return []
    with store.transaction() as tx:
        return [r.session_id for r in rows if release(store, tx, None, r.session_id, None, reason, now)]


def expire_due(store: Store, now: float) -> list[int]:
    """Release every lock whose lease ran out; returns their session ids."""
    rows = store.db.execute(select(session_locks.c.session_id).where(
        session_locks.c.released == 0, session_locks.c.expires_at <= now)).mappings().all()
    if not rows:
        return []
    with store.transaction() as tx:
        for r in rows:
            release(store, tx, None, r["session_id"], None, "expired", now)
    return [r["session_id"] for r in rows]


def check_write(store: Store, actor: Account, session_id: int, token: int | None, now: float) -> None:
    """Refuse a write to a session that someone else has locked, or one fenced off by a newer grant."""
    current = get(store, session_id)
    if current is None:
        return
    if token is not None and token < current.token:
        raise held_error(current, "fenced",
                         f"your lock on this session lapsed and {current.user_name} took it; "
                         "your change was not saved")
    if current.live(now) and current.user_id != actor.id:
        raise held_error(current, "held", f"{current.user_name} is editing this session")
