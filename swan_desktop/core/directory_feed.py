"""Keeps the held directory in step with what other desktops change.

:class:`DirectoryFeed` applies the administration events (``trainer:*``,
``room:*``, ``session_type:*``, ``timeoff:*``, ``availability:updated``,
``studio:updated``, ``user:*``) and the answers of this desktop's own
administration requests to the schedule store's directory, then tells the
store's listeners once — so every PC's pickers, day columns and colours follow
as the change happens. It writes nothing but the directory, and the room a renamed room's
sessions name.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from ..protocol.entities import Client, Location, Role, SessionType, TimeOff, Trainer, User, link_id
from ..protocol.frames import Event
from .directory import Directory, StudioProfile
from .schedule import ScheduleStore

log = logging.getLogger(__name__)

#: The event prefixes the feed registers with the router.
PREFIXES = ("trainer:", "room:", "session_type:", "timeoff:", "availability:", "studio:updated", "user:")


class DirectoryFeed:
    def __init__(self, store: ScheduleStore) -> None:
        self.store = store

    @property
    def directory(self) -> Directory:
        return self.store.directory

    def _changed(self) -> None:
        self.store.set_directory(self.store.directory)

    # -- what this desktop's own requests answered -----------------------------------
    def put_trainer(self, trainer: Trainer) -> None:
        if self.directory.trainers.get(trainer.id) != trainer:
            self.directory.trainers[trainer.id] = trainer
            self._changed()

    def drop_trainer(self, trainer_id: int) -> None:
        if self.directory.trainers.pop(trainer_id, None) is not None:
            self._changed()

    def put_room(self, room: Location) -> None:
        rooms = self.directory.locations
        for i, known in enumerate(rooms):
            if known.id == room.id:
                if known == room:
                    return
                rooms[i] = room
                break
        else:
            rooms.append(room)
        self._changed()

    def drop_room(self, room_id: int) -> None:
        before = len(self.directory.locations)
        self.directory.locations[:] = [r for r in self.directory.locations if r.id != room_id]
        if len(self.directory.locations) != before:
            self._changed()

    def put_type(self, session_type: SessionType) -> None:
        if self.directory.session_types.get(session_type.id) != session_type:
            self.directory.session_types[session_type.id] = session_type
            self._changed()

    def drop_type(self, type_id: int) -> None:
        if self.directory.session_types.pop(type_id, None) is not None:
            self._changed()

    def put_hours(self, trainer_id: int, hours: list[dict[str, Any]]) -> None:
        trainer = self.directory.trainers.get(trainer_id)
        if trainer is None:
            return
        parsed = tuple((int(h["weekday"]), str(h["start"]), str(h["end"])) for h in hours
                       if isinstance(h, dict))
        self.put_trainer(dataclasses.replace(trainer, hours=parsed))

    def put_time_off(self, trainer_id: int, time_off: TimeOff) -> None:
        trainer = self.directory.trainers.get(trainer_id)
        if trainer is None:
            return
        kept = (*(t for t in trainer.time_off if t.id != time_off.id), time_off)
        self.put_trainer(dataclasses.replace(trainer, time_off=tuple(sorted(kept, key=lambda t: t.start))))

    def drop_time_off(self, trainer_id: int | None, time_off_id: int) -> None:
        for trainer in list(self.directory.trainers.values()):
            if trainer_id is not None and trainer.id != trainer_id:
                continue
            kept = tuple(t for t in trainer.time_off if t.id != time_off_id)
            if len(kept) != len(trainer.time_off):
                self.put_trainer(dataclasses.replace(trainer, time_off=kept))

    def put_studio(self, studio: StudioProfile) -> None:
        directory = self.directory
        if directory.studio == studio:
            return
        directory.studio = studio
        if studio.timezone:
            directory.timezone = studio.timezone
        self._changed()

    def put_user(self, wire: dict[str, Any]) -> None:
        try:
            user = User(int(wire["id"]), str(wire.get("name") or wire.get("username") or ""),
                        Role(wire.get("role", "viewer")), link_id(wire.get("trainer_id")),
                        wire.get("active") is not False)
        except (KeyError, ValueError):
            return
        if self.directory.users.get(user.id) != user:
            self.directory.users[user.id] = user
            self._changed()

    def put_client(self, client: Client) -> None:
        """A client's name, balance and whether archived, as pickers show them (the clients
        feature's records)."""
        known = self.directory.clients.get(client.id)
        new = client if known is None else dataclasses.replace(
            known, name=client.name, credits=client.credits, archived=client.archived)
        if new != known:
            self.directory.clients[client.id] = new
            self._changed()

    def put_credits(self, client_id: int, credits: int) -> None:
        """A known client's balance (credits changed on any PC: sold, spent, adjusted)."""
        known = self.directory.clients.get(client_id)
        if known is not None and known.credits != credits:
            self.directory.clients[client_id] = dataclasses.replace(known, credits=credits)
            self._changed()

    # -- events ------------------------------------------------------------------------
    def apply_event(self, event: Event) -> None:
        data: dict[str, Any] = event.data
        kind = event.kind
        family, _, what = kind.partition(":")
        if family == "trainer":
            if what == "deleted":
                self.drop_trainer(int(data["id"]))
            elif isinstance(data.get("trainer"), dict):
                self.put_trainer(Trainer.from_wire(data["trainer"]))
        elif family == "room":
            if what == "deleted":
                self.drop_room(int(data["id"]))
            elif isinstance(data.get("location"), dict):
                room = Location.from_wire(data["location"])
                if isinstance(data.get("renamed_from"), str):
                    self.store.rename_location(data["renamed_from"], room.name)
                self.put_room(room)
        elif family == "session_type":
            if what == "deleted":
                self.drop_type(int(data["id"]))
            elif isinstance(data.get("session_type"), dict):
                self.put_type(SessionType.from_wire(data["session_type"]))
        elif kind == "timeoff:added" and isinstance(data.get("time_off"), dict):
            self.put_time_off(int(data["trainer_id"]), TimeOff.from_wire(data["time_off"]))
        elif kind == "timeoff:removed":
            trainer = data.get("trainer_id")
            self.drop_time_off(trainer if isinstance(trainer, int) else None, int(data["id"]))
        elif kind == "availability:updated":
            self.put_hours(int(data["trainer_id"]), list(data.get("hours") or ()))
        elif kind == "studio:updated" and isinstance(data.get("studio"), dict):
            self.put_studio(StudioProfile.from_wire(data["studio"]))
        elif family == "user" and isinstance(data.get("user"), dict):
            self.put_user(data["user"])
