"""Whether a trainer or session-type colour can carry a session block's text.

A colour is usable when white or the schedule's dark block text reaches the
WCAG AA ratio (4.5:1) on it — the rule the server applies to ``color`` and
the colour pickers show as you choose. Pure functions over ``#rrggbb``.
"""

from __future__ import annotations

import re

#: The two texts a session block can carry (the desktop's LIGHT_TEXT and DARK_TEXT).
WHITE_TEXT = "#ffffff"
DARK_TEXT = "#1f2a33"
AA = 4.5

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_hex_color(value: str) -> bool:
    return bool(_HEX.match(value))


def _channel(v: int) -> float:
    c = v / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def best_text(color: str) -> tuple[str, float]:
    """The block text that reads best on ``color`` and its ratio."""
    white, dark = ratio(WHITE_TEXT, color), ratio(DARK_TEXT, color)
    return (WHITE_TEXT, white) if white >= dark else (DARK_TEXT, dark)


def readable(color: str) -> tuple[str, float] | None:
    """The best block text on ``color`` when it reaches 4.5:1; None when neither does."""
    if not is_hex_color(color):
        return None
    text, value = best_text(color)
    return (text, value) if value >= AA else None
