"""The studio directory as the client holds it: trainers, clients, types, rooms,
and the studio's own profile (name, zone, opening hours, whether set-up is done).

Archived trainers, rooms and types stay here (old sessions name them); the
``active_*`` readers and :meth:`Directory.sorted_trainers` leave them out, so
pickers and day columns offer only what is in use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from ..domain import rooms
from ..protocol.entities import Client, Location, Role, SessionType, Trainer, User
from .wallclock import view_zone, zone_named


@dataclass(frozen=True)
class StudioProfile:
    name: str = ""
    timezone: str = ""
    #: (weekday 0 = Monday, "HH:MM", "HH:MM"), several a day for a break.
    opening_hours: tuple[tuple[int, str, str], ...] = ()
    setup_complete: bool = True

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> StudioProfile:
        hours = tuple((int(h["weekday"]), str(h["start"]), str(h["end"]))
                      for h in d.get("opening_hours") or () if isinstance(h, dict))
        return cls(str(d.get("name") or ""), str(d.get("timezone") or ""), hours,
                   bool(d.get("setup_complete", True)))

    def to_wire(self) -> dict[str, Any]:
        return {"name": self.name, "timezone": self.timezone,
                "opening_hours": [{"weekday": w, "start": s, "end": e} for w, s, e in self.opening_hours],
                "setup_complete": self.setup_complete}


@dataclass
class Directory:
    trainers: dict[int, Trainer] = field(default_factory=dict)
    clients: dict[int, Client] = field(default_factory=dict)
    session_types: dict[int, SessionType] = field(default_factory=dict)
    locations: list[Location] = field(default_factory=list)
    users: dict[int, User] = field(default_factory=dict)
    #: The studio's time zone (IANA name; "" when the server did not say).
    timezone: str = ""
    studio: StudioProfile = field(default_factory=StudioProfile)

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Directory:
        wire = d.get("studio")
        studio = StudioProfile.from_wire(wire) if isinstance(wire, dict) else StudioProfile()
        return cls(
            trainers={t.id: t for t in map(Trainer.from_wire, d.get("trainers", []))},
            clients={c.id: c for c in map(Client.from_wire, d.get("clients", []))},
            session_types={t.id: t for t in map(SessionType.from_wire, d.get("session_types", []))},
            locations=[Location.from_wire(x) for x in d.get("locations", [])],
            users={u.id: u for u in map(User.from_wire, d.get("users", []))},
            timezone=str(d.get("timezone") or studio.timezone or ""),
            studio=studio,
        )

    def to_wire(self) -> dict[str, Any]:
        """The directory as ``directory.query`` gives it (for the offline copy)."""
        return {"trainers": [t.to_wire() for t in self.trainers.values()],
                "clients": [c.to_wire() for c in self.clients.values()],
                "session_types": [t.to_wire() for t in self.session_types.values()],
                "locations": [loc.to_wire() for loc in self.locations],
                "users": [u.to_wire() for u in self.users.values()],
                "timezone": self.timezone, "studio": self.studio.to_wire()}

    @property
    def zone(self) -> tzinfo:
        """The zone the schedule is shown in: the studio's, or this computer's when not known."""
        return view_zone(self.timezone)

    def follow_settings(self, settings: dict[str, str]) -> bool:
        """Take a new studio zone from changed studio settings; True when it changed.

        An empty setting means the server's own zone, which only the next
        ``directory.query`` names: the known zone is kept until then.
        """
        name = settings.get("timezone", "")
        if not name or zone_named(name) is None or name == self.timezone:
            return False
        self.timezone = name
        return True

    def user_name(self, user_id: int | None) -> str:
        """A staff member's name for "last changed by"; ``someone`` when unknown (never a number)."""
        if user_id is None:
            return "someone"
        u = self.users.get(user_id)
        return u.name if u else "a colleague"

    def learn_user(self, actor: dict[str, Any] | None) -> None:
        """Keep the name of who made a change (an event's actor) when the directory lacks them,
        e.g. an account added after the directory was loaded."""
        if not actor or "id" not in actor or int(actor["id"]) in self.users or not actor.get("name"):
            return
        try:
            role = Role(actor.get("role") or "viewer")
        except ValueError:
            role = Role.VIEWER
        self.users[int(actor["id"])] = User(int(actor["id"]), str(actor["name"]), role)

    def trainer_name(self, trainer_id: int) -> str:
        t = self.trainers.get(trainer_id)
        return t.name if t else f"Trainer #{trainer_id}"

    def type_name(self, type_id: int | None) -> str:
        t = self.session_types.get(type_id) if type_id is not None else None
        return t.name if t else ""

    def type_color(self, type_id: int | None) -> str:
        t = self.session_types.get(type_id) if type_id is not None else None
        return t.color if t else "#8a9aa8"

    def sorted_trainers(self) -> list[Trainer]:
        """Trainers to offer (pickers, day columns): the active ones, by name."""
        return [t for t in self.all_trainers() if t.active]

    def all_trainers(self) -> list[Trainer]:
        """Every trainer, archived ones included, by name (the Administration list)."""
        return sorted(self.trainers.values(), key=lambda t: t.name.lower())

    def active_locations(self) -> list[Location]:
        return [loc for loc in self.locations if loc.active]

    def rooms_at_once(self) -> dict[str, int]:
        """The rooms that hold more than one session at the same time, by their key
        (:func:`..domain.rooms.key`), as the server judges a room's clashes."""
        return {rooms.key(loc.name): loc.sessions_at_once for loc in self.locations
                if loc.sessions_at_once > 1}

    def active_session_types(self) -> list[SessionType]:
        return sorted((t for t in self.session_types.values() if t.active), key=lambda t: t.name.lower())

    def trainer_for_user(self, user_id: int) -> Trainer | None:
        """The trainer a staff account is linked to (for "My hours")."""
        return next((t for t in self.trainers.values() if t.user_id == user_id), None)
