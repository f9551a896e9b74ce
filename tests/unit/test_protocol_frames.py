"""Frame decoding: every malformed frame is named precisely."""

from __future__ import annotations

import asyncio

import pytest

from swan_desktop.protocol.errors import ErrorCode
from swan_desktop.protocol.frames import FrameError, decode_request


@pytest.mark.parametrize(
    ("text", "message", "re"),
    [
        ("not json", "not valid JSON", None),
        ("[1, 2]", "must be a JSON object", None),
        ('{"id": "a"}', "no string 'type'", "a"),
        ('{"type": "heartbeat"}', "no 'id'", None),
        ('{"type": "heartbeat", "id": 5}', "'id' must be a string", None),
        ('{"type": "heartbeat", "id": "' + "x" * 65 + '"}', "'id' must be a string", None),
        ('{"type": "heartbeat", "id": "a", "data": [1]}', "'data' must be an object", "a"),
    ],
)
def test_malformed_frames_are_refused_with_a_reason(text: str, message: str, re: str | None) -> None:
    with pytest.raises(FrameError) as caught:
        decode_request(text)
    assert caught.value.code is ErrorCode.INVALID
    assert message in caught.value.message
    assert caught.value.re == re


def test_well_formed_request_decodes() -> None:
    req = decode_request('{"type": "sync", "id": "r1", "data": {}}')
    assert (req.type, req.id, req.data) == ("sync", "r1", {})


async def test_async_tests_run_on_the_qasync_loop() -> None:
    import qasync

    assert isinstance(asyncio.get_running_loop(), qasync.QEventLoop)


def test_frames_nested_deeper_than_the_protocol_needs_are_refused_with_their_id() -> None:
    deep = '{"type": "heartbeat", "id": "d1", "data": {"x": ' + "[" * 40 + "]" * 40 + "}}"
    with pytest.raises(FrameError) as caught:
        decode_request(deep)
    assert "nested deeper than 32 levels" in caught.value.message
    assert caught.value.re == "d1"


def test_frames_too_deep_to_parse_are_refused_without_exhausting_the_stack() -> None:
    with pytest.raises(FrameError, match="nested deeper"):
        decode_request("[" * 100_000 + "]" * 100_000)
