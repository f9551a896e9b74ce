"""``client.erase``: an archived client with nothing ahead is erased on request, and afterwards no
table the server keeps holds any of their personal data (every text column of every table is
read), while their sessions and credits stay, under "Erased client #ID"; refusals in words; admins
only; other desktops hear it at once."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, select

from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.clients.emails import NOT_SENT
from swan_desktop.server.clients.records import ERASED
from swan_desktop.server.clients.tables import client_emails
from swan_desktop.server.notifications import SmtpConfig
from swan_desktop.server.store import Store
from swan_desktop.server.tables import metadata
from tests.support.answered import handled
from tests.support.mail import AnyPortController, RefusingMailbox
from tests.support.outbox import flush_outbox
from tests.support.poll import until, until_answered
from tests.support.reading import reading_connection_held
from tests.support.server import Clients, WsClient, start_notifications_server

#: What the client told the studio, each unlike anything else in the database.
FIRST_NAME = "Zephyrine Q."
PERSONAL: dict[str, Any] = {
    "name": "Zephyrine Quillfeather", "email": "zephyrine.q@example.org", "phone": "+351 955 123 987",
    "birthday": "1987-06-05", "emergency_contact": "Bartholomew Quillfeather +351 955 000 111",
    "notes": "asthma; prefers the north room", "tags": ["quillfeather-tag"]}
TRACES: tuple[str, ...] = (
    FIRST_NAME, "Zephyrine", "Quillfeather", PERSONAL["email"], PERSONAL["phone"], "1987-06-05",
    "955 000 111", "asthma", "quillfeather-tag")


def _at(hours: float) -> str:
    return format_ts(datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(hours=hours))


async def _client_with_history(boss: WsClient) -> tuple[int, list[int]]:
    """A client under two spellings of their name, with a past session, a cancelled one ahead,
    a package, an email queued to them, and activity and notices about their sessions."""
    client = (await boss.ok("client.create", {"name": FIRST_NAME, "email": PERSONAL["email"],
                                              "consent": {"reminders": True}}))["client"]
    cid = int(client["id"])
    fields = {k: v for k, v in PERSONAL.items() if k != "email"}
    await boss.ok("client.update", {"id": cid, "changes": fields})
    past = (await boss.ok("session.create", {"start": _at(-50), "end": _at(-49), "trainer_id": 1,
                                             "client_id": cid, "allow_overlap": True}))["session"]
    await boss.ok("session.update", {"id": past["id"], "version": past["version"],
                                     "changes": {"start": _at(-48), "end": _at(-47)}})
    ahead = (await boss.ok("session.create", {"start": _at(30), "end": _at(31), "trainer_id": 1,
                                              "client_id": cid, "allow_overlap": True}))["session"]
    # a place in another client's group class, two days ago
    group = (await boss.ok("session_type.create", {"name": "Trio class", "capacity": 3}))["session_type"]
    other = (await boss.ok("client.create", {"name": "Olga Other"}))["client"]
    klass = (await boss.ok("session.create", {"start": _at(-40), "end": _at(-39), "trainer_id": 2,
                                              "client_id": other["id"], "session_type_id": group["id"],
                                              "allow_overlap": True}))["session"]
    await boss.ok("booking.add", {"session_id": klass["id"], "client_id": cid})
    # waiting for a place in a full session ahead (not one of theirs)
    full = (await boss.ok("session.create", {"start": _at(20), "end": _at(21), "trainer_id": 2,
                                             "client_id": other["id"], "allow_overlap": True}))["session"]
    await boss.ok("waitlist.join", {"session_id": full["id"], "client_id": cid})
    package = (await boss.ok("package.create", {"name": "Five sessions", "credits": 5, "price_cents": 20000,
                                                "validity_days": 90}))["package"]
    await boss.ok("package.sell", {"client_id": cid, "package_id": package["id"]})
    return cid, [int(past["id"]), int(ahead["id"]), int(klass["id"])]


def _traces(store: Store) -> list[tuple[str, str, str]]:
    """Every (table, column, value) in the database that holds one of the client's details."""
    found = []
    for table in metadata.sorted_tables:
        text_columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not text_columns:
            continue
        for row in store.db.execute(select(*text_columns)).all():
            for column, value in zip(text_columns, row, strict=True):
                if isinstance(value, str) and any(t in value for t in TRACES):
                    found.append((table.name, column.name, value[:1200]))
    return found


