"""Delivery preferences: which channels per category and per priority, volume, throttle, quiet hours, DND.

Kept as JSON next to the app's settings (``notifications.json`` in the data folder).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain.quiet_hours import Gate, QuietHours
from ..domain.throttle import DEFAULT_LIMIT
from ..settings import paths

log = logging.getLogger(__name__)

CHANNELS = ("toast", "sound", "desktop", "tray")
POPUP_CHANNELS = ("desktop", "tray", "toast")  # the fallback order of a pop-up
CATEGORIES = ("schedule", "system", "user", "financial", "security", "content", "performance")
PRIORITIES = ("low", "normal", "high", "critical")
_DEFAULT_BY_PRIORITY: dict[str, set[str]] = {
    "low": {"toast"},
    "normal": {"toast", "desktop", "tray"},
    "high": {"toast", "desktop", "tray", "sound"},
    "critical": {"toast", "desktop", "tray", "sound"},
}


def prefs_file() -> Path:
    return paths.data_dir() / "notifications.json"


@dataclass
class DeliveryPrefs:
    by_category: dict[str, set[str]] = field(default_factory=lambda: {c: set(CHANNELS) for c in CATEGORIES})
    by_priority: dict[str, set[str]] = field(
        default_factory=lambda: {p: set(v) for p, v in _DEFAULT_BY_PRIORITY.items()})
    volume: float = 0.6
    throttle_per_minute: int = DEFAULT_LIMIT
    quiet: QuietHours = field(default_factory=QuietHours)
    dnd_until: datetime | None = None
    critical_breaks_through: bool = True

    def channels(self, category: str, priority: str) -> set[str]:
        return self.by_category.get(category, set(CHANNELS)) & self.by_priority.get(priority, set(CHANNELS))

    @property
    def gate(self) -> Gate:
        return Gate(self.quiet, self.dnd_until, self.critical_breaks_through)

    def to_json(self) -> dict[str, Any]:
        return {
            "by_category": {k: sorted(v) for k, v in self.by_category.items()},
            "by_priority": {k: sorted(v) for k, v in self.by_priority.items()},
            "volume": self.volume,
            "throttle_per_minute": self.throttle_per_minute,
            "quiet": self.quiet.to_json(),
            "dnd_until": self.dnd_until.isoformat() if self.dnd_until else None,
            "critical_breaks_through": self.critical_breaks_through,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeliveryPrefs:
        p = cls()
        for key, target in (("by_category", p.by_category), ("by_priority", p.by_priority)):
            for k, v in dict(data.get(key, {})).items():
                target[k] = {c for c in v if c in CHANNELS}
        p.volume = min(1.0, max(0.0, float(data.get("volume", p.volume))))
        p.throttle_per_minute = max(1, int(data.get("throttle_per_minute", p.throttle_per_minute)))
        p.quiet = QuietHours.from_json(dict(data.get("quiet", {})))
        dnd = data.get("dnd_until")
        p.dnd_until = datetime.fromisoformat(dnd) if dnd else None
        p.critical_breaks_through = bool(data.get("critical_breaks_through", True))
        return p

    def save(self, path: Path | None = None) -> None:
        path = path or prefs_file()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path | None = None) -> DeliveryPrefs:
        path = path or prefs_file()
        try:
            return cls.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            return cls()
        except (ValueError, TypeError, OSError) as err:
            log.warning("notification settings unreadable (%s); using defaults", err)
            return cls()
