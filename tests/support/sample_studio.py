"""The sample studio (:mod:`tests.support.sample`, or any ``Directory`` and sessions) put on a
real server through an admin's own requests, as a studio is set up and booked from the desk.

    ids = await put_studio(boss, make_directory())            # boss: a StudioClient or a WsClient
    booked = await book(boss, ids, [session(1, 1, 9), session(2, 2, 14)])   # sample id -> stored

    studio = await put_sample(server, boss_ws, SAMPLE_SESSIONS, pool)   # on a server with no studio yet
    studio.stored(1)                           # session 1 as the server holds it (the sample's ids)
    rosa = await studio.sign_in_rosa()         # Rosa Front Desk, an admin of the studio

The server numbers what it stores itself: :class:`StudioIds` says which stored trainer, room,
session type and client each sample id became. :func:`put_sample` puts the sample directory on
a server with no studio yet, so there the ids are the sample's (checked), and adds what the
widget tests lean on: Rosa's account, and who last changed a session and when (no request sets
these; they are written through the server's own Store before any desktop loads them).

Colours: the server refuses a colour that neither white nor dark text reads on at 4.5:1; the
sample's blue (Ana, Personal training) and violet (Assessment) are such. They are put as the
lighter shades of :data:`READABLE`; every other colour as it is.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from swan_desktop.core.client import StudioClient
from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.errors import ProtocolError
from swan_desktop.protocol.timefmt import format_ts
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.store import Store

from .sample import DAY, at, make_directory
from .server import Clients, WsClient, paced

#: The sample's colours the server refuses, and the lighter shades the studio has instead.
READABLE = {"#5b8db8": "#6fa8dc", "#8a79b8": "#b4a7d6"}
ROSA = "rosa"

Request = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Admin = StudioClient | WsClient


@dataclass
class StudioIds:
    """Sample id -> the id the server gave it."""
    trainers: dict[int, int] = field(default_factory=dict)
    locations: dict[int, int] = field(default_factory=dict)
    session_types: dict[int, int] = field(default_factory=dict)
    clients: dict[int, int] = field(default_factory=dict)


def requests_of(admin: Admin) -> Request:
    """``admin``'s requests, each paced by the server's rate limit; a refusal raises ProtocolError."""
    async def over_ws(ws: WsClient, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        reply = await ws.request(rtype, data)
        if reply["ok"] is not True:
            raise ProtocolError.from_wire(reply.get("error"))
        return dict(reply["data"])

    send: Request = admin.link.request if isinstance(admin, StudioClient) else partial(over_ws, admin)

    async def request(rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        return await paced(partial(send, rtype, data))
    return request


async def put_studio(admin: Admin, directory: Directory) -> StudioIds:
    """Trainers, rooms, session types and clients (with their credits) of ``directory``, created
    by ``admin`` in the order of their sample ids."""
    request, ids = requests_of(admin), StudioIds()
    for tid, trainer in sorted(directory.trainers.items()):
        made = await request("trainer.create", {
            "name": trainer.name, "specialties": list(trainer.specialties),
            "color": READABLE.get(trainer.color, trainer.color)})
        ids.trainers[tid] = int(made["trainer"]["id"])
    for room in sorted(directory.locations, key=lambda r: r.id):
        made = await request("room.create", {"name": room.name})
        ids.locations[room.id] = int(made["location"]["id"])
    for kid, kind in sorted(directory.session_types.items()):
        made = await request("session_type.create", {"name": kind.name, "duration_min": kind.duration_min,
                                                     "color": READABLE.get(kind.color, kind.color)})
        ids.session_types[kid] = int(made["session_type"]["id"])
    for cid, client in sorted(directory.clients.items()):
        made = await request("client.create", {"name": client.name})
        ids.clients[cid] = int(made["client"]["id"])
        if client.credits:
            await request("credits.adjust", {"client_id": ids.clients[cid], "delta": client.credits,
                                             "reason": "opening balance"})
    return ids


def create_data(s: Session, ids: StudioIds) -> dict[str, Any]:
    """A ``session.create`` payload for the sample session ``s`` in the stored studio."""
    data: dict[str, Any] = {
        "start": format_ts(s.start), "end": format_ts(s.end), "trainer_id": ids.trainers[s.trainer_id],
        "client_name": s.client_name, "location": s.location, "status": s.status.value,
        "notes": s.notes, "cancel_reason": s.cancel_reason, "allow_overlap": True}
    if s.client_id is not None:
        data["client_id"] = ids.clients[s.client_id]
    if s.session_type_id is not None:
        data["session_type_id"] = ids.session_types[s.session_type_id]
    return data


async def book(admin: Admin, ids: StudioIds, sessions: Iterable[Session]) -> dict[int, Session]:
    """Each sample session booked by ``admin`` (over any clash, as an admin may): sample id -> stored."""
    request = requests_of(admin)
    booked: dict[int, Session] = {}
    for s in sessions:
        reply = await request("session.create", create_data(s, ids))
        booked[s.id] = Session.from_wire(reply["session"])
    return booked


@dataclass
class SampleStudio:
    """The sample on a server (:func:`put_sample`), where its ids are the sample's."""
    server: EmbeddedServer
    pool: Clients
    ids: StudioIds
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


async def put_sample(server: EmbeddedServer, boss: WsClient, sessions: Sequence[Session],
                     pool: Clients) -> SampleStudio:
    """The sample directory, Rosa's account and ``sessions`` (booked in order) on ``server``, which
    has no studio yet: the server's ids are the sample's."""
    directory = make_directory()
    ids = await put_studio(boss, directory)
    for kind, mapped in (("trainer", ids.trainers), ("room", ids.locations),
                         ("session type", ids.session_types)):
        assert all(stored == sample for sample, stored in mapped.items()), f"{kind} ids {mapped}"
    clients = {c.name: ids.clients[cid] for cid, c in directory.clients.items()}
    studio = SampleStudio(server, pool, ids, clients)
    (rosa,) = directory.users.values()
    account = await requests_of(boss)("account.create", {"username": ROSA, "name": rosa.name,
                                                         "role": rosa.role.value})
    studio.rosa_id, studio.rosa_password = int(account["account"]["id"]), str(account["password"])
    booked = await book(boss, ids, sessions)
    for s in sessions:
        assert booked[s.id].id == s.id, f"sample session {s.id} stored as {booked[s.id].id}"
        if s.updated_by is not None and s.updated_at is not None:
            # The sample's stamp names Rosa (the sample's user 7) at a time of its own.
            studio.write_stamp(s.id, studio.rosa_id, s.updated_at)
    return studio


async def loaded(client: StudioClient) -> StudioClient:
    """``client`` with the weeks around DAY loaded from the server (``schedule.query``)."""
    weeks = timedelta(days=14)
    await client.load_range(at(DAY - weeks, 0), at(DAY + weeks, 0))
    return client
