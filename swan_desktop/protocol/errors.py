"""Error codes of the wire protocol and the exception that carries one."""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    INVALID = "invalid"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    LOCKED = "locked"
    RATE_LIMITED = "rate_limited"
    TOO_LARGE = "too_large"
    INTERNAL = "internal"


class ProtocolError(Exception):
    """A request failed with an error code the peer can act on."""

    def __init__(self, code: ErrorCode, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_wire(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code.value, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err

    @classmethod
    def from_wire(cls, err: Any) -> ProtocolError:
        if not isinstance(err, dict):
            return cls(ErrorCode.INTERNAL, f"malformed error: {err!r}")
        try:
            code = ErrorCode(str(err.get("code")))
        except ValueError:
            code = ErrorCode.INTERNAL
        data = err.get("data")
        return cls(code, str(err.get("message", "")), data if isinstance(data, dict) else None)

    def __repr__(self) -> str:
        return f"ProtocolError({self.code.value!r}, {self.message!r})"


def invalid(message: str, **data: Any) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID, message, data or None)


def not_found(message: str, **data: Any) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, message, data or None)
