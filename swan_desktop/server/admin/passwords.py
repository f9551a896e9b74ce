"""One-time passwords for staff accounts, and argon2 work kept off the server's loop.

Hashing and verifying run on the server's hash thread pool (the one the
:class:`~..auth.Authenticator` uses), never on the loop nor on the store's
worker thread: a request that sets a password hashes it first, then runs its
change through the pipeline with the hash in the change's notes.
"""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import Executor

from argon2 import PasswordHasher

from ...protocol.errors import invalid
from ..auth import verify_password

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

    def __init__(self, hasher: PasswordHasher, executor: Executor) -> None:
        self.hasher = hasher
        self._executor = executor

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, verify_password, self.hasher, password_hash, password)
