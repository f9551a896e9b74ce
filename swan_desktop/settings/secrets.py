"""Sign-in tokens in the OS keyring, and only there.

Without a usable keyring backend the app cannot remember credentials; it says
so and carries on. It never falls back to plain text on disk. A Secret Service
keyring (GNOME Keyring, KWallet) that is locked is the same for the sign-in:
writing to it would need an unlock prompt the desktop may never show, so it
is not tried, and the sign-in dialog says so.
"""

from __future__ import annotations

import contextlib
import logging
from types import ModuleType

log = logging.getLogger(__name__)

SERVICE = "swan-desktop"
#: The Secret Service collection keyring writes to (its default).
DEFAULT_COLLECTION = "/org/freedesktop/secrets/aliases/default"

def _keyring() -> ModuleType:
    """keyring, imported when first needed: it scans the installed packages for its back ends
    (about 14 MiB and a tenth of a second), and the embedded demo studio never needs it."""
    import keyring

    return keyring


def _backend_is_safe() -> bool:
    backend = _keyring().get_keyring()
    module = type(backend).__module__
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        return False
    # keyrings.alt writes secrets to files: never acceptable for tokens.
    return not module.startswith("keyrings.alt")


def keyring_available() -> bool:
    """Whether tokens can be remembered on this system."""
    try:
        return _backend_is_safe()
    except Exception:
        log.exception("keyring backend check failed")
        return False


def keyring_locked() -> bool:
    """Whether the keyring is a Secret Service whose collection is locked (asked without a prompt)."""
    try:
        backend = _keyring().get_keyring()
        chain = getattr(backend, "backends", None) or [backend]
        if not any(type(b).__module__ == "keyring.backends.SecretService" for b in chain):
            return False
        import secretstorage

        connection = secretstorage.dbus_init()
        try:
            return bool(secretstorage.Collection(connection, DEFAULT_COLLECTION).is_locked())
        finally:
            connection.close()
    except Exception:  # no bus, no collection yet (one is made unlocked on first use), …
        log.debug("keyring lock check failed", exc_info=True)
        return False


def _account(server_url: str, username: str) -> str:
    return f"{username}@{server_url}"


def save_token(server_url: str, username: str, token: str) -> bool:
    """Store a token; False (and a log line) when no safe keyring exists or it is locked."""
    if not keyring_available() or keyring_locked():
        return False
    from keyring.errors import KeyringError

    try:
        _keyring().set_password(SERVICE, _account(server_url, username), token)
    except KeyringError:
        log.warning("could not store the sign-in token in the keyring", exc_info=True)
        return False
    return True


def load_token(server_url: str, username: str) -> str | None:
    if not keyring_available():
        return None
    from keyring.errors import KeyringError

    try:
        return _keyring().get_password(SERVICE, _account(server_url, username))
    except KeyringError:
        log.warning("could not read the sign-in token from the keyring", exc_info=True)
        return None


def forget_token(server_url: str, username: str) -> None:
    if not keyring_available():
        return
    from keyring.errors import KeyringError

    with contextlib.suppress(KeyringError):
        _keyring().delete_password(SERVICE, _account(server_url, username))
