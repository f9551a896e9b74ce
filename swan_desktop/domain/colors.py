"""Colours a trainer or session type may have: text on their blocks must read (WCAG AA).

The same rule as the desktop's blocks (``qt/style.py``): a block's text is
white or the dark block text, whichever reads better on the fill, so a colour
is usable when one of the two reaches :data:`MIN_CONTRAST` against it.
"""

from __future__ import annotations

import re

#: WCAG AA for normal text.
MIN_CONTRAST = 4.5
WHITE_TEXT = "#ffffff"
#: The dark text the desktop draws on light blocks (``qt/style.py`` ``DARK_TEXT``).
DARK_TEXT = "#1f2a33"
#: Defaults that read with white text.
DEFAULT_TRAINER_COLOR = "#455a64"
DEFAULT_TYPE_COLOR = "#2f6690"

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def is_hex(color: str) -> bool:
    return _HEX.fullmatch(color) is not None


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def best_text_contrast(fill: str) -> float:
    """How well the better of white and the dark block text reads on ``fill``."""
    return max(contrast(WHITE_TEXT, fill), contrast(DARK_TEXT, fill))


def refusal(color: str) -> str | None:
    """Why ``color`` cannot be a trainer's or a session type's colour (None when it can)."""
    if not is_hex(color):
        return "color must be #rrggbb (six hex digits)"
    best = best_text_contrast(color)
    if best < MIN_CONTRAST:
        return (f"text would not read on {color}: neither white nor dark text reaches "
                f"{MIN_CONTRAST:g}:1 (best {best:.2f}:1); pick a darker or a lighter colour")
    return None
