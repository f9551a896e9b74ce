"""Frames to the bytes of a WebSocket text frame: encoded once, valid UTF-8 whatever the strings hold."""

from __future__ import annotations

import json
import struct
from typing import Any

from ..protocol.frames import encode


def stored_json(value: Any) -> str:
    """JSON for a database column, text as UTF-8 rather than ``\\u`` escapes (a 4,000-character
    non-Latin message stays its size); ASCII escapes only where a lone surrogate needs them."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":"))
    return text


def event_bytes(epoch: str, seq: int, kind: str, ts: str, actor: str | None, data: str) -> bytes:
    """An event's wire frame from parts already encoded as JSON for the database (``actor`` and
    ``data`` as stored by :func:`stored_json`), so its data is encoded once: the same JSON as
    ``wire_bytes(event.to_wire())``, keys in the same order."""
    head = json.dumps({"type": "event", "epoch": epoch, "seq": seq, "kind": kind, "ts": ts},
                      separators=(",", ":"), ensure_ascii=False)
    text = f'{head[:-1]},"actor":{actor or "null"},"data":{data}}}'
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate in the kind: escape it as wire_bytes would
        return json.dumps(json.loads(text), separators=(",", ":")).encode("ascii")


def wire_bytes(frame: dict[str, Any]) -> bytes:
    """``frame`` as compact UTF-8 JSON.

    A string may hold a lone surrogate (JSON allows ``"\\ud800"``, and a client
    may send one back to us as a request id); such a frame is written with
    ASCII escapes instead, so it is still valid UTF-8 and still the same JSON.
    """
    try:
        return encode(frame).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(frame, separators=(",", ":"), ensure_ascii=True).encode("ascii")


_TEXT_FIN = 0x81  # FIN, opcode 1 (text)


def text_frame(payload: bytes) -> bytes:
    """``payload`` as one unmasked, uncompressed WebSocket text frame (RFC 6455 §5.2) — the bytes a
    server writes for it on a connection without extensions, the same for every such connection."""
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", _TEXT_FIN, length)
    elif length < 65536:
        head = struct.pack("!BBH", _TEXT_FIN, 126, length)
    else:
        head = struct.pack("!BBQ", _TEXT_FIN, 127, length)
    return head + payload
