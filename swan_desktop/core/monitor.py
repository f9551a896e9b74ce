"""The client's view of the system monitor: the last snapshot and history from the server.

:class:`MonitorStore` holds what ``monitor.snapshot`` and ``monitor.history``
answered, applies ``monitor:status-changed`` events to the service list in
between, and tells its listeners when anything changed. :meth:`refresh` asks
the server for both; a refusal or an unreachable server is kept as ``error``
in words, and the figures already shown stay as they were.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ..net.connection import ConnectionLost, RequestTimeout
from ..protocol.errors import ProtocolError
from ..protocol.frames import Event

log = logging.getLogger(__name__)

RANGES = ("5m", "1h", "24h", "7d")
Requester = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Listener = Callable[[], None]


class MonitorStore:
    """Snapshot, history and the range they are for; plain Python, no Qt."""

    def __init__(self) -> None:
        self.snapshot: dict[str, Any] | None = None
        self.history: dict[str, Any] | None = None
        self.range = "1h"
        self.error: str | None = None
        #: ``time.time()`` of the last complete refresh (None before the first).
        self.refreshed_at: float | None = None
        self._listeners: list[Listener] = []

    # -- listening -----------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- reading ---------------------------------------------------------------
    @property
    def services(self) -> list[dict[str, Any]]:
        return list(self.snapshot.get("services", [])) if self.snapshot else []

    @property
    def figures(self) -> dict[str, Any]:
        return dict(self.snapshot.get("figures", {})) if self.snapshot else {}

    @property
    def instances(self) -> list[dict[str, Any]]:
        """Every server instance on the studio's database (one on SQLite), as last reported."""
        return list(self.snapshot.get("instances", [])) if self.snapshot else []

    @property
    def database(self) -> dict[str, Any]:
        """The database's own figures, as the instance this desktop talks to sees it."""
        return dict(self.snapshot.get("database", {})) if self.snapshot else {}

    @property
    def latency_by_type(self) -> dict[str, dict[str, Any]]:
        return dict(self.snapshot.get("latency_by_type", {})) if self.snapshot else {}

    def series(self, name: str) -> list[tuple[int, float]]:
        """Measured points ``(t, value)`` of a history series; buckets without a value are left out."""
        if not self.history:
            return []
        values = self.history.get("series", {}).get(name, [])
        return [(t, float(v)) for t, v in zip(self.history.get("t", []), values, strict=False)
                if v is not None]

    def uptime(self, service: str) -> tuple[list[str | None], float | None]:
        """Per bucket the worst status (None: no data) and the healthy share of the range."""
        entry = (self.history or {}).get("services", {}).get(service)
        if not entry:
            return [], None
        return list(entry.get("status", [])), entry.get("uptime")

    # -- changing --------------------------------------------------------------
    def set_range(self, range_name: str) -> None:
        if range_name not in RANGES:
            raise ValueError(f"unknown range {range_name!r}")
        self.range = range_name

    def set_data(self, snapshot: dict[str, Any], history: dict[str, Any]) -> None:
        self.snapshot, self.history, self.error = snapshot, history, None
        self.refreshed_at = time.time()
        self._changed()

    def set_error(self, message: str) -> None:
        self.error = message
        self._changed()

    def apply_event(self, event: Event) -> None:
        """``monitor:status-changed``: the named service's status, reason and since (of the instance
        this desktop talks to); ``monitor:instance-changed``: an instance came up, stopped or is gone."""
        if self.snapshot is None:
            return
        if event.kind == "monitor:instance-changed":
            self._instance_changed(event.data.get("instance") or {})
            return
        data = event.data
        if event.kind != "monitor:status-changed" or data.get("instance", self.snapshot.get("instance")) != \
                self.snapshot.get("instance"):
            return
        services = self.snapshot.setdefault("services", [])
        for svc in services:
            if svc.get("name") == data.get("name"):
                svc.update({k: data[k] for k in ("status", "reason", "since", "label") if k in data})
                break
        else:
            services.append({k: data.get(k) for k in ("name", "label", "status", "reason", "since")})
        self._changed()

    def _instance_changed(self, instance: dict[str, Any]) -> None:
        assert self.snapshot is not None
        rows = self.snapshot.setdefault("instances", [])
        for row in rows:
            if row.get("id") == instance.get("id"):
                row.update({k: v for k, v in instance.items() if k != "this"})
                break
        else:
            rows.append({**instance, "this": False})
        self._changed()

    async def refresh(self, request: Requester) -> bool:
        """Fetch the snapshot and the current range's history; False (and ``error``) on failure."""
        try:
            snapshot = await request("monitor.snapshot", {})
            history = await request("monitor.history", {"range": self.range})
        except ProtocolError as exc:
            self.set_error(f"The server refused: {exc.message}")
            return False
        except (ConnectionLost, RequestTimeout, OSError) as exc:
            self.set_error(f"Cannot reach the server: {exc}")
            return False
        self.set_data(snapshot, history)
        return True
