"""The sample studio (:mod:`tests.support.sample`) on a real server, put there as an admin would.

    studio = await put_sample(server, boss_ws, SAMPLE_SESSIONS)   # boss_ws: a WsClient signed in as boss
    rosa = await studio.sign_in_rosa()                            # Rosa Front Desk, an admin of the studio
    studio.stored(1)                                              # session 1 as the server holds it

Trainers, rooms, session types, clients, Rosa's account and the sessions are made through the
server's own requests, in order, on a server with no studio yet, so their ids are the sample's
(trainers 1-3, types 1-2, sessions in the order given); clients get the ids the server gives
them (``studio.clients``). Colours are the server's defaults: text does not read well enough
on some of the sample's (the server asks for 4.5:1). What no request can set (who last
changed a session, and when) is written through the server's own Store, before any desktop
loads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store

from .sample import DAY, at, make_directory
from .server import Clients, WsClient

ROSA = "rosa"


@dataclass
class SampleStudio:
    server: EmbeddedServer
    pool: Clients
    #: Client name -> the id the server gave it.
    clients: dict[str, int] = field(default_factory=dict)
    #: Rosa Front Desk's account (an admin) and her one-time password.
    rosa_id: int = 0
    rosa_password: str = ""

    async def sign_in_rosa(self) -> WsClient:
        """Rosa, on a PC of her own: a plain protocol client signed in and synced."""
        ws = await self.pool.open()
        await ws.ok("authenticate", {"username": ROSA, "password": self.rosa_password})
        await ws.ok("sync", {})
        return ws

    def stored(self, session_id: int) -> Session | None:
        """The session as the server's database holds it now."""
        found: Session | None = self.server.server.store.submit(Store.session, session_id)
        return found

    def write_stamp(self, session_id: int, updated_by: int, updated_at: datetime) -> None:
        """Who last changed a stored session, and when (no request sets these: the server stamps
        its own clock and the signed-in user). Written through the server's Store."""
        current = self.stored(session_id)
        assert current is not None
        self.server.server.store.submit(
            Store.replace_session, current.with_changes(updated_by=updated_by, updated_at=updated_at))


async def loaded(client: StudioClient) -> StudioClient:
    """``client`` with the weeks around DAY loaded from the server (``schedule.query``)."""
    weeks = timedelta(days=14)
    await client.load_range(at(DAY - weeks, 0), at(DAY + weeks, 0))
    return client


def create_data(s: Session, clients: dict[str, int]) -> dict[str, Any]:
    """``session.create`` data for a sample session (its client by the server's id when it has one)."""
    data: dict[str, Any] = {
        "start": format_ts(s.start), "end": format_ts(s.end), "trainer_id": s.trainer_id,
        "location": s.location, "session_type_id": s.session_type_id, "status": s.status.value,
        "notes": s.notes, "cancel_reason": s.cancel_reason}
    if s.client_id is not None:
        data["client_id"] = clients[s.client_name]
    else:
        data["client_name"] = s.client_name
    return data


async def put_sample(server: EmbeddedServer, boss: WsClient, sessions: Sequence[Session],
                     pool: Clients) -> SampleStudio:
    """The sample directory and ``sessions`` on ``server`` (which has no studio yet)."""
    directory = make_directory()
    studio = SampleStudio(server, pool)
    for tid, trainer in sorted(directory.trainers.items()):
        specialties = list(trainer.specialties)
        made = await boss.ok("trainer.create", {"name": trainer.name, "specialties": specialties})
        assert made["trainer"]["id"] == tid, made
    for kid, kind in sorted(directory.session_types.items()):
        made = await boss.ok("session_type.create", {"name": kind.name, "duration_min": kind.duration_min})
        assert made["session_type"]["id"] == kid, made
    for room in directory.locations:
        await boss.ok("room.create", {"name": room.name})
    for client in directory.clients.values():
        made = await boss.ok("client.create", {"name": client.name})
        studio.clients[client.name] = int(made["client"]["id"])
    (rosa,) = directory.users.values()
    account = await boss.ok("account.create", {"username": ROSA, "name": rosa.name, "role": rosa.role.value})
    studio.rosa_id, studio.rosa_password = int(account["account"]["id"]), str(account["password"])
    for s in sessions:
        made = await boss.ok("session.create", create_data(s, studio.clients))
        assert made["session"]["id"] == s.id, made
        if s.updated_by is not None and s.updated_at is not None:
            # The sample's stamp names Rosa (the sample's user 7) at a time of its own.
            studio.write_stamp(s.id, studio.rosa_id, s.updated_at)
    return studio
