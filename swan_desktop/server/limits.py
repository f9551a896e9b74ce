"""Server limits: their configuration, and the token bucket that paces one connection's requests."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

#: Requests per second one connection may send on average, and how many at once.
DEFAULT_RATE = 50.0
DEFAULT_BURST = 100
#: Open WebSocket connections one server accepts; past this the handshake gets HTTP 503.
#: A big studio's 1,000 desktops fit with room for reconnects (each needs a file descriptor:
#: see :func:`raise_file_limit`).
DEFAULT_MAX_CONNECTIONS = 2000
#: File descriptors the server keeps for itself beyond its connections (database, log, listeners).
FD_RESERVE = 64
#: Frames, and bytes, that may wait for one client; past either it is disconnected.
DEFAULT_SEND_QUEUE = 2000
DEFAULT_SEND_QUEUE_BYTES = 16 * 1024 * 1024
#: Seconds a connection may stay unauthenticated before it is closed (code 4001).
DEFAULT_AUTH_TIMEOUT = 10.0
#: Unauthenticated connections one remote address may hold open; more get HTTP 429.
DEFAULT_MAX_PENDING_PER_ADDRESS = 16
#: Authenticated connections one user may hold open; another sign-in is refused.
DEFAULT_MAX_CONNECTIONS_PER_USER = 32
#: Failed sign-ins (per address, per account) answered at once; later ones wait
#: ``sign_in_delay`` seconds, doubling with each failure up to ``sign_in_delay_max``.
DEFAULT_SIGN_IN_FREE = 3
DEFAULT_SIGN_IN_DELAY = 1.0
DEFAULT_SIGN_IN_DELAY_MAX = 30.0
#: Bytes of events one ``sync`` replays at most; beyond them it answers ``recovered: false``.
DEFAULT_SYNC_REPLAY_BYTES = 4 * 1024 * 1024
#: Presence events one user causes per second at most (later reports are coalesced).
DEFAULT_PRESENCE_RATE = 1.0
#: Requests of one account on the database at once (the rest wait their turn; see fair_share.py).
DEFAULT_READS_PER_USER = 2
#: Seconds between checks whether another process (``swan-server user add``) changed the users.
DEFAULT_ACCOUNT_CHECK_S = 1.0


@dataclass(frozen=True, slots=True)
class Limits:
    """What one server allows. ``rate=0``, ``max_connections=0``, ``max_pending_per_address=0``,
    ``max_connections_per_user=0``, ``sign_in_delay=0``, ``sync_replay_bytes=0`` or
    ``reads_per_user=0`` switch that limit off."""

    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    send_queue: int = DEFAULT_SEND_QUEUE
    send_queue_bytes: int = DEFAULT_SEND_QUEUE_BYTES
    auth_timeout: float = DEFAULT_AUTH_TIMEOUT
    max_pending_per_address: int = DEFAULT_MAX_PENDING_PER_ADDRESS
    max_connections_per_user: int = DEFAULT_MAX_CONNECTIONS_PER_USER
    sign_in_free: int = DEFAULT_SIGN_IN_FREE
    sign_in_delay: float = DEFAULT_SIGN_IN_DELAY
    sign_in_delay_max: float = DEFAULT_SIGN_IN_DELAY_MAX
    account_check_s: float = DEFAULT_ACCOUNT_CHECK_S
    sync_replay_bytes: int = DEFAULT_SYNC_REPLAY_BYTES
    presence_rate: float = DEFAULT_PRESENCE_RATE
    reads_per_user: int = DEFAULT_READS_PER_USER

    def __post_init__(self) -> None:
        if self.rate < 0 or not math.isfinite(self.rate):
            raise ValueError("rate must be a finite number >= 0")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        if self.max_connections < 0:
            raise ValueError("max_connections must be >= 0")
        if self.send_queue < 1 or self.send_queue_bytes < 1:
            raise ValueError("the send queue limits must be at least 1")
        for name in ("auth_timeout", "account_check_s"):
            if not 0 < getattr(self, name) < math.inf:
                raise ValueError(f"{name} must be a finite number > 0")
        if self.max_pending_per_address < 0 or self.max_connections_per_user < 0:
            raise ValueError("the per-address and per-user connection limits must be >= 0")
        if self.reads_per_user < 0:
            raise ValueError("reads_per_user must be >= 0")
        if self.sync_replay_bytes < 0:
            raise ValueError("sync_replay_bytes must be >= 0")
        if not 0 < self.presence_rate < math.inf:
            raise ValueError("presence_rate must be a finite number > 0")
        if self.sign_in_free < 0:
            raise ValueError("sign_in_free must be >= 0")
        for name in ("sign_in_delay", "sign_in_delay_max"):
            value = getattr(self, name)
            if value < 0 or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number >= 0")

    def bucket(self) -> TokenBucket | None:
        """A fresh bucket for one connection, or None when requests are not limited."""
        return TokenBucket(self.rate, self.burst) if self.rate > 0 else None


class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second; each request takes one."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()

    def take(self) -> float:
        """Take a token: 0.0 when there was one, else the seconds until there will be."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.rate


def raise_file_limit(max_connections: int) -> tuple[int, int]:
    """Raise this process's soft limit on open files (``ulimit -n``) towards what
    ``max_connections`` needs, as far as the hard limit allows. Returns (needed, now allowed);
    allowed < needed means connections past about ``allowed - FD_RESERVE`` would fail to be
    accepted (the caller warns). Where there is no such limit, returns (needed, needed)."""
    needed = (max_connections or DEFAULT_MAX_CONNECTIONS) + FD_RESERVE
    try:
        import resource
    except ImportError:  # Windows: no ulimit
        return needed, needed
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return needed, needed
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return needed, int(soft)
