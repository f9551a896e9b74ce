"""Certificates for TLS tests, made with ``cryptography`` into a temporary folder.

    pki = make_studio_pki(tmp_path)
    pki.ca                   # the studio CA certificate (PEM path) a client trusts
    pki.server               # (cert, key): signed by the CA for localhost and 127.0.0.1
    pki.wrong_host           # (cert, key): signed by the CA, but for other.example only
    pki.self_signed          # (cert, key): for localhost and 127.0.0.1, signed by nobody trusted
    server_context(pki.server)         # an ssl.SSLContext for SwanServer(ssl=...)
    client_context(pki.ca)             # a client context trusting the CA (None: the system's CAs)

Keys are EC P-256 (quick to make); certificates are valid from an hour ago
for 30 days.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

LOCAL_NAMES = ("localhost", "127.0.0.1")
WRONG_HOST = "other.example"


class CertPair(NamedTuple):
    """A certificate and its private key, both PEM files."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class StudioPki:
    ca: Path
    ca_key: Path
    server: CertPair
    wrong_host: CertPair
    self_signed: CertPair


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Swan test studio"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _san(names: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _builder(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
    )


def _write(directory: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> CertPair:
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return CertPair(cert_path, key_path)


def _leaf(
    names: tuple[str, ...], issuer: x509.Name, signer: ec.EllipticCurvePrivateKey | None
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A server certificate for ``names``, signed by ``signer`` (None: by its own key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(names[0])
    builder = (
        _builder(subject, issuer if signer is not None else subject, key)
        .add_extension(_san(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    )
    return builder.sign(signer if signer is not None else key, hashes.SHA256()), key


def make_studio_pki(directory: Path) -> StudioPki:
    """Write a studio CA and three server certificates into ``directory`` (created if missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Swan test studio CA")
    ca_cert = (
        _builder(ca_name, ca_name, ca_key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca = _write(directory, "studio-ca", ca_cert, ca_key)
    server = _write(directory, "server", *_leaf(LOCAL_NAMES, ca_name, ca_key))
    wrong_host = _write(directory, "wrong-host", *_leaf((WRONG_HOST,), ca_name, ca_key))
    self_signed = _write(directory, "self-signed", *_leaf(LOCAL_NAMES, ca_name, None))
    return StudioPki(ca.cert, ca.key, server, wrong_host, self_signed)


def server_context(pair: CertPair) -> ssl.SSLContext:
    """A server context presenting ``pair``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pair.cert, pair.key)
    return context


def client_context(ca: Path | None) -> ssl.SSLContext:
    """A verifying client context trusting ``ca`` only (None: the system's default CAs)."""
    if ca is None:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=str(ca))
