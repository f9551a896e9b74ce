"""Typed app settings persisted as JSON in the data folder.

The last signed-in user and server are remembered here (never a password or a
token: those live in the keyring).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from . import paths

log = logging.getLogger(__name__)


@dataclass
class Settings:
    server_url: str = ""
    last_username: str = ""
    view: str = "day"
    ca_file: str = ""

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
        known = {f.name for f in fields(cls)}
        if not isinstance(raw, dict):
            return cls()
        values = {k: v for k, v in raw.items() if k in known and isinstance(v, str)}
        return cls(**values)

    def save(self, path: Path | None = None) -> None:
        path = path or paths.settings_file()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), "utf-8")
        os.replace(tmp, path)
