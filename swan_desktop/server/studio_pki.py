"""TLS without set-up: a studio CA and a server certificate made on first start, beside the database.

``swan-server serve`` serves ``wss://`` by default (``--tls auto``). On the
first start it makes, in ``<database name>-tls/`` next to the database file:

- ``studio-ca.pem`` / ``studio-ca.key``: the studio's own certificate
  authority (EC P-256, ten years). Desktops trust ``studio-ca.pem``; its
  SHA-256 fingerprint is printed at every start so it can be checked on each
  desktop when installing it.
- ``server.pem`` / ``server.key``: the server's certificate, signed by that CA,
  for ``localhost``, the loopback addresses, this machine's host name and its
  addresses, and the ``--host`` address. It is made again from the same CA
  when it nears its end (30 days) or when a name it must cover is missing, so
  desktops that trust the CA need nothing new.

Private keys are written readable by the owner only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .hostnames import local_names

CA_DAYS = 3650
SERVER_DAYS = 397
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class StudioCertificates:
    """Where the files are, and the CA's SHA-256 fingerprint (``AA:BB:…``)."""

    folder: Path
    ca: Path
    cert: Path
    key: Path
    fingerprint: str


def folder_for(db_path: str | Path) -> Path:
    db = Path(db_path)
    return db.with_name(f"{db.stem}-tls")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _make_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Swan studio CA ({socket.gethostname()})")])
    now = _now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    _write_key(folder / "studio-ca.key", key)
    (folder / "studio-ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _load_ca(folder: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    cert_path, key_path = folder / "studio-ca.pem", folder / "studio-ca.key"
    if not (cert_path.is_file() and key_path.is_file()):
        return None
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{key_path} is not an EC private key")
    return cert, key


def _server_cert_fits(path: Path, ca: x509.Certificate, names: set[str], addresses: set[str]) -> bool:
    if not path.is_file():
        return False
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    have_names = {n.lower() for n in sans.get_values_for_type(x509.DNSName)}
    have_addresses = {str(a) for a in sans.get_values_for_type(x509.IPAddress)}
    return (cert.issuer == ca.subject and cert.not_valid_after_utc - RENEW_BEFORE > _now()
            and names <= have_names and addresses <= have_addresses)


def _make_server(folder: Path, ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey,
                 names: set[str], addresses: set[str]) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in sorted(names)]
    sans += [x509.IPAddress(ipaddress.ip_address(a)) for a in sorted(addresses)]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "swan-server")]))
            .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(folder / "server.key", key)
    chain = cert.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    (folder / "server.pem").write_bytes(chain)


def fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def ensure(db_path: str | Path, host: str = "127.0.0.1") -> StudioCertificates:
    """The studio CA and a current server certificate for ``host``, made when missing."""
    folder = folder_for(db_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    loaded = _load_ca(folder)
    ca, ca_key = loaded if loaded is not None else _make_ca(folder)
    names, addresses = local_names(host)
    if not _server_cert_fits(folder / "server.pem", ca, names, addresses):
        _make_server(folder, ca, ca_key, names, addresses)
    return StudioCertificates(folder, folder / "studio-ca.pem", folder / "server.pem", folder / "server.key",
                              fingerprint(ca))
