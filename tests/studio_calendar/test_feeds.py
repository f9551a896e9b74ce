"""Per-trainer ICS feeds over HTTP: the calendar holds the trainer's sessions; a wrong or revoked
token gets a bare 404; only an admin or the trainer themself manages a feed."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import icalendar

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.support.server import Clients, session_data


def _get(server: EmbeddedServer, path: str) -> tuple[int, bytes]:
    url = server.url.replace("ws://", "http://").rstrip("/") + path
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


async def test_a_feed_holds_the_trainers_sessions_and_stops_when_revoked(
        server: EmbeddedServer, clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    soon = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0) + timedelta(days=10)
    made = (await boss.ok("session.create", session_data(
        start=format_ts(soon), end=format_ts(soon + timedelta(hours=1)), location="Rooftop",
        allow_overlap=True)))["session"]  # the demo schedule is busy near now; clashes are not under test
    feed = (await boss.ok("feed.create", {"trainer_id": 1}))["feed"]
    status, body = await asyncio.to_thread(_get, server, feed["path"])
    assert status == 200
    cal = icalendar.Calendar.from_ical(body)
    uids = {str(ev["uid"]) for ev in cal.walk("VEVENT")}
    assert f"session-{made['id']}@swan-desktop" in uids
    others = server.server.store.submit(Store.sessions_overlapping, soon - timedelta(days=30),
                                        soon + timedelta(days=30), 2)
    assert others
    assert not {f"session-{s.id}@swan-desktop" for s in others} & uids  # another trainer's are not there
    await boss.ok("feed.revoke", {"id": feed["id"]})
    status, body = await asyncio.to_thread(_get, server, feed["path"])
    assert (status, body) == (404, b"not found\n")


async def test_a_wrong_token_is_refused_like_any_unknown_path(
        server: EmbeddedServer, clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    feed = (await boss.ok("feed.create", {"trainer_id": 1}))["feed"]
    token = feed["path"][len("/ics/"):-len(".ics")]
    assert len(token) >= 43
    wrong = "/ics/" + token[:-1] + ("A" if token[-1] != "A" else "B") + ".ics"
    assert await asyncio.to_thread(_get, server, wrong) == (404, b"not found\n")
    assert await asyncio.to_thread(_get, server, "/ics/short.ics") == (404, b"not found\n")


async def test_the_token_is_stored_only_hashed(server: EmbeddedServer, clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    feed = (await boss.ok("feed.create", {"trainer_id": 1}))["feed"]
    token = feed["path"][len("/ics/"):-len(".ics")]
    await asyncio.to_thread(server.stop)
    assert token.encode() not in server.server.db_path.read_bytes()
    wal = server.server.db_path.with_name(server.server.db_path.name + "-wal")
    assert not wal.exists() or token.encode() not in wal.read_bytes()


async def test_a_trainer_may_not_make_another_trainers_feed(clients: Clients) -> None:
    ana = await clients.signed_in("ana")
    error = await ana.error("feed.create", {"trainer_id": 1})
    assert error["code"] == "forbidden"
    assert (await ana.ok("feed.list"))["feeds"] == []



def _get_with(server: EmbeddedServer, path: str,
              headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    url = server.url.replace("ws://", "http://").rstrip("/") + path
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


async def test_a_feed_is_validated_and_answers_304_while_unchanged(
        server: EmbeddedServer, clients: Clients) -> None:
    boss = await clients.signed_in("boss")
    soon = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0) + timedelta(days=10)
    made = (await boss.ok("session.create", session_data(
        start=format_ts(soon), end=format_ts(soon + timedelta(hours=1)), allow_overlap=True)))["session"]
    path = (await boss.ok("feed.create", {"trainer_id": 1}))["feed"]["path"]
    status, headers, body = await asyncio.to_thread(_get_with, server, path, {})
    assert status == 200 and headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in body and b"X-PUBLISHED-TTL:PT15M\r\n" in body
    # Nothing changed: the same bytes (each DTSTAMP is the session's last change), and 304s.
    assert (await asyncio.to_thread(_get_with, server, path, {}))[2] == body
    for asked in ({"If-None-Match": etag}, {"If-None-Match": f'"other", {etag}'},
                  {"If-Modified-Since": modified}):
        status, again, empty = await asyncio.to_thread(_get_with, server, path, asked)
        assert (status, empty, again["ETag"]) == (304, b"", etag)
    mine = next(ev for ev in icalendar.Calendar.from_ical(body).walk("VEVENT")
                if str(ev["UID"]) == f"session-{made['id']}@swan-desktop")
    assert format_ts(mine.decoded("DTSTAMP")) == made["updated_at"]

    changed = (await boss.ok("session.update", {"id": made["id"], "version": made["version"],
                                                "changes": {"notes": "moved room"}}))["session"]
    status, headers, body = await asyncio.to_thread(_get_with, server, path, {"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    mine = next(ev for ev in icalendar.Calendar.from_ical(body).walk("VEVENT")
                if str(ev["UID"]) == f"session-{made['id']}@swan-desktop")
    assert format_ts(mine.decoded("DTSTAMP")) == changed["updated_at"]


async def test_attack_feeds_made_in_a_loop_are_refused_and_feed_list_stays_short(
        clients: Clients, monkeypatch) -> None:
    """Each feed is a live secret address to the trainer's schedule, and ``feed.list`` showed every
    one ever made: a loop of ``feed.create`` (and ``feed.revoke``) grew both without end. A trainer
    has at most ``MAX_ACTIVE`` active feeds; the list shows them and the newest revoked ones
    (``REVOKED_LISTED``, lowered to 2 here)."""
    from swan_desktop.server.calendar import feeds

    monkeypatch.setattr(feeds, "REVOKED_LISTED", 2)
    boss = await clients.signed_in("boss")
    made = [(await boss.ok("feed.create", {"trainer_id": 1}))["feed"]["id"] for _ in range(feeds.MAX_ACTIVE)]
    error = await boss.error("feed.create", {"trainer_id": 1})
    assert error["code"] == "invalid" and error["data"]["field"] == "trainer_id"
    assert f"{feeds.MAX_ACTIVE} active feeds" in error["message"]
    for feed_id in made[:3]:
        await boss.ok("feed.revoke", {"id": feed_id})
    listed = (await boss.ok("feed.list"))["feeds"]
    assert [f["id"] for f in listed] == made[1:], "every active one and the two newest revoked"
    assert (await boss.ok("feed.create", {"trainer_id": 1}))["feed"]["revoked_at"] is None
