"""Passwords (argon2) and bearer tokens (random, stored as SHA-256, with an expiry)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.timefmt import now_utc
from .limits import Limits
from .store import Account, Store
from .throttle import SignInThrottle
from .worker import AsyncStore

DEFAULT_TOKEN_TTL = timedelta(days=30)
BAD_LOGIN = "invalid username or password"
DEACTIVATED = "this account is deactivated; ask an administrator"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def unauthorized(message: str) -> ProtocolError:
    return ProtocolError(ErrorCode.UNAUTHORIZED, message)


def verify_password(hasher: PasswordHasher, password_hash: str | None, password: str) -> bool:
    """Constant-ish work whether or not the user exists; a missing hash never matches."""
    if password_hash is None:
        return False
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _store_token(store: Store, user_id: int, ttl: timedelta) -> tuple[str, datetime]:
    token = new_token()
    expires = (now_utc() + ttl).replace(microsecond=0)
    store.add_token(hash_token(token), user_id, expires)
    return token, expires


def issue_token_sync(
    store: Store, username: str, ttl: timedelta = DEFAULT_TOKEN_TTL
) -> tuple[Account, str, datetime]:
    """Issue a token for ``username`` without a password (local admin, tests); on the store's thread."""
    account = store.account_by_username(username)
    if account is None:
        raise ProtocolError(ErrorCode.NOT_FOUND, f"no user named {username!r}")
    token, expires = _store_token(store, account.id, ttl)
    return account, token, expires


class Authenticator:
    """Checks credentials; argon2 work runs on ``hash_executor``, database work on the store worker."""

    def __init__(
        self,
        store: AsyncStore,
        hash_executor: Executor,
        hasher: PasswordHasher | None = None,
        token_ttl: timedelta = DEFAULT_TOKEN_TTL,
        throttle: SignInThrottle | None = None,
    ) -> None:
        self._store = store
        #: Delays sign-ins from addresses (and at accounts) that keep failing.
        self.throttle = throttle if throttle is not None else SignInThrottle(Limits())
        self._executor = hash_executor
        self.hasher = hasher or PasswordHasher()
        self.token_ttl = token_ttl
        self._dummy_hash: str | None = None
        #: Told of every refused password: (the account's username, or None when there is no
        #: such account, and the remote address). The notifier watches for bursts.
        self.on_failure: Callable[[str | None, str], None] | None = None

    async def _verify(self, password_hash: str | None, password: str) -> bool:
        loop = asyncio.get_running_loop()
        if password_hash is None:
            # Spend the same effort for unknown users so timing does not reveal them.
            if self._dummy_hash is None:
                self._dummy_hash = await loop.run_in_executor(self._executor, self.hasher.hash, new_token())
            await loop.run_in_executor(
                self._executor, verify_password, self.hasher, self._dummy_hash, password
            )
            return False
        return await loop.run_in_executor(
            self._executor, verify_password, self.hasher, password_hash, password
        )

    async def with_password(self, username: str, password: str,
                            address: str = "") -> tuple[Account, str, datetime]:
        account = await self._store.run(Store.account_by_username, username)
        account_id = account.id if account is not None else None
        ok = await self.throttle.attempt(  # an unknown user's check fails (after the same effort)
            address, account_id, lambda: self._verify(account.password_hash if account else None, password))
        if account is None or not ok:
            if self.on_failure is not None:
                self.on_failure(account.username if account is not None else None, address)
            raise unauthorized(BAD_LOGIN)
        if not account.active:  # said only to whoever knows the password
            raise unauthorized(DEACTIVATED)
        token, expires = await self._store.run(_store_token, account.id, self.token_ttl)
        return account, token, expires

    async def with_token(self, token: str) -> tuple[Account, datetime]:
        digest = hash_token(token)
        found = await self._store.run(Store.token, digest)
        if found is None:
            raise unauthorized("unknown token; sign in with username and password")
        account, expires = found
        if not account.active:
            raise unauthorized(DEACTIVATED)
        if expires <= now_utc():
            await self._store.run(Store.delete_token, digest)
            raise unauthorized("token expired; sign in with username and password")
        return account, expires

    async def hash_password(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.hasher.hash, password)
