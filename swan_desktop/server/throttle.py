"""Sign-in throttling: an exponential delay per failing address and per attacked account.

Failed sign-ins are counted per remote address and per (existing) account.
After ``free`` failures, each further attempt from that address waits
``delay * 2**(n - free - 1)`` seconds (at most ``delay_max``) before its
password is even checked; attempts in parallel queue up behind each other.
An account's own count delays only addresses that have failed themselves, so
guessing at someone's password never locks that person out: a correct
password from a PC that has not failed is answered at once. A success clears
its address's count; counts are forgotten ``forget_s`` after the last failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..protocol.errors import ErrorCode, ProtocolError
from .limits import Limits

#: Seconds after the last failure when a count is forgotten.
FORGET_S = 15 * 60.0


@dataclass(slots=True)
class _Record:
    failures: int = 0
    #: The earliest moment the next attempt may be checked (it is pushed on by each attempt).
    next_at: float = 0.0
    last_failure: float = 0.0


class Refused(Exception):
    """The attempt would wait longer than the longest delay: answer at once, naming the wait."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"too many failed sign-ins; retry in {wait:.1f} s")
        self.wait = wait


class SignInThrottle:
    """Decides how long a sign-in attempt waits; told of each failure and success."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic,
                 forget_s: float = FORGET_S) -> None:
        self._free = limits.sign_in_free
        self._delay = limits.sign_in_delay
        self._max = limits.sign_in_delay_max
        self._clock = clock
        self._forget_s = forget_s
        #: By ``"address:<ip>"`` and ``"account:<id>"``.
        self._records: dict[str, _Record] = {}

    def step(self, failures: int) -> float:
        """The wait that ``failures`` failures earn the next attempt."""
        if not self._delay or failures <= self._free:
            return 0.0
        return float(min(self._max, self._delay * 2.0 ** min(failures - self._free - 1, 64)))

    def _forget_old(self, now: float) -> None:
        stale = [k for k, r in self._records.items() if now - r.last_failure > self._forget_s]
        for key in stale:
            del self._records[key]

    def reserve(self, address: str, account_id: int | None) -> float:
        """Seconds this attempt must wait before its password is checked (its turn is taken now).

        Raises :class:`Refused` when that is longer than the longest delay.
        """
        now = self._clock()
        self._forget_old(now)
        records: list[_Record] = []
        by_address = self._records.get(f"address:{address}")
        if by_address is not None:  # an account's count slows only addresses that failed themselves
            records.append(by_address)
            by_account = self._records.get(f"account:{account_id}")
            if by_account is not None:
                records.append(by_account)
        at = max([now] + [r.next_at for r in records])
        if at - now > self._max:
            raise Refused(at - now)
        for record in records:
            record.next_at = at + self.step(record.failures + 1)
        return at - now

    async def attempt(self, address: str, account_id: int | None,
                      check: Callable[[], Awaitable[bool]]) -> bool:
        """``check()`` (a password's argon2 check) in this attempt's turn: after the wait earlier
        failures earned, its outcome recorded. ``rate_limited`` at once when that wait is longer
        than the longest delay."""
        try:
            wait = self.reserve(address, account_id)
        except Refused as refused:
            raise ProtocolError(ErrorCode.RATE_LIMITED, str(refused),
                                {"retry_after_s": round(refused.wait, 3)}) from None
        if wait:
            await asyncio.sleep(wait)
        ok = await check()
        if ok:
            self.succeeded(address)
        else:
            self.failed(address, account_id)
        return ok

    def failed(self, address: str, account_id: int | None) -> None:
        now = self._clock()
        keys = [f"address:{address}"] + ([f"account:{account_id}"] if account_id is not None else [])
        for key in keys:
            record = self._records.setdefault(key, _Record())
            record.failures += 1
            record.last_failure = now
            record.next_at = max(record.next_at, now + self.step(record.failures))

    def succeeded(self, address: str) -> None:
        self._records.pop(f"address:{address}", None)
