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
