"""Every example frame in docs/protocol.md is a complete JSON frame a plain WebSocket client could send
or receive as it stands: no placeholders, no text run into it.

A frame starts on a line of four spaces and ``{"type"``; the lines after it indented by more than four
spaces continue it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
START = '    {"type"'
NOT_REQUESTS = frozenset({"reply", "event", "error"})
ELLIPSIS = "\u2026"


def example_frames(text: str) -> list[tuple[int, str]]:
    """(line number, frame text) of each example frame in ``text``."""
    lines = text.split("\n")
    frames: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith(START):
            i += 1
            continue
        first = i
        i += 1
        while i < len(lines) and lines[i].startswith("     "):
            i += 1
        frames.append((first + 1, "\n".join(lines[first:i])))
    return frames


def with_placeholders(text: str) -> list[int]:
    """Line numbers of the example frames in ``text`` that hold an ellipsis: a value, key or array
    element left out ("…", "… 60 bucket starts"), which no client can send or expect."""
    return [line for line, frame in example_frames(text) if ELLIPSIS in frame]


FRAMES = example_frames(DOC.read_text(encoding="utf-8"))


def test_the_document_has_example_frames() -> None:
    assert len(FRAMES) > 250


def test_the_extraction_joins_continuation_lines_and_stops_at_the_text_after() -> None:
    text = '\n'.join(['Intro:', '    {"type": "sync", "id": "s1",', '     "data": {}}', 'After.',
                      '    {"type": "heartbeat", "id": "h1", "data": {}}'])
    assert example_frames(text) == [(2, '    {"type": "sync", "id": "s1",\n     "data": {}}'),
                                    (5, '    {"type": "heartbeat", "id": "h1", "data": {}}')]


def _parsed(line: int, text: str) -> dict[str, Any]:
    try:
        frame = json.loads(text)
    except json.JSONDecodeError as exc:
        pytest.fail(f"docs/protocol.md line {line}: the example frame is not JSON ({exc}):\n{text}")
    assert isinstance(frame, dict), f"line {line}: not a JSON object"
    return frame


@pytest.mark.parametrize(("line", "text"), FRAMES, ids=[f"line-{line}" for line, _ in FRAMES])
def test_each_example_frame_is_a_complete_json_frame(line: int, text: str) -> None:
    frame = _parsed(line, text)
    assert isinstance(frame.get("type"), str), f"line {line}: no string 'type'"
    if frame["type"] not in NOT_REQUESTS:
        assert isinstance(frame.get("id"), str) and frame["id"], f"line {line}: a request needs a string 'id'"
        assert isinstance(frame.get("data"), dict), f"line {line}: a request needs an object 'data'"


def test_no_example_frame_holds_a_placeholder() -> None:
    found = with_placeholders(DOC.read_text(encoding="utf-8"))
    assert found == [], f"docs/protocol.md: example frames holding a placeholder at lines {found}"


def test_a_placeholder_anywhere_in_a_frame_is_found() -> None:
    e = ELLIPSIS
    text = "\n".join([
        '    {"type": "reply", "re": "c1", "ok": true, "data": {"session": {"id": 87, "version": 1}}}',
        f'    {{"type": "reply", "re": "c2", "ok": true, "data": {{"session": {{"id": 87, "{e}": "{e}"}}}}}}',
        f'    {{"type": "event", "epoch": "{e}", "seq": 1, "kind": "room:deleted",',
        '     "ts": "2031-03-01T09:03:00Z", "actor": null, "data": {"id": 1}}',
        '    {"type": "reply", "re": "m2", "ok": true, "data": {',
        f'        "t": [1795683605, "{e} 60 bucket starts"]}}}}',
        f"Text around frames may say {e} freely.",
    ])
    assert with_placeholders(text) == [2, 3, 5]
