"""Several real desktops (StudioClient) on one real server: presence, locks, chat, feed, roles."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial

import pytest

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role, Session
from swan_desktop.protocol.errors import ErrorCode, ProtocolError
from tests.support.poll import until

from .support import COLLAB_FAR, collab_fields


async def test_presence_shows_who_is_online_with_what_they_do_and_drops_who_quits(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    ana.collab.report("viewing", day="2031-04-07")
    boss.collab.report("editing", session_id=7, day="2031-04-07")
    await until(lambda: {e.name for e in ana.collab.presence.others()} == {"Boss"})
    await until(lambda: ana.collab.presence.outlines().get(7) is not None)
    seen = ana.collab.presence.outlines()[7]
    assert seen.activity == "editing" and seen.role == "admin" and seen.color.startswith("#")
    assert ana.collab.presence.outlines().keys() == {7}  # my own presence outlines nothing
    await until(lambda: "Ana" in {e.name for e in boss.collab.presence.others()})
    await boss.close()
    await until(lambda: not ana.collab.presence.others())


async def test_a_burst_of_presence_reports_leaves_at_most_twenty_a_second_and_the_last_arrives(
        sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    loop = asyncio.get_running_loop()
    began = loop.time()
    for i in range(1000):
        ana.collab.report("dragging", session_id=i % 50 + 1)
        if i % 100 == 0:
            await asyncio.sleep(0.03)
    ana.collab.report("selecting", session_id=999)
    await until(lambda: boss.collab.presence.outlines().get(999) is not None)
    elapsed = loop.time() - began
    assert ana.collab.throttle.sent <= 20 * elapsed + 2


async def test_an_editors_lock_shows_for_others_and_their_save_is_refused_in_words(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    session = await boss.create_session(collab_fields())
    await ana.load_range(COLLAB_FAR - timedelta(days=1), COLLAB_FAR + timedelta(days=1))
    lock = await ana.collab.take_lock(session.id)
    assert ana.collab.locks.token_for(session.id) == lock.token
    await until(lambda: boss.collab.locks.held_by_other(session.id) is not None)
    assert boss.collab.locks.held_by_other(session.id).holder_name == "Ana"  # type: ignore[union-attr]
    with pytest.raises(ProtocolError) as refused:
        await boss.update_session(session.id, session.version, {"notes": "boss's"})
    assert refused.value.code is ErrorCode.LOCKED and "Ana is editing" in refused.value.message
    saved = await ana.update_session(session.id, session.version, {"notes": "ana's"})  # carries the token
    assert saved.notes == "ana's"
    await ana.collab.release_lock(session.id)
    await until(lambda: boss.collab.locks.holder(session.id) is None)


async def test_a_lapsed_holder_is_fenced_off_after_someone_else_took_the_lock(server, sign_in) -> None:
    import dataclasses
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    session = await boss.create_session(collab_fields(COLLAB_FAR + timedelta(hours=3)))
    server.server.collab.config = dataclasses.replace(server.server.collab.config, lease_s=0.3)
    await ana.load_range(COLLAB_FAR - timedelta(days=1), COLLAB_FAR + timedelta(days=1))
    await ana.collab.take_lock(session.id)
    await until(lambda: boss.collab.locks.holder(session.id) is None)  # ana's lease ran out
    await boss.collab.take_lock(session.id)
    await boss.collab.release_lock(session.id)
    with pytest.raises(ProtocolError) as refused:
        await ana.update_session(session.id, session.version, {"notes": "late"})
    assert refused.value.code is ErrorCode.LOCKED and "was not saved" in refused.value.message


def last_studio_messages_are(client: StudioClient, texts: list[str]) -> bool:
    return [m.text for m in client.collab.chat.messages("studio")][-len(texts):] == texts


async def test_chat_keeps_order_mentions_notify_and_reactions_agree(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    vic: StudioClient = await sign_in("vic")
    unread_before = vic.notifications.store.unread
    for i in range(5):
        await (ana if i % 2 else boss).collab.send("studio", f"message {i}")
    mention = await ana.collab.send("day:2031-04-07", "@Vic can you check the 10:00?")
    await vic.collab.load_room("day:2031-04-07")
    for client in (ana, boss):
        await until(partial(last_studio_messages_are, client, [f"message {i}" for i in range(5)]))
    await until(lambda: vic.notifications.store.unread > unread_before)
    assert any("Ana mentioned you" in n.title for n in vic.notifications.store.visible())
    await boss.collab.react(mention.id, "👍")
    await ana.collab.react(mention.id, "👍")
    await ana.collab.react(mention.id, "🎉")
    await ana.collab.react(mention.id, "🎉", on=False)

    def reactions(c: StudioClient) -> dict:
        return next(m.reactions for m in c.collab.chat.messages("day:2031-04-07") if m.id == mention.id)

    await until(lambda: reactions(vic) == reactions(ana) == reactions(boss) and "🎉" not in reactions(vic))
    assert len(reactions(vic)["👍"]) == 2
    edited = await ana.collab.edit(mention.id, "@Vic never mind")
    await until(lambda: any(m.text == "@Vic never mind" and m.edited_at
                            for m in vic.collab.chat.messages("day:2031-04-07")))
    with pytest.raises(ProtocolError) as foreign:
        await boss.collab.delete(edited.id)
    assert foreign.value.code is ErrorCode.FORBIDDEN
    await ana.collab.delete(edited.id)
    await until(lambda: any(m.deleted for m in boss.collab.chat.messages("day:2031-04-07")))


async def test_the_feed_and_system_messages_are_complete_after_a_resync(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    session = await boss.create_session(collab_fields(COLLAB_FAR + timedelta(hours=5)))
    await until(lambda: any(e.session_id == session.id for e in ana.collab.activity.entries()))
    resynced = asyncio.Event()
    ana.on_resynced = resynced.set
    ana.router.epoch = "pruned"  # ana's position is no longer replayable: the next sync reloads
    moved = await boss.update_session(session.id, session.version,
                                      {"start": collab_fields(COLLAB_FAR + timedelta(hours=6))["start"],
                                       "end": collab_fields(COLLAB_FAR + timedelta(hours=6))["end"]})
    await boss.update_session(moved.id, moved.version, {"notes": "bring a towel"})
    assert not any(e.kind == "updated" for e in ana.collab.activity.entries())  # missed while astray
    assert ana.user is not None
    await boss.collab.disconnect_user(ana.user.id)
    await asyncio.wait_for(resynced.wait(), 10)
    mine = [e for e in ana.collab.activity.entries() if e.session_id == session.id]
    assert [e.kind for e in mine] == ["updated", "updated", "created"]
    assert mine[1].summary.startswith("Boss moved") and ("notes", "", "bring a towel") in mine[0].changes
    day_room = f"day:{COLLAB_FAR:%Y-%m-%d}"
    await ana.collab.load_room(day_room)
    assert [m.kind for m in ana.collab.chat.messages(day_room)][-3:] == ["system"] * 3


async def test_a_role_change_reaches_the_open_desktop_at_once(sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    told: list[Session | object] = []
    ana.collab.user_listeners.append(told.append)
    assert ana.user is not None
    await boss.collab.set_role(ana.user.id, Role.VIEWER)
    await until(lambda: ana.user is not None and ana.user.role is Role.VIEWER)
    assert told and getattr(told[0], "role", None) is Role.VIEWER
    with pytest.raises(ProtocolError) as refused:
        await ana.create_session(collab_fields(COLLAB_FAR + timedelta(hours=8)))
    assert refused.value.code is ErrorCode.FORBIDDEN
