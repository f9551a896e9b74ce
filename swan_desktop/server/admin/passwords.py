"""One-time passwords for staff accounts, and argon2 work kept off the server's loop.

Hashing and verifying run on the server's hash thread pool (the one the
:class:`~..auth.Authenticator` uses), never on the loop nor on the store's
worker thread: a request that sets a password hashes it first, then runs its
change through the pipeline with the hash in the change's notes.

Changing one's own password checks the current one, so it is guessing like a
sign-in: wrong ones are slowed by the same :class:`~..throttle.SignInThrottle`
(per address and per account). And each change costs two argon2 runs on the
pool every sign-in shares, so an account makes at most :data:`CHANGES_PER_HOUR`.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor

from argon2 import PasswordHasher

from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ..auth import verify_password
from ..limits import Limits
from ..throttle import SignInThrottle

#: Password changes one account may make in an hour.
CHANGES_PER_HOUR = 5
_HOUR_S = 3600.0

#: Fewest characters a password someone chooses may have.
MIN_LENGTH = 12
#: Letters and digits that cannot be mistaken for one another when read aloud or copied.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def one_time() -> str:
    """A readable random password: four groups of four (about 79 bits), e.g. ``k7mq-2xwp-…``."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))


def check_new(password: str, field: str = "new") -> None:
    if len(password) < MIN_LENGTH:
        raise invalid(f"a password needs at least {MIN_LENGTH} characters", field=field)
    if not password.strip():
        raise invalid("a password must not be only spaces", field=field)


class PasswordWork:
    """Hash and verify on ``executor`` (the server's hash pool) with the server's hasher."""

    def __init__(self, hasher: PasswordHasher, executor: Executor, throttle: SignInThrottle | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.hasher = hasher
        self._executor = executor
        #: The sign-in throttle: a wrong current password counts as a failed sign-in.
        self.throttle = throttle if throttle is not None else SignInThrottle(Limits())
        self._clock = clock
        self._changes: dict[int, deque[float]] = {}

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, verify_password, self.hasher, password_hash, password)

    async def check_current(self, account_id: int, password_hash: str | None, password: str,
                            address: str) -> bool:
        """Whether ``password`` is the account's, checked as a sign-in attempt from ``address``."""
        return await self.throttle.attempt(address, account_id, lambda: self.verify(password_hash, password))

    def may_change(self, account_id: int) -> None:
        """Raises ``rate_limited`` once the account made :data:`CHANGES_PER_HOUR` changes in the last hour."""
        now = self._clock()
        made = self._changes.setdefault(account_id, deque())
        while made and now - made[0] >= _HOUR_S:
            made.popleft()
        if len(made) >= CHANGES_PER_HOUR:
            wait = made[0] + _HOUR_S - now
            raise ProtocolError(ErrorCode.RATE_LIMITED,
                                f"your password was changed {CHANGES_PER_HOUR} times in the last hour; "
                                f"retry in {wait / 60:.0f} min", {"retry_after_s": round(wait, 3)})

    def changed(self, account_id: int) -> None:
        self._changes.setdefault(account_id, deque()).append(self._clock())
