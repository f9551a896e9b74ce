"""An idempotency key belongs to its request type: it cannot fetch another request's kept reply."""

from __future__ import annotations

from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store
from tests.server.support import session_data

from .support import Peers, user_ids


async def test_a_chat_send_id_reused_for_session_create_is_refused(peers: Peers) -> None:
    ana = await peers.signed_in("ana")
    sent = await ana.ok("chat.send", {"room": "studio", "text": "hello"}, rid="dup-1")
    refused = await ana.error("session.create", session_data(), rid="dup-1")
    assert refused["code"] == "invalid" and refused["message"] == "id already used for chat.send"
    assert await ana.ok("chat.send", {"room": "studio", "text": "hello"}, rid="dup-1") == sent


async def test_replies_kept_before_the_type_was_recorded_still_replay(
        server: EmbeddedServer, peers: Peers) -> None:
    ana = await peers.signed_in("ana")
    old = {"ok": True, "data": {"message": {"id": 99, "text": "kept long ago"}}}
    ana_id = user_ids(server)["ana"]

    def keep(store: Store) -> None:
        with store.transaction():
            store.log_reply(ana_id, "old-1", old)

    server.server.store.submit(keep)
    assert await ana.ok("chat.send", {"room": "studio", "text": "again"}, rid="old-1") == old["data"]
