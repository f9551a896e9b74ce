"""Fuzzing the frame handling: whatever an authenticated admin sends, the server answers once and keeps going.

Random JSON, non-JSON text, binary frames, deep nesting, and valid requests
mutated (fields deleted, types swapped, huge numbers, unicode, wrapping) go
to one real server for the whole module. After every frame a heartbeat must
still be answered on the same connection, the frame must have had exactly one
answer (a ``reply`` to its id when it had a usable id, else an ``error``
frame), and the stored state must be unchanged: every mutation the generator
makes carries an unknown field, so it is always refused before it can write.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from swan_desktop.protocol.frames import MAX_ID_LEN
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.limits import Limits
from swan_desktop.server.store import Store
from tests.support.server import PASSWORDS, WAIT, session_data, start_server

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large
    ],
)
MUTATING = ("session.create", "session.update", "session.delete")
#: A field no request knows: with it, every mutation is refused before it writes.
POISON = "zz_fuzz_unknown_field"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory, db_engine: str) -> Iterator[EmbeddedServer]:
    """One server for every example, made once per engine (it takes ``db_engine``)."""
    server = start_server(tmp_path_factory.mktemp("fuzz") / "fuzz.db", limits=Limits(rate=0))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def admin(fuzz_server: EmbeddedServer) -> Iterator[ClientConnection]:
    with connect(fuzz_server.url, open_timeout=WAIT, close_timeout=2, max_size=None) as ws:
        login = {"username": "boss", "password": PASSWORDS["boss"]}
        ws.send(json.dumps({"type": "authenticate", "id": "login", "data": login}))
        assert json.loads(ws.recv(WAIT))["ok"] is True
        yield ws


def _stored_state(server: EmbeddedServer) -> tuple[int, int]:
    store = server.server.store
    return store.submit(Store.count, "sessions"), store.submit(Store.head_seq)


#: The answer may be an error frame or a reply: the test could not parse the frame
#: (too deep for its own, deeper, stack) but the server's shallower stack may.
EITHER = "\x00either"


def _expected_reply_id(payload: str | bytes) -> str | None:
    """The id the answer must carry, None when it must be an ``error`` frame, or EITHER."""
    if isinstance(payload, bytes):
        return None
    try:
        obj = json.loads(payload)
    except RecursionError:
        return EITHER
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    rid = obj.get("id")
    return rid if isinstance(rid, str) and 1 <= len(rid) <= MAX_ID_LEN else None


def _send_and_check(server: EmbeddedServer, ws: ClientConnection, payload: str | bytes) -> None:
    before = _stored_state(server)
    ws.send(payload)
    probe = f"probe-{uuid.uuid4()}"
    ws.send(json.dumps({"type": "heartbeat", "id": probe, "data": {}}))
    answers: list[dict[str, Any]] = []
    while True:
        frame = json.loads(ws.recv(WAIT))
        if frame.get("type") == "event":
            continue
        if frame.get("re") == probe:
            assert frame["ok"] is True, frame  # still open, still signed in
            break
        answers.append(frame)
    assert len(answers) == 1, answers
    (answer,) = answers
    rid = _expected_reply_id(payload)
    if rid == EITHER:
        assert answer["type"] in ("error", "reply"), answer
        assert answer.get("ok") is not True, answer  # nested that deep, it is refused either way
    elif rid is None:
        assert answer["type"] == "error", answer
    else:
        assert answer["type"] == "reply" and answer["re"] == rid, answer
    if answer.get("ok") is not True:
        assert answer["error"]["code"] != "internal", answer  # bad input is the client's error, not ours
        assert isinstance(answer["error"]["message"], str)
    assert _stored_state(server) == before


# -- strategies ----------------------------------------------------------------------

utf8_text = st.text(st.characters(codec="utf-8"), max_size=40)
#: Lone surrogates: valid in JSON text (as escapes), not encodable as UTF-8.
surrogates = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
huge_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63, -(2**63) - 1, 10**300, -(10**300)]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), huge_numbers, st.text(max_size=40))  # may hold surrogates
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def deep_nesting(draw: st.DrawFn) -> str:
    depth = draw(st.integers(min_value=1, max_value=60_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    nest = opener * depth + "0" + closer * depth
    if draw(st.booleans()):
        return '{"type": "heartbeat", "id": "deep", "data": {"client_time": ' + nest + "}}"
    return nest


garbage = st.one_of(
    json_values.map(json.dumps),
    utf8_text,
    st.binary(max_size=200),
    deep_nesting(),
    st.sampled_from(["", " ", "{", "}", "null", '{"type":', "\ufeff{}", '{"type":"heartbeat","id":"x"'] ),
)


def _templates() -> list[dict[str, Any]]:
    return [
        {"type": "heartbeat", "id": "t-hb", "data": {"client_time": "2031-01-01T00:00:00Z"}},
        {"type": "directory.query", "id": "t-dir", "data": {}},
        {"type": "schedule.query", "id": "t-q",
         "data": {"start": "2031-03-02T00:00:00Z", "end": "2031-03-09T00:00:00Z", "trainer_id": 1}},
        {"type": "sync", "id": "t-sync", "data": {"since": {"epoch": "no-such-epoch", "seq": 0}}},
        {"type": "authenticate", "id": "t-auth", "data": {"username": "boss", "password": "not-it"}},
        {"type": "session.create", "id": "t-create", "data": session_data()},
        {"type": "session.update", "id": "t-update",
         "data": {"id": 1, "version": 1, "changes": {"notes": "fuzz", "status": "confirmed"}}},
        {"type": "session.delete", "id": "t-delete", "data": {"id": 1, "version": 1}},
    ]  # fmt: skip


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into nested dicts and lists (not the root)."""
    out: list[tuple[Any, ...]] = []
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in items:
        if key == POISON:
            continue
        out.append((*prefix, key))
        out.extend(_paths(value, (*prefix, key)))
    return out


