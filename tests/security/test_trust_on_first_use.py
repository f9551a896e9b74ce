"""Trust on first use: a desktop meeting a studio's own CA for the first time shows its fingerprint
and trusts it only when the user accepts; from then on that server is verified against that CA
alone, and a server with another CA on the same address (someone impersonating the studio server)
is refused without asking again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from swan_desktop.qt.app import sign_in
from swan_desktop.qt.login_dialog import LoginDialog
from swan_desktop.qt.settings_pages.connection import Account, ConnectionPage
from swan_desktop.qt.trust_prompt import TrustPrompt, grouped
from swan_desktop.server import studio_pki
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.settings import trusted_servers
from swan_desktop.settings.config import Settings
from tests.support.poll import until
from tests.support.qt import shown, visible_top_level
from tests.support.server import PASSWORDS
from tests.support.sign_in_dialog import submit

from .desktop_support import sign_in_attempts, studio_server


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[EmbeddedServer, studio_pki.StudioCertificates]]:
    server, certs = studio_server(tmp_path / "studio")
    yield server, certs
    server.stop()


async def _accept_on_first_sign_in(url: str) -> None:
    """Sign in as ana through the dialog, trusting the studio when asked."""
    task = asyncio.ensure_future(sign_in(url, Settings()))
    await submit(await shown(LoginDialog), "ana", PASSWORDS["ana"], remember=False)
    (await shown(TrustPrompt)).trust_button.click()
    client = await asyncio.wait_for(task, 10)
    assert client is not None and client.user is not None and client.user.name == "Ana"
    await client.close()


async def test_first_connection_asks_with_the_servers_fingerprint_and_signs_in_over_tls_once_trusted(
        studio) -> None:
    server, certs = studio
    task = asyncio.ensure_future(sign_in(server.url, Settings()))
    dialog = await shown(LoginDialog)
    await submit(dialog, "ana", PASSWORDS["ana"], remember=False)

    prompt = await shown(TrustPrompt)
    assert prompt.offered.fingerprint == certs.fingerprint  # the one `serve` prints
    assert prompt.fingerprint.text() == grouped(certs.fingerprint)
    assert prompt.fingerprint.text().replace("\n", "  ").replace("  ", ":") == certs.fingerprint
    assert f"127.0.0.1:{server.port}" in prompt.intro.text()
    assert sign_in_attempts(server) == 0  # nothing sent before the user decides
    prompt.trust_button.click()

    client = await asyncio.wait_for(task, 10)
    assert client is not None and client.user is not None and client.user.name == "Ana"
    assert client.url.startswith("wss://")
    await client.close()
    host, port = "127.0.0.1", server.port
    assert trusted_servers.pinned(host, port) == certs.ca.read_text()
    # Settings → Connection shows the fingerprint the staff compare with.
    page = ConnectionPage(Settings(server_url=server.url), Account("Ana", "ana", server.url))
    assert page.trust.fingerprint.text() == grouped(certs.fingerprint)
    page.deleteLater()

    again = asyncio.ensure_future(sign_in(server.url, Settings()))
    await submit(await shown(LoginDialog), "ana", PASSWORDS["ana"], remember=False)
    second = await asyncio.wait_for(again, 10)  # verified against the pinned CA: not asked again
    assert second is not None and visible_top_level(TrustPrompt) is None
    await second.close()


async def test_cancelling_the_prompt_connects_nothing_and_trusts_nothing(studio) -> None:
    server, _certs = studio
    task = asyncio.ensure_future(sign_in(server.url, Settings()))
    dialog = await shown(LoginDialog)
    await submit(dialog, "ana", PASSWORDS["ana"], remember=False)
    (await shown(TrustPrompt)).cancel_button.click()

    await until(dialog.error.isVisible, what="the dialog to say it did not sign in")
    assert "not trusted" in dialog.error.text()
    assert not task.done() and dialog.isVisible()
    assert trusted_servers.pinned("127.0.0.1", server.port) is None
    assert sign_in_attempts(server) == 0  # the password never left this computer
    dialog.reject()
    assert await asyncio.wait_for(task, 5) is None


async def test_a_server_with_another_ca_on_the_trusted_address_is_refused_as_an_impersonator(
        tmp_path: Path) -> None:
    real, real_certs = studio_server(tmp_path / "real")
    port = real.port
    try:
        await _accept_on_first_sign_in(real.url)
    finally:
        real.stop()
    impostor, impostor_certs = studio_server(tmp_path / "impostor", port=port)
    try:
        assert impostor.url == real.url and impostor_certs.fingerprint != real_certs.fingerprint
        task = asyncio.ensure_future(sign_in(impostor.url, Settings()))
        dialog = await shown(LoginDialog)
        await submit(dialog, "ana", PASSWORDS["ana"], remember=False)

        await until(dialog.error.isVisible, what="the sign-in to be refused")
        assert "impersonating the studio server" in dialog.error.text()
        assert visible_top_level(TrustPrompt) is None  # never asked again, silently or not
        assert sign_in_attempts(impostor) == 0  # the password never reached it
        assert trusted_servers.pinned("127.0.0.1", port) == real_certs.ca.read_text()
        dialog.reject()
        assert await asyncio.wait_for(task, 5) is None
    finally:
        impostor.stop()


@pytest.mark.parametrize("offers", ["nothing", "another CA"])
async def test_a_server_that_offers_no_ca_or_one_that_did_not_sign_its_certificate_is_not_trusted(
        tmp_path: Path, offers: str) -> None:
    server, _certs = studio_server(tmp_path / "studio")
    stray = studio_pki.ensure(tmp_path / "stray" / "other.sqlite3")
    server.server.studio_ca.pem = None if offers == "nothing" else stray.ca.read_bytes()
    try:
        task = asyncio.ensure_future(sign_in(server.url, Settings()))
        dialog = await shown(LoginDialog)
        await submit(dialog, "ana", PASSWORDS["ana"], remember=False)
        await until(dialog.error.isVisible, what="the sign-in to be refused")
        assert "cannot offer to trust it" in dialog.error.text()
        assert visible_top_level(TrustPrompt) is None and sign_in_attempts(server) == 0
        assert trusted_servers.pinned("127.0.0.1", server.port) is None
        dialog.reject()
        assert await asyncio.wait_for(task, 5) is None
    finally:
        server.stop()