async def test_an_erased_client_leaves_no_personal_data_anywhere_and_their_history_adds_up(
        tmp_path: Path) -> None:
    server = start_notifications_server(tmp_path / "studio.sqlite3")
    mailbox = AnyPortController(RefusingMailbox(), hostname="127.0.0.1", port=0)
    mailbox.start()
    pool = Clients(server)
    try:
        boss, vic = await pool.signed_in("boss"), await pool.signed_in("vic")
        server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", mailbox.port, "none",
                                                             retry_delays=())
        cid, (past, ahead, klass) = await _client_with_history(boss)

        async def refused_naming_the_address() -> bool:
            """The booking confirmations (queued as the bookings commit) sent, and refused with
            the mail server's words, which name the address."""
            await flush_outbox(server)
            details = server.server.store.submit(
                lambda store: store.db.execute(select(client_emails.c.detail)).scalars().all())
            return any(PERSONAL["email"] in d for d in details)

        await until_answered(refused_naming_the_address, what="a confirmation refused by the mail server")
        assert server.server.store.submit(_traces), "the details are there to erase"

        refused = await boss.error("client.erase", {"id": cid, "name": PERSONAL["name"]})
        assert (refused["code"], refused["data"]["reason"]) == ("conflict", "not-archived")
        await boss.ok("client.update", {"id": cid, "changes": {"archived": True}})
        refused = await boss.error("client.erase", {"id": cid, "name": PERSONAL["name"]})
        assert (refused["code"], refused["data"]) == ("conflict", {"reason": "sessions-ahead", "sessions": 1})
        await boss.ok("session.update", {"id": ahead, "version": 1, "changes": {"status": "cancelled"}})
        wrong = await boss.error("client.erase", {"id": cid, "name": FIRST_NAME})
        assert (wrong["code"], wrong["data"]["field"]) == ("invalid", "name")

        reply = await boss.ok("client.erase", {"id": cid, "name": PERSONAL["name"]})
        erased = reply["client"]
        assert erased["name"] == f"Erased client #{cid}" and reply["sessions"] == 3
        personal = ("email", "phone", "birthday", "emergency_contact", "notes", "tags")
        assert {k: erased[k] for k in personal} == {
            "email": "", "phone": "", "birthday": None, "emergency_contact": "", "notes": "", "tags": []}
        assert erased["archived"] is True and erased["consent"] == {"reminders": False, "marketing": False}
        event = await vic.event_of("client:erased")
        assert event["data"] == {"client": erased, "sessions": sorted([past, ahead, klass])}
        waiting = await vic.event_of("waitlist:changed")
        assert waiting["data"]["waitlist"] == [], "their place on a waitlist goes"
        listed = await boss.ok("waitlist.get", {"session_id": waiting["data"]["session_id"]})
        assert listed["waitlist"] == []

        left = server.server.store.submit(_traces)
        assert left == [], "\n".join(map(str, left))
        addresses = server.server.store.submit(
            lambda store: store.db.execute(select(client_emails.c.to_addr)).scalars().all())
        assert addresses and set(addresses) == {""}, "the emails stay listed, to nobody"
        # what the studio must keep is kept, under the new name
        card = (await boss.ok("client.get", {"id": cid}))
        assert card["client"]["balance"] == 5
        shown = {s["id"]: s for s in (await boss.ok("schedule.query", {
            "start": _at(-72), "end": _at(72)}))["sessions"]}
        assert {shown[past]["client_name"], shown[ahead]["client_name"]} == {f"Erased client #{cid}"}
        assert {c["client_id"]: c["name"] for c in shown[klass]["clients"]} == {
            shown[klass]["client_id"]: "Olga Other", cid: f"Erased client #{cid}"}
        assert (await boss.ok("client.search", {"q": "Zephyrine", "include_archived": True}))["clients"] == []

        again = await boss.error("client.update", {"id": cid, "changes": {"name": "Zephyrine"}})
        assert (again["code"], again["data"]["reason"]) == ("conflict", "erased")
        twice = await boss.error("client.erase", {"id": cid, "name": erased["name"]})
        assert (twice["code"], twice["data"]["reason"]) == ("conflict", "erased")
    finally:
        await pool.close()
        server.stop()
        mailbox.stop()