def _parent(obj: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        obj = obj[key]
    return obj


@st.composite
def mutated_requests(draw: st.DrawFn) -> str:
    frame = draw(st.sampled_from(_templates()))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(frame)
        action = draw(st.sampled_from(["delete", "swap", "huge", "unicode", "wrap", "add", "retype", "reid"]))
        if action in ("delete", "swap", "huge", "unicode", "wrap") and paths:
            path = draw(st.sampled_from(paths))
            parent = _parent(frame, path)
            if action == "delete":
                del parent[path[-1]]
            elif action == "swap":
                parent[path[-1]] = draw(json_values)
            elif action == "huge":
                parent[path[-1]] = draw(huge_numbers)
            elif action == "unicode":
                parent[path[-1]] = draw(st.text(min_size=1, max_size=80))
            else:
                parent[path[-1]] = {"wrapped": [parent[path[-1]]]}
        elif action == "add":
            frame[draw(st.text(max_size=12))] = draw(json_values)
        elif action == "retype":
            frame["type"] = draw(st.one_of(st.sampled_from([t["type"] for t in _templates()]), utf8_text))
        elif action == "reid":
            frame["id"] = draw(st.one_of(
                utf8_text, surrogates, st.text(min_size=60, max_size=70), json_values
            ))  # fmt: skip
    if frame.get("type") in MUTATING and isinstance(frame.get("data"), dict):
        frame["data"][POISON] = 0  # refused as an unknown field before anything is written
    return json.dumps(frame)


# -- the tests -------------------------------------------------------------------------


@FUZZ
@given(payload=garbage)
def test_garbage_frames_get_exactly_one_answer_and_the_connection_stays_usable(
    fuzz_server: EmbeddedServer, admin: ClientConnection, payload: str | bytes
) -> None:
    _send_and_check(fuzz_server, admin, payload)


@FUZZ
@given(payload=mutated_requests())
def test_mutated_requests_get_exactly_one_answer_and_change_nothing_stored(
    fuzz_server: EmbeddedServer, admin: ClientConnection, payload: str
) -> None:
    _send_and_check(fuzz_server, admin, payload)


def test_the_fuzzed_server_is_still_healthy_and_its_schedule_untouched(fuzz_server: EmbeddedServer) -> None:
    sessions, head = _stored_state(fuzz_server)
    assert head == 0  # no event was ever written
    assert sessions > 0  # the demo studio is still there
