"""The studio mail server's password, given once from an admin's desktop and kept in the OS keyring
of the machine the server runs on (``reminder.mail_password``).

Most mail providers take mail only from a signed-in user, so a studio set up from the desktop —
the embedded server on the front-desk PC above all, which has no environment an office could set
— needs a way to give the password without a terminal. Where it is kept:

- in the keyring (Windows Credential Manager, the macOS Keychain, a Secret Service such as GNOME
  Keyring), under :data:`SERVICE` and the database's ``epoch``: each studio database its own
  entry, and a restored backup of the same database finds its password again on the same machine;
- never in the database, so never in a backup or a ``pg_dump``; never on the wire back (the reply
  says only whether one is kept), never in a log line;
- in memory once read (:meth:`KeptPassword.load` at start, in a thread with a bound: a keyring
  answers over D-Bus or a system call, never on the loop).

Refused in words, with nothing changed: a server with no safe keyring (a headless Linux box has
keyring's *fail* backend; ``keyrings.alt``'s files are plain text and never used), and a server on
PostgreSQL, where a studio group's several servers would each need it in their own keyring. Both
take the password from ``SWAN_SMTP_PASSWORD`` in the server's environment, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from types import ModuleType

from ...protocol.errors import ErrorCode, ProtocolError

log = logging.getLogger(__name__)

SERVICE = "swan-server"
#: How long a keyring may take to answer before the request is refused (a locked keyring may be
#: showing an unlock prompt nobody sees).
KEYRING_WAIT_S = 10.0
ENVIRONMENT = "set SWAN_SMTP_PASSWORD in the server's environment instead"
#: The Secret Service collection keyring writes to (its default).
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"
LOCKED = "the keyring of the server's machine is locked: unlock it on that machine, or "


def _keyring() -> ModuleType:
    import keyring  # imported when first needed: it scans the installed packages for back ends

    return keyring


def _safe_backend() -> bool:
    """Whether the keyring keeps secrets safely: not keyring's fail or null back end, and never
    ``keyrings.alt``, which writes them to plain files."""
    module = type(_keyring().get_keyring()).__module__
    return not module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt"))


def _locked() -> bool:
    """Whether the keyring is a Secret Service whose default collection is locked, asked on a D-Bus
    connection of our own that is closed after (keyring's own path would ask for an unlock nobody
    at a server sees, and leaves its connection open when refused)."""
    chain = getattr(_keyring().get_keyring(), "backends", None) or [_keyring().get_keyring()]
    if not any(type(b).__module__ == "keyring.backends.SecretService" for b in chain):
        return False
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        return bool(secretstorage.Collection(connection, DEFAULT_COLLECTION).is_locked())
    finally:
        connection.close()


def refused(reason: str, message: str) -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, message, {"reason": reason})


class KeptPassword:
    """The password this server keeps for the studio's mail server ("" when none is kept)."""

    def __init__(self, epoch: Callable[[], str], shared_database: Callable[[], bool]) -> None:
        self._epoch = epoch
        self._shared_database = shared_database
        self.value = ""
        self._lock = asyncio.Lock()

    def _account(self) -> str:
        return f"smtp-password:{self._epoch()}"

    async def load(self) -> None:
        """Read the kept password, if any (at start). A keyring that cannot be read leaves none
        kept, with a log line: the server's own password still serves."""
        if self._shared_database():
            return
        try:
            self.value = await asyncio.wait_for(asyncio.to_thread(self._read), KEYRING_WAIT_S)
        except Exception as exc:  # noqa: BLE001 -- no keyring, a locked one, one that did not answer
            log.warning("the studio's mail password could not be read from the keyring: %s",
                        exc.message if isinstance(exc, ProtocolError) else type(exc).__name__)

    def _read(self) -> str:
        if not _safe_backend():
            return ""
        if _locked():
            raise refused("keyring-failed", LOCKED + ENVIRONMENT)
        return _keyring().get_password(SERVICE, self._account()) or ""

    async def keep(self, password: str) -> None:
        """Keep ``password`` ("" forgets the one kept); refused, with nothing changed, where it
        cannot be kept safely."""
        if self._shared_database():
            raise refused("studio-group", "a server on PostgreSQL may be one of several, each with "
                                          "its own keyring: set SWAN_SMTP_PASSWORD in each server's "
                                          "environment instead")
        async with self._lock:  # one keyring write at a time: the last one asked for is kept
            try:
                await asyncio.wait_for(asyncio.to_thread(self._write, password), KEYRING_WAIT_S)
            except ProtocolError:
                raise
            except TimeoutError:
                raise refused("keyring-failed", "the keyring of the server's machine did not answer "
                                                f"(it may be locked): {ENVIRONMENT}") from None
            except Exception as exc:  # noqa: BLE001 -- the keyring's own errors, told in words
                log.warning("the studio's mail password could not be kept: %s", type(exc).__name__)
                raise refused("keyring-failed", "the keyring of the server's machine refused the "
                                                f"password ({type(exc).__name__}): {ENVIRONMENT}") from None
            self.value = password

    def _write(self, password: str) -> None:
        if not _safe_backend():
            raise refused("no-keyring", "the server's machine has no keyring to keep a password "
                                        f"in: {ENVIRONMENT}")
        if _locked():
            raise refused("keyring-failed", LOCKED + ENVIRONMENT)
        ring = _keyring()
        if password:
            ring.set_password(SERVICE, self._account(), password)
            return
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):  # none was kept
            ring.delete_password(SERVICE, self._account())
