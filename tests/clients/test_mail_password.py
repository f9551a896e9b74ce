"""The studio mail server's password given from a desktop (``reminder.mail_password``): kept in the
server machine's keyring, used to sign in to a real SMTP server (aiosmtpd: STARTTLS, then a
sign-in), kept across a restart, forgotten on request; never in the database, a reply, an event
or the log; admins only; refused in words where it cannot be kept safely.

The keyring is the in-memory one every test has (``tests/conftest.py``: a headless box has no OS
keyring), except in the last test, which keeps it in a real GNOME Keyring over D-Bus.
"""

from __future__ import annotations

import json
import shutil
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from aiosmtpd.controller import Controller
from keyring.backends import fail
from websockets.asyncio.client import connect

from swan_desktop.server.clients import mail_password
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig
from tests.support.lan import LAN, needs_lan
from tests.support.mail import MAIL_PASSWORD, MAIL_USER, Inbox, signing_smtp_server
from tests.support.memory_keyring import MemoryKeyring
from tests.support.poll import until, until_answered
from tests.support.server import FAST_HASHER, Clients, WsClient, add_users, start_server
from tests.support.session_bus import secret_service, session_bus
from tests.support.tls import client_context, make_studio_pki, server_context

Mail = tuple[Controller, Inbox, ssl.SSLContext]


@pytest.fixture
def mail(tmp_path: Path) -> Iterator[Mail]:
    with signing_smtp_server(tmp_path / "pki") as running:
        yield running


def _serve(db: Path, context: ssl.SSLContext) -> EmbeddedServer:
    """A server whose own mail settings name no password; only their trust in the test CA counts
    here (the studio's host, set from a desktop, comes first)."""
    server = start_server(db)
    server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", 1, "starttls", ssl_context=context,
                                                         retry_delays=())
    return server


async def _studio_mail_server(boss: WsClient, port: int) -> None:
    smtp = {"host": "127.0.0.1", "port": port, "security": "starttls", "user": MAIL_USER,
            "from": "desk@studio.test"}
    await boss.ok("reminder.settings", {"smtp": smtp})


def _entry(server: EmbeddedServer) -> tuple[str, str]:
    return mail_password.SERVICE, f"smtp-password:{server.server.store.epoch}"


def _database_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


async def test_a_password_given_from_a_desktop_signs_in_to_the_studios_mail_server(
        tmp_path: Path, mail: Mail, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture) -> None:
    controller, inbox, context = mail
    db = tmp_path / "studio.sqlite3"
    server = _serve(db, context)
    try:
        pool = Clients(server)
        boss, vic = await pool.signed_in("boss"), await pool.signed_in("vic")
        await _studio_mail_server(boss, controller.port)
        refused = await boss.ok("reminder.test", {"to": "boss@studio.test"})
        assert refused["sent"] is False and "no password is set" in refused["detail"]  # not even tried
        rita = (await boss.ok("client.create", {"name": "Rita", "email": "rita@example.com",
                                                "consent": {"reminders": True}}))["client"]
        await boss.ok("session.create", {"start": "2031-06-02T10:00:00Z", "end": "2031-06-02T11:00:00Z",
                                         "trainer_id": 1, "client_id": rita["id"], "allow_overlap": True})

        async def confirmation() -> dict[str, Any]:
            listed = (await boss.ok("client.get", {"id": rita["id"]}))["messages"]
            return next(m for m in listed if m["kind"] == "confirmation")

        async def given_up() -> bool:
            return (await confirmation())["status"] == "failed"

        await until_answered(given_up, what="the confirmation failed at once, not left sending")
        assert "no password is set" in (await confirmation())["detail"]

        reply = await boss.ok("reminder.mail_password", {"password": MAIL_PASSWORD})
        assert reply["smtp"]["password_set"] is True and reply["smtp"]["password_kept"] is True
        assert reply == await boss.ok("reminder.settings.get", {})
        assert MAIL_PASSWORD not in json.dumps(reply)
        assert memory_keyring.store[_entry(server)] == MAIL_PASSWORD
        sent = await boss.ok("reminder.test", {"to": "boss@studio.test"})
        assert sent["sent"] is True, sent
        await until(lambda: len(inbox.messages) == 1, what="the test email, sent as the signed-in user")
        await pool.close()
        assert MAIL_PASSWORD not in str(vic.events) and MAIL_PASSWORD not in caplog.text
    finally:
        server.stop()
    assert MAIL_PASSWORD.encode() not in _database_bytes(db)  # so not in any backup either

    again = _serve(db, context)  # a restart reads it back from the keyring
    try:
        pool = Clients(again)
        boss = await pool.signed_in("boss")
        assert (await boss.ok("reminder.settings.get", {}))["smtp"]["password_kept"] is True
        assert (await boss.ok("reminder.test", {"to": "boss@studio.test"}))["sent"] is True

        forgotten = await boss.ok("reminder.mail_password", {"password": ""})
        assert forgotten["smtp"]["password_kept"] is False and forgotten["smtp"]["password_set"] is False
        assert _entry(again) not in memory_keyring.store
        assert (await boss.ok("reminder.test", {"to": "boss@studio.test"}))["sent"] is False
        await pool.close()
    finally:
        again.stop()


