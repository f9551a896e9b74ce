"""Frame encoding and decoding: requests, replies, events and error frames."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import ErrorCode, ProtocolError

MAX_FRAME_BYTES = 1024 * 1024
DEFAULT_PORT = 8765
MAX_ID_LEN = 64
#: Deepest nesting of objects and arrays a frame may have (the protocol needs a handful).
MAX_DEPTH = 32

# Core request types (PROTOCOL.md); extensions are listed in docs/protocol.md.
AUTHENTICATE = "authenticate"
SYNC = "sync"
HEARTBEAT = "heartbeat"
DIRECTORY_QUERY = "directory.query"
#: The directory's clients after the first page (a studio with more clients than fit one reply).
DIRECTORY_CLIENTS = "directory.clients"
SCHEDULE_QUERY = "schedule.query"
SESSION_CREATE = "session.create"
SESSION_UPDATE = "session.update"
SESSION_DELETE = "session.delete"
LOGOUT = "auth.logout"

REQUEST_TYPES = frozenset({
    AUTHENTICATE, SYNC, HEARTBEAT, DIRECTORY_QUERY, SCHEDULE_QUERY,
    SESSION_CREATE, SESSION_UPDATE, SESSION_DELETE,
})


@dataclass(frozen=True, slots=True)
class Request:
    type: str
    id: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    epoch: str
    seq: int
    kind: str
    ts: str
    actor: dict[str, Any] | None
    data: dict[str, Any]

    def to_wire(self) -> dict[str, Any]:
        return {"type": "event", "epoch": self.epoch, "seq": self.seq, "kind": self.kind,
                "ts": self.ts, "actor": self.actor, "data": self.data}

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Event:
        return cls(str(d["epoch"]), int(d["seq"]), str(d["kind"]), str(d.get("ts", "")),
                   d.get("actor"), d.get("data") or {})


class FrameError(ProtocolError):
    """A frame could not be turned into a request; ``re`` is its id when usable."""

    def __init__(self, code: ErrorCode, message: str, re: str | None = None) -> None:
        super().__init__(code, message)
        self.re = re


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def _depth(value: object) -> int:
    """How deeply ``value`` nests (iteratively: no frame can exhaust the stack here)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item)
    return deepest


def _usable_id(value: object) -> str | None:
    if isinstance(value, str) and 1 <= len(value) <= MAX_ID_LEN:
        return value
    return None


def decode_request(text: str | bytes) -> Request:
    """Decode one client frame, or raise :class:`FrameError` saying what is wrong.

    Whether ``type`` names a known request is the dispatcher's question.
    """
    if isinstance(text, bytes):
        raise FrameError(ErrorCode.INVALID, "binary frames are not accepted; send UTF-8 JSON text")
    try:
        obj = json.loads(text)
    except ValueError:
        raise FrameError(ErrorCode.INVALID, "frame is not valid JSON") from None
    except RecursionError:
        raise FrameError(ErrorCode.INVALID, f"frame is nested deeper than {MAX_DEPTH} levels") from None
    if not isinstance(obj, dict):
        raise FrameError(ErrorCode.INVALID, "frame must be a JSON object")
    if _depth(obj) > MAX_DEPTH:
        rid = _usable_id(obj.get("id"))
        raise FrameError(ErrorCode.INVALID, f"frame is nested deeper than {MAX_DEPTH} levels", rid)
    rid = _usable_id(obj.get("id"))
    ftype = obj.get("type")
    if not isinstance(ftype, str) or not ftype:
        raise FrameError(ErrorCode.INVALID, "frame has no string 'type'", rid)
    if "id" not in obj:
        raise FrameError(ErrorCode.INVALID, "request has no 'id'", None)
    if rid is None:
        raise FrameError(ErrorCode.INVALID, "'id' must be a string of 1 to 64 characters", None)
    data = obj.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrameError(ErrorCode.INVALID, "'data' must be an object", rid)
    return Request(ftype, rid, data)


def reply_ok(re: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "reply", "re": re, "ok": True, "data": data}


def reply_error(re: str, error: ProtocolError) -> dict[str, Any]:
    return {"type": "reply", "re": re, "ok": False, "error": error.to_wire()}


def error_frame(error: ProtocolError) -> dict[str, Any]:
    return {"type": "error", "error": error.to_wire()}
