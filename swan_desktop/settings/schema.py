"""The desktop preferences: one declarative schema of typed keys with defaults
and validation, independent of where they are stored.

The Qt side (``qt/preferences.py``) keeps these values in QSettings; this module
knows nothing about Qt so the rules can be checked anywhere. Connection
identity (server address, last user, CA file) stays in ``config.Settings``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

THEMES = ("system", "light", "dark")


class InvalidSetting(ValueError):
    """A value a preference cannot take; the message is for the user."""


@dataclass(frozen=True)
class Key:
    name: str
    type: type
    default: Any
    check: Callable[[Any], Any] | None = None

    def coerce(self, value: Any) -> Any:
        """The value as this key's type (QSettings INI files hand back strings), validated."""
        if self.type is bool and isinstance(value, str):
            word = value.strip().lower()
            if word not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                raise InvalidSetting(f"{self.name} must be on or off")
            value = word in ("1", "true", "yes", "on")
        elif self.type is int and isinstance(value, str):
            try:
                value = int(value)
            except ValueError as exc:
                raise InvalidSetting(f"{self.name} must be a whole number") from exc
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise InvalidSetting(f"{self.name} must be a {self.type.__name__}")
        return self.check(value) if self.check else value


def check_theme(value: str) -> str:
    if value not in THEMES:
        raise InvalidSetting(f"Theme must be one of: {', '.join(THEMES)}.")
    return value


def check_server_url(value: str) -> str:
    """A swan-server address: ws://host:port/ or wss://host:port/ (empty means the embedded studio)."""
    value = value.strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise InvalidSetting(f"“{value}” is not a valid address: {exc}.") from exc
    if parts.scheme not in ("ws", "wss"):
        raise InvalidSetting("The server address must start with ws:// or wss://, "
                             "for example ws://studio-pc:8765/.")
    if not parts.hostname:
        raise InvalidSetting("The server address needs a host name, for example ws://studio-pc:8765/.")
    if port is not None and not 0 < port < 65536:
        raise InvalidSetting("The port must be between 1 and 65535.")
    return value


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("appearance/theme", str, "system", check_theme),
    Key("startup/at_login", bool, False),
    Key("startup/minimized", bool, False),
    Key("tray/close_notice_shown", bool, False),
    Key("window/view", str, "day"),
)}


def key(name: str) -> Key:
    try:
        return KEYS[name]
    except KeyError:
        raise KeyError(f"unknown preference {name!r}") from None


def register(new: Key) -> None:
    """Let a feature (notifications, sounds, quiet hours) add its own preferences."""
    if new.name in KEYS and KEYS[new.name] != new:
        raise ValueError(f"preference {new.name!r} is already defined differently")
    KEYS[new.name] = new
