"""Release versions as the desktop and the server compare them: ``0.1.0`` < ``0.1.10`` < ``0.2``."""

from __future__ import annotations

import re

_NUMBERS = re.compile(r"^(\d+(?:\.\d+){0,3})(?:[-+.].*)?$")


def version_key(text: str) -> tuple[int, ...]:
    """``"1.2.3"`` → ``(1, 2, 3, 0)``; anything after the numbers (``-beta``, ``+build``) is ignored.

    Raises ``ValueError`` for text that does not start with a dotted version.
    """
    match = _NUMBERS.match(text.strip())
    if match is None:
        raise ValueError(f"not a version: {text!r} (expected numbers such as 0.2.0)")
    parts = [int(p) for p in match.group(1).split(".")]
    return tuple(parts + [0] * (4 - len(parts)))
