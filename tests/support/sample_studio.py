"""A studio of :mod:`tests.support.sample` (or any ``Directory`` and sessions) put into a real
server through an admin's own requests, as a studio is set up and booked from the desk.

    ids = await put_studio(boss, make_directory())
    booked = await book(boss, ids, [session(1, 1, 9), session(2, 2, 14)])   # sample id -> stored

The server numbers what it stores itself, so the sample's ids are mapped: :class:`StudioIds`
says which stored trainer, client and session type each sample id became.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from swan_desktop.core.client import StudioClient
from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.timefmt import format_ts

from .server import paced


@dataclass
class StudioIds:
    trainers: dict[int, int] = field(default_factory=dict)
    clients: dict[int, int] = field(default_factory=dict)
    session_types: dict[int, int] = field(default_factory=dict)


async def put_studio(admin: StudioClient, directory: Directory) -> StudioIds:
    """Trainers, rooms, session types and clients (with their credits) of ``directory``, created
    by ``admin``."""
    ids = StudioIds()
    for trainer in directory.trainers.values():
        stored = await admin.admin.create_trainer(trainer.name, color=trainer.color,
                                                  specialties=trainer.specialties)
        ids.trainers[trainer.id] = stored.id
    for location in directory.locations:
        await admin.admin.create_room(location.name)
    for kind in directory.session_types.values():
        stored_type = await admin.admin.create_type(kind.name, duration_min=kind.duration_min,
                                                    color=kind.color)
        ids.session_types[kind.id] = stored_type.id
    for client in directory.clients.values():
        record = await admin.clients.create({"name": client.name})
        ids.clients[client.id] = record.id
        if client.credits:
            await admin.clients.adjust(record.id, client.credits, "opening balance")
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


async def book(admin: StudioClient, ids: StudioIds, sessions: Iterable[Session]) -> dict[int, Session]:
    """Each sample session booked by ``admin`` (over any clash, as an admin may): sample id -> stored."""
    booked: dict[int, Session] = {}
    for s in sessions:
        reply = await paced(partial(admin.link.request, "session.create", create_data(s, ids)))
        booked[s.id] = Session.from_wire(reply["session"])
    return booked
