"""The studio's cancellation rule, said in words before a place is given up.

A cancellation before the window (``cancellation_window_h`` hours before the
start, 24 unless the studio set another) gives the credit back through the
ledger; a later one does not. The server applies the rule; this only says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_WINDOW_H = 24.0


def window_hours(settings: dict[str, str]) -> float:
    try:
        return float(settings.get("cancellation_window_h") or DEFAULT_WINDOW_H)
    except ValueError:
        return DEFAULT_WINDOW_H


@dataclass(frozen=True)
class CancellationRule:
    refunded: bool
    text: str


def _hours(h: float) -> str:
    return f"{h:g} hour" + ("" if h == 1 else "s")


def rule_for(start: datetime, now: datetime, window_h: float, credits: int = 1) -> CancellationRule:
    """What cancelling a place in a session starting at ``start`` does to the client's credit."""
    what = "the credit goes" if credits == 1 else f"the {credits} credits go"
    if start - now > timedelta(hours=window_h):
        return CancellationRule(True, f"Cancelled more than {_hours(window_h)} before the start: "
                                      f"{what} back to the client.")
    return CancellationRule(False, f"Late cancellation (less than {_hours(window_h)} before the start): "
                                   f"{what.replace(' goes', ' is').replace(' go', ' are')} not given back.")
