"""Typed app settings persisted as JSON in the data folder.

The last signed-in user and server are remembered here (never a password or a
token: those live in the keyring).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from . import paths

log = logging.getLogger(__name__)


@dataclass
class Settings:
    server_url: str = ""
    last_username: str = ""
    view: str = "day"
    ca_file: str = ""
    #: Hosts (not this computer) the user allowed to sign in to over plain ws:// (net/cleartext.py).
    plain_hosts: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or paths.settings_file()
        try:
            raw = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            log.warning("settings file %s is unreadable; using defaults", path, exc_info=True)
            return cls()
        known = {f.name for f in fields(cls) if f.type == "str"}
        if not isinstance(raw, dict):
            return cls()
        settings = cls()
        for name, value in raw.items():
            if name in known and isinstance(value, str):
                setattr(settings, name, value)
        hosts = raw.get("plain_hosts")
        if isinstance(hosts, list):
            settings.plain_hosts = [h.lower() for h in hosts if isinstance(h, str)]
        return settings

    def allow_plain(self, host: str, allowed: bool) -> None:
        """Allow (or stop allowing) signing in to ``host`` over plain ws://; kept on :meth:`save`."""
        hosts = [h for h in self.plain_hosts if h != host.lower()]
        self.plain_hosts = [*hosts, host.lower()] if allowed else hosts

    def save(self, path: Path | None = None) -> None:
        path = path or paths.settings_file()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), "utf-8")
        os.replace(tmp, path)
