"""What a desktop needs to open without its server: who signed in, the studio
directory and the sessions it last showed. Kept as JSON in the data folder,
one file per server and username; it never holds a password or a token.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..protocol.entities import User
from ..protocol.timefmt import format_ts, now_utc

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    user: User
    directory: dict[str, Any]
    sessions: list[dict[str, Any]]
    saved_at: str


def cache_path(folder: Path, url: str, username: str) -> Path:
    key = hashlib.sha256(f"{url}\n{username}".encode()).hexdigest()[:16]
    return folder / f"offline-{key}.json"


def save(folder: Path, url: str, username: str, snapshot: Snapshot) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = cache_path(folder, url, username)
    tmp = path.with_suffix(".tmp")
    data = {"user": snapshot.user.to_wire(), "directory": snapshot.directory,
            "sessions": snapshot.sessions, "saved_at": snapshot.saved_at}
    try:
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)
    except OSError:
        log.warning("could not keep the schedule for offline use", exc_info=True)


def load(folder: Path, url: str, username: str) -> Snapshot | None:
    try:
        data = json.loads(cache_path(folder, url, username).read_text("utf-8"))
        return Snapshot(User.from_wire(data["user"]), dict(data["directory"]), list(data["sessions"]),
                        str(data.get("saved_at", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("the offline copy of the schedule is unreadable; ignoring it", exc_info=True)
        return None


def snapshot_now(user: User, directory: dict[str, Any], sessions: list[dict[str, Any]]) -> Snapshot:
    return Snapshot(user, directory, sessions, format_ts(now_utc()))


def forget(folder: Path, url: str, username: str) -> None:
    """Signing out: the offline copy goes with the sign-in."""
    try:
        cache_path(folder, url, username).unlink()
    except FileNotFoundError:
        pass
    except OSError:
        log.warning("could not remove the offline copy of the schedule", exc_info=True)
