"""Starting while the studio server is down: the desktop opens on the copy it
kept, changes queue as usual, and everything reloads when the server is back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from swan_desktop.core import offline_cache
from swan_desktop.core.client import StudioClient
from swan_desktop.net.link import LinkState
from swan_desktop.qt.app import keep_offline_copy, sign_in
from swan_desktop.server.store import Store
from swan_desktop.settings import paths, secrets
from swan_desktop.settings.config import Settings
from tests.support.poll import until
from tests.support.server import PASSWORDS

from .conftest import quick_link

WEEK = (datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC))


async def test_the_desktop_opens_offline_on_its_copy_and_catches_up(studio, connect, tmp_path: Path) -> None:
    ana: StudioClient = await connect(studio.url, "ana", pc="desk")
    shown = await ana.load_range(*WEEK)
    token = ana.auth.token if ana.auth else ""
    snapshot = ana.snapshot()
    assert snapshot is not None and len(snapshot.sessions) == shown > 0
    assert token not in str(snapshot) and PASSWORDS["ana"] not in str(snapshot)  # no secrets kept
    await ana.close()
    await studio.astop()

    offline = StudioClient(studio.url, outbox_dir=tmp_path / "desk", **quick_link())
    offline.start_offline(token, snapshot)
    try:
        assert offline.link.state is LinkState.RECONNECTING and "offline" in offline.link.detail
        assert len(offline.store.between(*WEEK)) == shown and offline.store.directory.trainers
        first = offline.store.between(*WEEK)[0]
        await offline.update_session(first.id, first.version, {"notes": "written while the server was down"})
        assert first.id in offline.store.pending and offline.link.outbox.depth == 1

        await studio.astart()
        await until(lambda: offline.link.live and offline.link.outbox.depth == 0, 20)
        store = Store(studio.db)
        try:
            saved = store.session(first.id)
            assert saved is not None and saved.notes == "written while the server was down"
        finally:
            store.close()
        assert offline.user is not None and offline.user.name == "Ana"
    finally:
        await offline.close()


async def test_sign_in_falls_back_to_the_offline_copy_only_when_the_server_is_unreachable(
        studio, connect, data_dir) -> None:
    ana: StudioClient = await connect(studio.url, "ana", pc="desk")
    await ana.load_range(*WEEK)
    assert ana.auth is not None
    secrets.save_token(studio.url, "ana", ana.auth.token)
    settings = Settings(server_url=studio.url, last_username="ana")
    keep_offline_copy(ana, settings)
    assert offline_cache.load(paths.outbox_dir(), studio.url, "ana") is not None
    await ana.close()

    live = await sign_in(studio.url, settings)  # the server is up: an ordinary sign-in
    assert live is not None and live.link.live
    await live.close()

    await studio.astop()
    offline = await sign_in(studio.url, settings)
    assert offline is not None and offline.link.state is LinkState.RECONNECTING
    assert len(offline.store.between(*WEEK)) > 0
    await offline.close()


def test_no_copy_is_kept_without_a_remembered_sign_in(data_dir, tmp_path: Path) -> None:
    client = StudioClient("ws://studio:8765/", outbox_dir=tmp_path)
    keep_offline_copy(client, Settings(server_url="ws://studio:8765/", last_username="ana"))
    assert offline_cache.load(paths.outbox_dir(), "ws://studio:8765/", "ana") is None
    assert list(paths.outbox_dir().glob("offline-*.json")) == []
