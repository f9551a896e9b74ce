"""Replies bounded in bytes: a query answers a page that fits well inside one frame.

The desktop refuses frames over 1 MiB (``MAX_FRAME_BYTES``), and a reply
made of many large items (500 chat messages of 4,000 characters, an activity
feed of long notes) could exceed it — or, sent to many clients, cost far more
than the request that asked for it. A paged query takes its items newest
first while they fit ``REPLY_BUDGET`` bytes (always at least one) and says
``more: true`` with a ``before`` cursor (the oldest id it returned) when there
are older ones; the client asks again with that ``before``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from ..protocol.frames import MAX_FRAME_BYTES
from .wire import wire_bytes

_encode = msgspec.json.Encoder().encode

#: Bytes of items one reply carries at most (half a frame: the envelope and escapes fit beside it).
REPLY_BUDGET = MAX_FRAME_BYTES // 2


def _size(item: dict[str, Any]) -> int:
    """``item``'s bytes as wire JSON: msgspec's encoder writes the same compact UTF-8 JSON several
    times faster than ``json``; a lone surrogate (which it refuses) is measured as the wire has it."""
    try:
        return len(_encode(item))
    except UnicodeEncodeError:
        return len(wire_bytes(item))


def fitting(items: Sequence[dict[str, Any]], budget: int = REPLY_BUDGET) -> int:
    """How many of the leading ``items`` fit ``budget`` bytes as wire JSON (always at least one)."""
    used = 0
    for count, item in enumerate(items):
        used += _size(item) + 1
        if count and used > budget:
            return count
    return len(items)


def cut(items: list[dict[str, Any]], beyond: bool,
        budget: int = REPLY_BUDGET) -> tuple[list[dict[str, Any]], bool]:
    """The leading ``items`` that fit ``budget`` bytes, and whether more follow them
    (``beyond``: the read stopped at its row limit, so there are rows past ``items``)."""
    kept = fitting(items, budget)
    return items[:kept], beyond or kept < len(items)


def page(items: Sequence[dict[str, Any]], older: bool, budget: int = REPLY_BUDGET) -> dict[str, Any]:
    """The leading ``items`` (newest first, each with an ``id``) that fit ``budget`` bytes.

    ``older``: whether there are older items beyond ``items`` anyway. Returns
    ``{"items": [...], "more": bool, "before": oldest id or None}``.
    """
    kept = list(items[:fitting(items, budget)])
    more = older or len(kept) < len(items)
    return {"items": kept, "more": more, "before": kept[-1]["id"] if more and kept else None}