async def test_attack_a_trainer_or_viewer_cannot_set_or_forget_the_mail_password(
        tmp_path: Path, mail: Mail, memory_keyring: MemoryKeyring) -> None:
    context = mail[2]
    server = _serve(tmp_path / "studio.sqlite3", context)
    try:
        pool = Clients(server)
        boss, ana = await pool.signed_in("boss"), await pool.signed_in("ana")
        vic = await pool.signed_in("vic")
        if server.server.store.shared:
            assert (await boss.error("reminder.mail_password", {"password": "x"}))["code"] == "conflict"
        else:
            await boss.ok("reminder.mail_password", {"password": MAIL_PASSWORD})
        before = dict(memory_keyring.store)
        for intruder in (ana, vic):
            for password in ("attacker-secret", ""):
                error = await intruder.error("reminder.mail_password", {"password": password})
                assert error["code"] == "forbidden", error
        assert memory_keyring.store == before
        await pool.close()
    finally:
        server.stop()


async def test_a_password_is_refused_in_words_where_it_cannot_be_kept_safely(
        tmp_path: Path, mail: Mail, memory_keyring: MemoryKeyring) -> None:
    """No keyring (a headless Linux server), a server on PostgreSQL (one of a studio group's
    several), a password longer than any provider's: refused, the environment named, nothing kept."""
    _controller, _inbox, context = mail
    server = _serve(tmp_path / "studio.sqlite3", context)
    try:
        pool = Clients(server)
        boss = await pool.signed_in("boss")
        too_long = await boss.error("reminder.mail_password", {"password": "p" * 1025})
        assert too_long["code"] == "invalid" and "p" * 50 not in json.dumps(too_long)
        keyring.set_keyring(fail.Keyring())  # restored after the test by the memory_keyring fixture
        error = await boss.error("reminder.mail_password", {"password": MAIL_PASSWORD})
        reason = "studio-group" if server.server.store.shared else "no-keyring"
        assert (error["code"], error["data"]["reason"]) == ("conflict", reason), error
        assert "SWAN_SMTP_PASSWORD" in error["message"]
        assert (await boss.ok("reminder.settings.get", {}))["smtp"]["password_kept"] is False
        assert memory_keyring.store == {}
        await pool.close()
    finally:
        server.stop()


@pytest.mark.skipif(shutil.which("gnome-keyring-daemon") is None or shutil.which("dbus-daemon") is None,
                    reason="needs gnome-keyring-daemon and dbus-daemon (apt gnome-keyring dbus; "
                           ".ci/system-deps.sh)")
async def test_the_password_is_kept_in_a_real_secret_service(tmp_path: Path, mail: Mail) -> None:
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    controller, inbox, context = mail
    with session_bus(tmp_path) as address, secret_service(tmp_path, address) as collection:
        keyring.set_keyring(SecretServiceKeyring())
        server = _serve(tmp_path / "studio.sqlite3", context)
        try:
            pool = Clients(server)
            boss = await pool.signed_in("boss")
            await _studio_mail_server(boss, controller.port)
            await boss.ok("reminder.mail_password", {"password": MAIL_PASSWORD})
            items: list[Any] = list(collection.search_items({"service": mail_password.SERVICE}))
            assert [item.get_secret() for item in items] == [MAIL_PASSWORD.encode()]
            assert (await boss.ok("reminder.test", {"to": "boss@studio.test"}))["sent"] is True
            await until(lambda: len(inbox.messages) == 1, what="the test email")

            collection.lock()  # nobody at that machine to unlock it: refused at once, in words
            error = await boss.error("reminder.mail_password", {"password": "another-secret"})
            assert (error["code"], error["data"]["reason"]) == ("conflict", "keyring-failed")
            assert "locked" in error["message"] and "SWAN_SMTP_PASSWORD" in error["message"]
            # the password kept before still serves
            assert (await boss.ok("reminder.test", {"to": "boss@studio.test"}))["sent"] is True
            await pool.close()
        finally:
            server.stop()


@needs_lan
async def test_attack_a_password_sent_in_clear_across_the_network_is_not_kept(
        tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    """A server started with ``--tls off`` and reached from another PC: the password has crossed
    the network in clear, so it is refused and nothing is kept (the studio's email account is worth
    more than a sign-in to the schedule); from the same PC over TLS it is kept."""
    assert LAN is not None
    pki = make_studio_pki(tmp_path / "pki")
    trusting = client_context(pki.ca)
    trusting.check_hostname = False  # the test certificate does not name this machine's LAN address
    for folder, tls in (("plain", None), ("tls", server_context(pki.server))):
        server = EmbeddedServer(tmp_path / f"{folder}.sqlite3", demo=True, host=LAN, hasher=FAST_HASHER,
                                ssl=tls)
        server.start()
        add_users(server)
        try:
            async with connect(server.url, ssl=trusting if tls else None) as ws:
                boss = WsClient(ws)
                await boss.login("boss")
                reply = await boss.request("reminder.mail_password", {"password": MAIL_PASSWORD})
                if tls is None:
                    assert reply["ok"] is False and reply["error"]["data"] == {"reason": "plain-connection"}
                    assert "unencrypted" in reply["error"]["message"] and memory_keyring.store == {}
                    # forgetting one sends nothing secret: allowed
                    forgotten = await boss.ok("reminder.mail_password", {"password": ""})
                    assert forgotten["smtp"]["password_kept"] is False
                else:
                    assert reply["ok"] is True and reply["data"]["smtp"]["password_kept"] is True
                    assert list(memory_keyring.store.values()) == [MAIL_PASSWORD]
        finally:
            server.stop()