class HeldMailbox(RefusingMailbox):
    """Refuses every recipient too, but only once the test lets it: until then the email is in
    flight."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()
        self.recipients: list[str] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        self.recipients.append(address)
        self.reached.set()
        await asyncio.get_running_loop().run_in_executor(None, self.released.wait, 30)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


async def test_an_email_in_flight_when_its_client_is_erased_is_recorded_without_the_address(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The confirmation is with the mail server when the client is erased; its refusal (which
    quotes the address) is written after the erasure, without the address. The reminder claimed
    with it and the cancellation queued meanwhile are never sent."""
    server = start_notifications_server(tmp_path / "studio.sqlite3")
    held = HeldMailbox()
    mailbox = AnyPortController(held, hostname="127.0.0.1", port=0)
    mailbox.start()
    pool = Clients(server)

    def emails() -> dict[str, tuple[str, str, str]]:
        rows = server.server.store.submit(lambda store: store.db.execute(
            select(client_emails.c.kind, client_emails.c.status, client_emails.c.to_addr,
                   client_emails.c.detail)).all())
        return {r.kind: (r.status, r.to_addr, r.detail) for r in rows}

    try:
        boss = await pool.signed_in("boss")
        server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", mailbox.port, "none",
                                                             retry_delays=())
        client = (await boss.ok("client.create", {**PERSONAL, "consent": {"reminders": True}}))["client"]
        span = {"start": _at(5), "end": _at(6), "trainer_id": 1, "allow_overlap": True}
        session = (await boss.ok("session.create", {**span, "client_id": client["id"]}))["session"]
        await until(held.reached.is_set, what="the confirmation with the mail server")
        assert emails()["confirmation"][0] == emails()["reminder"][0] == "sending"

        await boss.ok("session.update", {"id": session["id"], "version": session["version"],
                                         "changes": {"status": "cancelled"}})
        assert emails()["cancellation"][0] == "pending"
        await boss.ok("client.update", {"id": client["id"], "changes": {"archived": True}})
        await boss.ok("client.erase", {"id": client["id"], "name": PERSONAL["name"]})
        held.released.set()

        async def answered() -> bool:
            return emails()["confirmation"][0] == "failed"

        await until_answered(answered, what="the mail server's refusal written")
        await flush_outbox(server)
        status, to, detail = emails()["confirmation"]
        assert status == "failed" and to == "" and ERASED in detail, detail
        assert detail.startswith("the mail server refused the address: 550 5.1.1 <[erased]>"), detail
        assert PERSONAL["email"] not in detail
        assert emails()["reminder"] == ("dropped", "", NOT_SENT), "claimed with it, not sent after"
        assert emails()["cancellation"] == ("dropped", "", NOT_SENT)
        assert held.recipients == [PERSONAL["email"]], "nothing else was sent"
        assert server.server.store.submit(_traces) == []
        assert "550 5.1.1 <<recipient>>" in caplog.text and PERSONAL["email"] not in caplog.text, \
            "nor in the server's log, which erasing cannot reach"
    finally:
        held.released.set()
        await pool.close()
        server.stop()
        mailbox.stop()


async def test_attack_a_trainer_cannot_erase_a_client(tmp_path: Path) -> None:
    server = start_notifications_server(tmp_path / "studio.sqlite3")
    try:
        pool = Clients(server)
        boss, ana = await pool.signed_in("boss"), await pool.signed_in("ana")
        client = (await boss.ok("client.create", {"name": "Rita Lobo", "archived": True}))["client"]
        error = await ana.error("client.erase", {"id": client["id"], "name": "Rita Lobo"})
        assert error["code"] == "forbidden", error
        assert (await boss.ok("client.get", {"id": client["id"]}))["client"]["name"] == "Rita Lobo"
        await pool.close()
    finally:
        server.stop()


async def test_the_long_look_runs_beside_the_changes_and_what_came_meanwhile_is_erased_too(
        tmp_path: Path) -> None:
    """The scan of the event log and the replies runs on the reading connection: while it is held
    (a busy studio's month of replies takes a quarter of a second), another PC's change is
    answered; a change naming the client made meanwhile is erased with the rest."""
    server = start_notifications_server(tmp_path / "studio.sqlite3")
    try:
        pool = Clients(server)
        boss, office = await pool.signed_in("boss"), await pool.signed_in("boss")
        cid, (past, ahead, _klass) = await _client_with_history(boss)
        await boss.ok("session.update", {"id": ahead, "version": 1, "changes": {"status": "cancelled"}})
        await boss.ok("client.update", {"id": cid, "changes": {"archived": True}})
        async with reading_connection_held(server):
            await boss.send_raw(json.dumps({"type": "client.erase", "id": "erase",
                                            "data": {"id": cid, "name": PERSONAL["name"]}}))
            version = (await office.ok("schedule.query", {"start": _at(-72), "end": _at(0)}))["sessions"]
            current = next(s["version"] for s in version if s["id"] == past)
            await office.ok("session.update", {"id": past, "version": current,
                                               "changes": {"notes": "moved by the office"}})
            assert handled(server)["client.erase"] == 0, "the erasure waits for the reading connection"
        reply = await boss.reply_to("erase")
        assert reply["ok"], reply
        left = server.server.store.submit(_traces)
        assert left == [], "\n".join(map(str, left))
        await pool.close()
    finally:
        server.stop()
