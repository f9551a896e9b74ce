"""Export of what the monitor pane shows, to JSON (one document) or CSV (one row per value).

CSV columns: ``section, name, field, value`` — sections ``service``,
``instance`` (name = the instance's id), ``database``, ``figure``, ``latency``,
``history`` (field = the bucket's time), ``client``.
A figure without a measurement is an empty cell in CSV and ``null`` in JSON.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ...protocol.timefmt import format_ts


def _iso(t: int) -> str:
    from datetime import UTC, datetime

    return format_ts(datetime.fromtimestamp(t, UTC))


def rows(document: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    out: list[tuple[str, str, str, Any]] = []
    for svc in document.get("services", []):
        for field in ("status", "reason", "since", "uptime"):
            out.append(("service", str(svc["name"]), field, svc.get(field)))
    for instance in document.get("instances", []):
        for field in ("host", "pid", "port", "started", "last_seen", "state", "status", "database"):
            out.append(("instance", str(instance.get("id")), field, instance.get(field)))
        for field, value in (instance.get("figures") or {}).items():
            out.append(("instance", str(instance.get("id")), field, value))
    for field, value in document.get("database", {}).items():
        out.append(("database", "database", field, value))
    for name, value in document.get("figures", {}).items():
        out.append(("figure", name, "value", value))
    for rtype, figures in document.get("latency_by_type", {}).items():
        for field, value in figures.items():
            out.append(("latency", rtype, field, value))
    history = document.get("history") or {}
    for name, points in history.get("series", {}).items():
        for t, value in points:
            out.append(("history", name, _iso(int(t)), value))
    for name, value in document.get("client", {}).items():
        out.append(("client", name, "value", value))
    return out


def write(path: str | Path, document: dict[str, Any]) -> Path:
    """Write ``document`` as JSON when ``path`` ends in .json, else as CSV."""
    target = Path(path)
    if target.suffix.lower() == ".json":
        target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return target
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["section", "name", "field", "value"])
        for section, name, field, value in rows(document):
            writer.writerow([section, name, field, "" if value is None else value])
    return target
