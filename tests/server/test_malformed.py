"""Malformed frames get an answer and leave the connection usable; oversized frames close it."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.server import Clients, session_data


@pytest.mark.parametrize(
    ("text", "re", "words"),
    [
        ("this is not json", None, "not valid JSON"),
        ("[1, 2, 3]", None, "JSON object"),
        ('{"id": "m1", "data": {}}', "m1", "type"),
        ('{"type": "heartbeat", "id": 42}', None, "'id'"),
        ('{"type": "no.such", "id": "m2"}', "m2", "no.such"),
        ('{"type": "heartbeat", "id": "m3", "data": [1]}', "m3", "'data'"),
        ('{"type": "schedule.query", "id": "m4", "data": {"start": 5, "end": "x"}}', "m4", "start"),
        (
            '{"type": "schedule.query", "id": "m5", "data": {"start": "2031-13-45T00:00:00Z", '
            '"end": "2031-01-01T00:00:00Z"}}',
            "m5",
            "start",
        ),
        ('{"type": "session.delete", "id": "m6", "data": {"id": "seven", "version": 1}}', "m6", "id"),
        ('{"type": "session.delete", "id": "m7", "data": {"id": 99999999999999999999, "version": 1}}', "m7",
         "id is out of range"),
        ('{"type": "heartbeat", "id": "\\ud800"}', "\ud800", "id is not valid Unicode"),
        ('{"type": "session.create", "id": "m8", "data": {"notes": "\\udfff"}}', "m8",
         "notes is not valid Unicode"),
    ],
)
async def test_malformed_frames_get_an_error_and_the_connection_stays_open(
    clients: Clients, text: str, re: str | None, words: str
) -> None:
    client = await clients.signed_in("ana")
    await client.send_raw(text)
    frame = await client.recv()
    if re is None:
        assert frame["type"] == "error"
    else:
        assert frame["type"] == "reply" and frame["re"] == re and frame["ok"] is False
    assert frame["error"]["code"] == "invalid"
    assert words in frame["error"]["message"]
    assert "server_time" in await client.ok("heartbeat", {})


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (session_data(trainer_id="1"), "invalid", "trainer_id"),
        (session_data(start="2031-03-03 10:00"), "invalid", "start"),
        (session_data(end="2031-03-03T09:00:00Z"), "invalid", "end must be after start"),
        (session_data(trainer_id=12345), "not_found", "trainer_id"),
        (session_data(status="sleeping"), "invalid", "status"),
        (session_data(allow_overlap="yes"), "invalid", "allow_overlap"),
    ],
)
async def test_bad_session_payloads_are_refused_precisely(
    clients: Clients, data: dict, code: str, words: str
) -> None:
    client = await clients.signed_in("ana")
    err = await client.error("session.create", data)
    assert err["code"] == code and words in err["message"]
    assert (await client.ok("session.create", session_data()))["session"]["version"] == 1


async def test_unknown_session_id_is_not_found(clients: Clients) -> None:
    client = await clients.signed_in("ana")
    err = await client.error("session.delete", {"id": 4_000_000, "version": 1})
    assert err["code"] == "not_found"


async def test_a_frame_over_one_mebibyte_closes_the_connection_with_1009(clients: Clients) -> None:
    client = await clients.signed_in("ana")
    big = json.dumps({"type": "heartbeat", "id": "big", "data": {"pad": "x" * (1024 * 1024)}})
    await client.send_raw(big)
    with pytest.raises(ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_a_frame_just_under_the_limit_is_accepted(clients: Clients) -> None:
    client = await clients.signed_in("ana")
    await client.send_raw(
        json.dumps({"type": "heartbeat", "id": "fat", "data": {"client_time": "x" * 1_000_000}})
    )
    reply = await client.reply_to("fat")
    assert reply["ok"] is True
