"""The Monitor's first line, in a sentence: "All systems healthy · 2 bookings refused
because of clashes in the last hour". Refusals (a clash, not allowed, invalid) are the
server doing its job and are told apart from server errors."""

from __future__ import annotations

from typing import Any


def _count(n: float, one: str, many: str) -> str:
    k = int(n)
    return f"{k} {one if k == 1 else many}"


def _health(snapshot: dict[str, Any]) -> str:
    status = snapshot.get("status") or "unknown"
    services = snapshot.get("services") or []
    unwell = [str(s.get("label") or s.get("name")) for s in services
              if s.get("status") not in ("healthy", None)]
    names = ", ".join(unwell)
    if status == "healthy":
        return "All systems healthy"
    if status == "degraded":
        return f"Working, but slow or partly down: {names}" if names else "Working, but slow or partly down"
    if status == "critical":
        return f"Needs attention: {names}" if names else "Needs attention"
    return "Health not known yet"


def summary_sentence(snapshot: dict[str, Any] | None, error: str = "") -> str:
    if snapshot is None:
        return error or "Not loaded yet"
    figures: dict[str, Any] = snapshot.get("figures") or {}
    parts = [_health(snapshot)]
    clashes = figures.get("clashes_last_hour")
    refused = figures.get("refused_last_hour")
    errors = figures.get("server_errors_last_hour")
    if clashes:
        parts.append(f"{_count(clashes, 'booking', 'bookings')} refused because of clashes in the last hour")
    other = (refused or 0) - (clashes or 0)
    if other > 0:
        parts.append(f"{_count(other, 'request', 'requests')} refused in the last hour "
                     "(not allowed, invalid or out of date)")
    if errors:
        parts.append(f"{_count(errors, 'server error', 'server errors')} in the last hour")
    elif errors is not None and not clashes and other <= 0:
        parts.append("nothing refused and no server errors in the last hour")
    gone = [f"{i.get('host')}:{i.get('port')}" for i in snapshot.get("instances") or []
            if i.get("state") == "gone"]
    if gone:
        parts.append(f"{_count(len(gone), 'server instance', 'server instances')} stopped reporting: "
                     + ", ".join(gone))
    if error:
        parts.append(error)
    return " · ".join(parts)
