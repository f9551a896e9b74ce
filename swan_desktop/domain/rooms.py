"""Which room a session's room text names.

Sessions name their room by text. Room names are unique with letter case and
surrounding spaces ignored, and a session's text names a room when it equals
the room's name that way ("studio a", " Studio A "). Text that names no room is
a place of the studio's own choosing ("Park") and stays as typed, trimmed.
"""

from __future__ import annotations

from collections.abc import Iterable


def key(text: str) -> str:
    """What room texts (and the directory's names) are matched by: letter case, in any alphabet,
    and surrounding spaces ignored."""
    return text.strip().casefold()


def named(text: str, names: Iterable[str]) -> str | None:
    """The room among ``names`` (in the directory's order) that ``text`` names, or None.

    The one spelled exactly as ``text`` (trimmed) when there is one, else the first
    that equals it with letter case and surrounding spaces ignored.
    """
    wanted = key(text)
    if not wanted:
        return None
    found = [name for name in names if key(name) == wanted]
    if not found:
        return None
    trimmed = text.strip()
    return trimmed if trimmed in found else found[0]


def stored(text: str, names: Iterable[str]) -> str:
    """The room text a session keeps: the name of the room ``text`` names, else ``text`` trimmed."""
    return named(text, names) or text.strip()
