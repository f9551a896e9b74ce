"""Desktop-side security tests: a TLS server with its own studio CA (as ``serve --tls auto`` makes it),
and what a server saw of sign-ins."""

from __future__ import annotations

from pathlib import Path

from swan_desktop.server import studio_pki
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.tls import server_context
from tests.support.answered import handled
from tests.support.server import FAST_HASHER, add_users


def studio_server(folder: Path, port: int = 0, host: str = "127.0.0.1") -> tuple[EmbeddedServer,
                                                                                 studio_pki.StudioCertificates]:
    """A running ``wss://`` server whose certificate comes from a studio CA of its own (made in
    ``folder``), serving that CA at ``/studio-ca.pem`` as ``serve --tls auto`` does."""
    certs = studio_pki.ensure(folder / "studio.sqlite3", host)
    server = EmbeddedServer(folder / "studio.sqlite3", demo=True, host=host, port=port, hasher=FAST_HASHER,
                            ssl=server_context(certs.cert, certs.key))
    server.server.studio_ca.pem = certs.ca.read_bytes()
    server.start()
    add_users(server)
    return server, certs


def sign_in_attempts(server: EmbeddedServer) -> float:
    """``authenticate`` requests the server handled, whatever their outcome."""
    return handled(server)["authenticate"]


#: 4,000 characters a message or entry, each four bytes of UTF-8: 16 KB, so a 512 KiB page holds ~30.
LONG = "\N{SWAN}" * 3990


def fill_chat(server: EmbeddedServer, count: int, room: str = "studio") -> list[int]:
    """``count`` long messages in ``room``, numbered ``#0``… in the order posted; their ids."""
    from swan_desktop.server.collab import chat
    from swan_desktop.server.store import Store

    def fill(store: Store) -> list[int]:
        author = store.account_by_username("ana")
        with store.transaction():
            return [int(chat.post(store, None, author, room, "chat", f"#{n} {LONG}")["id"])
                    for n in range(count)]

    return list(server.server.store.submit(fill))


def fill_activity(server: EmbeddedServer, count: int) -> list[int]:
    """``count`` long activity entries, oldest first; their ids."""
    from swan_desktop.server.collab import activity
    from swan_desktop.server.store import Store

    def fill(store: Store) -> list[int]:
        actor = store.account_by_username("boss")
        assert actor is not None
        with store.transaction() as tx:
            return [int(activity.record(store, tx, actor, "updated", 1, 1, f"#{n}",
                                        [{"field": "notes", "old": "", "new": LONG}])["id"])
                    for n in range(count)]

    return list(server.server.store.submit(fill))
