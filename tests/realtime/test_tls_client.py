"""The desktop over wss://: a certificate the studio's CA signed is accepted;
a wrong host or an untrusted self-signed certificate is refused with a clear
message, and the desktop never carries on regardless."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.net.connection import CertificateRejected
from swan_desktop.net.tls import TrustFileError, client_context
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.server import FAST_HASHER, add_users, signed_in_client
from tests.support.tls import CertPair, StudioPki, make_studio_pki, server_context


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> StudioPki:
    return make_studio_pki(tmp_path_factory.mktemp("pki"))


def tls_server(tmp_path: Path, pair: CertPair) -> EmbeddedServer:
    server = EmbeddedServer(tmp_path / "tls.sqlite3", demo=True, hasher=FAST_HASHER,
                            ssl=server_context(pair))
    server.start()
    add_users(server)
    return server


@pytest.fixture
def served(tmp_path: Path, pki: StudioPki, request: pytest.FixtureRequest) -> Iterator[EmbeddedServer]:
    server = tls_server(tmp_path, getattr(pki, request.param))
    yield server
    server.stop()


async def sign_in(url: str, tmp_path: Path, ca: Path | None) -> StudioClient:
    return await signed_in_client(url, "ana", tmp_path / "outbox", ssl_context=client_context(ca))


@pytest.mark.parametrize("served", ["server"], indirect=True)
async def test_certificate_signed_by_the_studio_ca_is_accepted(served, pki, tmp_path) -> None:
    assert served.url.startswith("wss://127.0.0.1:")
    client = await sign_in(served.url, tmp_path, pki.ca)
    assert client.user is not None and client.user.name == "Ana"
    assert len(client.store.directory.trainers) >= 4
    await client.close()


@pytest.mark.parametrize("served", ["server"], indirect=True)
async def test_without_the_studio_ca_the_certificate_is_refused(served, tmp_path) -> None:
    with pytest.raises(CertificateRejected, match="certificate was refused"):
        await sign_in(served.url, tmp_path, None)


@pytest.mark.parametrize("served", ["wrong_host"], indirect=True)
async def test_certificate_for_another_host_is_refused(served, pki, tmp_path) -> None:
    with pytest.raises(CertificateRejected, match=r"Hostname mismatch|IP address mismatch"):
        await sign_in(served.url, tmp_path, pki.ca)


@pytest.mark.parametrize("served", ["self_signed"], indirect=True)
async def test_untrusted_self_signed_certificate_is_refused(served, pki, tmp_path) -> None:
    with pytest.raises(CertificateRejected, match=r"self.signed|unable to get local issuer"):
        await sign_in(served.url, tmp_path, pki.ca)


def test_an_unusable_ca_file_is_named(tmp_path) -> None:
    bogus = tmp_path / "studio-ca.pem"
    bogus.write_text("not a certificate")
    with pytest.raises(TrustFileError, match=r"studio-ca\.pem"):
        client_context(bogus)
