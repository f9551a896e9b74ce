"""Password guessing is slowed per address and per account, never locking the real user out;
the alert about it quotes nothing an unauthenticated peer typed."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from swan_desktop.server.limits import Limits
from tests.server.support import PASSWORDS, WsClient, start_server

from .support import BAD_PC, REAL_PC, Peers

GUESSING = Limits(sign_in_free=2, sign_in_delay=0.2, sign_in_delay_max=2.0)


async def _guess(peers: Peers, username: str, tries: int) -> list[str]:
    """Wrong passwords from the bad PC, one after the other; the error code of each."""
    client = await peers.open(BAD_PC)
    codes = []
    for i in range(tries):
        reply = await client.request("authenticate", {"username": username, "password": f"guess-{i}"})
        assert reply["ok"] is False
        codes.append(reply["error"]["code"])
        if reply["error"]["code"] == "rate_limited":
            assert reply["error"]["data"]["retry_after_s"] > 0
    return codes


async def test_guessing_connections_are_slowed_but_the_real_user_signs_in_promptly(tmp_path: Path) -> None:
    server = start_server(tmp_path / "guess.db", limits=GUESSING)
    peers = Peers(server)
    try:
        began = time.monotonic()
        guessers = asyncio.gather(*(_guess(peers, "ana", 4) for _ in range(3)))
        await asyncio.sleep(0.5)  # the guessers' failures have piled up by now
        real = await peers.open(REAL_PC)
        signing_in = time.monotonic()
        await real.login("ana")
        assert time.monotonic() - signing_in < 1.0  # not slowed by the guessing at its account
        codes = [c for per in await asyncio.wait_for(guessers, 30) for c in per]
        assert set(codes) <= {"unauthorized", "rate_limited"}
        # Twelve guesses would take a few milliseconds unthrottled; here each one past the
        # second waits 0.2 s, doubling, and those that would wait past 2 s are refused at once.
        assert time.monotonic() - began >= 1.5 or "rate_limited" in codes
        assert codes.count("rate_limited") >= 1
    finally:
        await peers.close()
        server.stop()


async def test_the_failed_sign_in_alert_names_no_unknown_user_name(tmp_path: Path) -> None:
    server = start_server(tmp_path / "alert.db", limits=Limits(sign_in_delay=0), notifications=True)
    peers = Peers(server)
    try:
        boss = await peers.signed_in("boss")
        intruder = await peers.open(BAD_PC)
        for _ in range(5):
            await intruder.error("authenticate", {"username": "Boss says: click evil.example",
                                                  "password": "x"})
        note = await boss.notification_created("Repeated failed sign-ins")
        assert "evil" not in note["message"] and "Boss says" not in note["message"]
        assert "an unknown user name" in note["message"] and BAD_PC in note["message"]
        for _ in range(5):
            await intruder.error("authenticate", {"username": "ana", "password": "guess"})
        note = await boss.notification_created("Repeated failed sign-ins")
        assert "“ana”" in note["message"] and BAD_PC in note["message"] and "guess" not in note["message"]
    finally:
        await peers.close()
        server.stop()


def test_the_throttle_doubles_per_failure_queues_parallel_guesses_and_spares_other_addresses() -> None:
    from swan_desktop.server.throttle import Refused, SignInThrottle

    now = [0.0]
    throttle = SignInThrottle(Limits(sign_in_free=1, sign_in_delay=1.0, sign_in_delay_max=4.0),
                              clock=lambda: now[0])
    assert [throttle.step(n) for n in range(1, 6)] == [0.0, 1.0, 2.0, 4.0, 4.0]
    assert throttle.reserve(BAD_PC, 7) == 0.0
    throttle.failed(BAD_PC, 7)
    assert throttle.reserve(BAD_PC, 7) == 0.0  # the free failure
    throttle.failed(BAD_PC, 7)
    assert throttle.reserve(BAD_PC, 7) == 1.0  # second failure: wait 1 s
    assert throttle.reserve(BAD_PC, 7) == 3.0  # a parallel guess queues behind it (1 + 2)
    with pytest.raises(Refused):
        throttle.reserve(BAD_PC, 7)  # would wait 3 + 4 > 4 s: refused at once
    assert throttle.reserve(REAL_PC, 7) == 0.0  # the account's own PC is not slowed
    throttle.failed("127.0.0.3", 7)  # another failing PC shares the account's queue (5 s away)
    with pytest.raises(Refused):
        throttle.reserve("127.0.0.3", 7)
    now[0] += 3600  # forgotten after a quiet quarter of an hour
    assert throttle.reserve(BAD_PC, 7) == 0.0


async def test_attack_guessing_a_password_through_set_password_is_slowed_like_a_sign_in(
        tmp_path: Path) -> None:
    """``account.set_password`` checks the current password: with a stolen token (or a PC left
    signed in) it was a way to guess the real one, argon2 run after argon2 run, with no delay at
    all. Wrong ones now count as failed sign-ins: slowed, and refused once the wait is too long,
    while the real user signs in from another PC as ever."""
    server = start_server(tmp_path / "guess.db", limits=GUESSING)
    peers = Peers(server)
    try:
        stolen = [await peers.signed_in("ana", source=BAD_PC, sync=False) for _ in range(3)]

        async def guess(client: WsClient, tries: int) -> list[str]:
            codes = []
            for i in range(tries):
                reply = await client.request("account.set_password", {"current": f"guess-{i}",
                                                                     "new": "a-new-password-of-mine"})
                codes.append(reply["error"]["code"])
            return codes

        codes = [c for per in await asyncio.wait_for(asyncio.gather(*(guess(c, 4) for c in stolen)), 30)
                 for c in per]
        assert set(codes) <= {"invalid", "rate_limited"} and "rate_limited" in codes, codes
        real = await peers.open(REAL_PC)
        await real.login("ana")  # the real user is not held by the guessing at her account
    finally:
        await peers.close()
        server.stop()


async def test_attack_changing_a_password_over_and_over_stops_after_five_an_hour(tmp_path: Path) -> None:
    """Each change costs two argon2 runs on the pool every sign-in shares: an account changing its
    password back and forth in a loop would hold up every PC's sign-in."""
    from swan_desktop.server.admin.passwords import CHANGES_PER_HOUR

    server = start_server(tmp_path / "churn.db")
    peers = Peers(server)
    try:
        ana = await peers.signed_in("ana", sync=False)
        current, pool = PASSWORDS["ana"], ["first-long-password", "second-long-password"]
        for n in range(CHANGES_PER_HOUR):
            await ana.ok("account.set_password", {"current": current, "new": pool[n % 2]})
            current = pool[n % 2]
        one_more = {"current": current, "new": pool[CHANGES_PER_HOUR % 2]}
        refused = await ana.error("account.set_password", one_more)
        assert refused["code"] == "rate_limited" and refused["data"]["retry_after_s"] > 3000
        other = await peers.open(REAL_PC)
        await other.ok("authenticate", {"username": "ana", "password": current})  # the last one set holds
    finally:
        await peers.close()
        server.stop()
