"""``AdminClient``: the studio-administration requests (docs: ADMIN protocol).

Setting up the studio, trainers with their working hours and time off, rooms,
session types, importing a directory, and staff accounts. Every request goes
over the live link (``link.request``): administration is done while connected,
and a one-time password must never be kept in the outbox. A refusal raises the
server's ``ProtocolError`` (or ``ConnectionLost``/``RequestTimeout``); callers
turn it into a typed outcome with :func:`~swan_desktop.core.outcomes.outcome_of`
(a field error is ``Invalid(field)``, a refused delete ``InUse(sessions)``).

As with the schedule, the answer is stored before a method returns (through
the :class:`~swan_desktop.core.directory_feed.DirectoryFeed`), so the window
shows it at once; the event echoing it changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..protocol.entities import Location, SessionType, TimeOff, Trainer
from .accounts import Account, AccountStore
from .directory import StudioProfile
from .directory_feed import DirectoryFeed

Request = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Hours = Sequence[tuple[int, str, str]]


@dataclass(frozen=True)
class SetupState:
    studio: StudioProfile
    needed: bool


@dataclass(frozen=True)
class NewAccount:
    """A created account and its one-time password (shown once, then forgotten)."""

    account: Account
    password: str


def hours_wire(hours: Hours) -> list[dict[str, Any]]:
    return [{"weekday": w, "start": s, "end": e} for w, s, e in hours]


class AdminClient:
    def __init__(self, request: Request, feed: DirectoryFeed, accounts: AccountStore | None = None) -> None:
        self._request = request
        self.feed = feed
        self.accounts = accounts if accounts is not None else AccountStore()

    # -- the studio ----------------------------------------------------------------------
    async def setup_state(self) -> SetupState:
        reply = await self._request("studio.setup.get", {})
        studio = StudioProfile.from_wire(dict(reply.get("studio") or {}))
        self.feed.put_studio(studio)
        return SetupState(studio, bool(reply.get("needed")))

    async def set_studio(self, *, name: str | None = None, timezone: str | None = None,
                         opening_hours: Hours | None = None,
                         setup_complete: bool | None = None) -> StudioProfile:
        data: dict[str, Any] = {}
        if name is not None:
            data["name"] = name
        if timezone is not None:
            data["timezone"] = timezone
        if opening_hours is not None:
            data["opening_hours"] = hours_wire(opening_hours)
        if setup_complete is not None:
            data["setup_complete"] = setup_complete
        reply = await self._request("studio.setup.set", data)
        studio = StudioProfile.from_wire(dict(reply.get("studio") or {}))
        self.feed.put_studio(studio)
        return studio

    # -- trainers -----------------------------------------------------------------------
    async def create_trainer(self, name: str, *, color: str | None = None,
                             specialties: Sequence[str] | None = None,
                             user_id: int | None = None) -> Trainer:
        data: dict[str, Any] = {"name": name}
        if color is not None:
            data["color"] = color
        if specialties is not None:
            data["specialties"] = list(specialties)
        if user_id is not None:
            data["user_id"] = user_id
        return self._trainer(await self._request("trainer.create", data))

    async def update_trainer(self, trainer_id: int, **changes: Any) -> Trainer:
        """``changes``: any of ``name``, ``color``, ``specialties``, ``active``, ``user_id``."""
        if "specialties" in changes:
            changes["specialties"] = list(changes["specialties"])
        reply = await self._request("trainer.update", {"id": trainer_id, "changes": changes})
        return self._trainer(reply)

    async def archive_trainer(self, trainer_id: int, archived: bool = True) -> Trainer:
        return await self.update_trainer(trainer_id, active=not archived)

    async def archive(self, kind: str, row_id: int, archived: bool = True) -> int:
        """Archive (or restore) a ``trainer``, ``room`` or ``session_type``; how many sessions still to
        come use what was archived (they stay booked as they are: the office reassigns them)."""
        request, put = {"trainer": ("trainer.update", self._trainer), "room": ("room.update", self._room),
                        "session_type": ("session_type.update", self._type)}[kind]
        reply = await self._request(request, {"id": row_id, "changes": {"active": not archived}})
        put(reply)
        return int(reply.get("sessions_ahead") or 0)

    async def delete_trainer(self, trainer_id: int) -> None:
        await self._request("trainer.delete", {"id": trainer_id})
        self.feed.drop_trainer(trainer_id)

    async def set_hours(self, trainer_id: int, hours: Hours) -> int:
        """Set the trainer's whole week; how many of their bookings still to come it leaves outside
        (they stay booked: the office moves or reassigns them)."""
        reply = await self._request("availability.set",
                                    {"trainer_id": trainer_id, "hours": hours_wire(hours)})
        self.feed.put_hours(trainer_id, list(reply.get("hours") or hours_wire(hours)))
        return int(reply.get("sessions_outside") or 0)

    async def add_time_off(self, trainer_id: int, start: str, end: str, reason: str = "") -> TimeOff:
        return (await self.take_time_off(trainer_id, start, end, reason))[0]

    async def take_time_off(self, trainer_id: int, start: str, end: str,
                            reason: str = "") -> tuple[TimeOff, int]:
        """Add the trainer's time off; it, and how many of their sessions still to come on those days
        stay booked (the office reassigns or cancels them)."""
        data: dict[str, Any] = {"trainer_id": trainer_id, "start": start, "end": end}
        if reason:
            data["reason"] = reason
        reply = await self._request("timeoff.add", data)
        time_off = TimeOff.from_wire(reply["time_off"])
        self.feed.put_time_off(trainer_id, time_off)
        return time_off, int(reply.get("sessions_booked") or 0)

    async def remove_time_off(self, time_off_id: int, trainer_id: int | None = None) -> None:
        await self._request("timeoff.remove", {"id": time_off_id})
        self.feed.drop_time_off(trainer_id, time_off_id)

    def _trainer(self, reply: dict[str, Any]) -> Trainer:
        trainer = Trainer.from_wire(reply["trainer"])
        self.feed.put_trainer(trainer)
        return trainer

    # -- rooms --------------------------------------------------------------------------
    async def create_room(self, name: str, capacity: int | None = None,
                          sessions_at_once: int | None = None) -> Location:
        data: dict[str, Any] = {"name": name}
        if capacity is not None:
            data["capacity"] = capacity
        if sessions_at_once is not None:
            data["sessions_at_once"] = sessions_at_once
        return self._room(await self._request("room.create", data))

    async def update_room(self, room_id: int, **changes: Any) -> Location:
        """``changes``: any of ``name``, ``capacity``, ``sessions_at_once``, ``active``."""
        return (await self.change_room(room_id, **changes))[0]

    async def change_room(self, room_id: int, **changes: Any) -> tuple[Location, int]:
        """As :meth:`update_room`; also how many sessions still to come run in the room at a moment
        when more of them do than a number of sessions at once lowered now allows (they stay
        booked: the office moves some)."""
        reply = await self._request("room.update", {"id": room_id, "changes": changes})
        return self._room(reply), int(reply.get("sessions_over") or 0)

    async def delete_room(self, room_id: int) -> None:
        await self._request("room.delete", {"id": room_id})
        self.feed.drop_room(room_id)

    def _room(self, reply: dict[str, Any]) -> Location:
        room = Location.from_wire(reply["location"])
        self.feed.put_room(room)
        return room

    # -- session types ------------------------------------------------------------------
    async def create_type(self, name: str, *, duration_min: int | None = None, color: str | None = None,
                          credits: int | None = None, capacity: int | None = None) -> SessionType:
        data: dict[str, Any] = {"name": name}
        for key, value in (("duration_min", duration_min), ("color", color), ("credits", credits),
                           ("capacity", capacity)):
            if value is not None:
                data[key] = value
        return self._type(await self._request("session_type.create", data))

    async def update_type(self, type_id: int, **changes: Any) -> SessionType:
        """``changes``: any of ``name``, ``duration_min``, ``color``, ``credits``, ``capacity``,
        ``active``."""
        return (await self.change_type(type_id, **changes))[0]

    async def change_type(self, type_id: int, **changes: Any) -> tuple[SessionType, int]:
        """As :meth:`update_type`; also how many sessions still to come hold more clients than a
        capacity lowered now allows (they keep them: the office moves or calls the extra clients)."""
        reply = await self._request("session_type.update", {"id": type_id, "changes": changes})
        return self._type(reply), int(reply.get("sessions_over_capacity") or 0)

    async def delete_type(self, type_id: int) -> None:
        await self._request("session_type.delete", {"id": type_id})
        self.feed.drop_type(type_id)

    def _type(self, reply: dict[str, Any]) -> SessionType:
        session_type = SessionType.from_wire(reply["session_type"])
        self.feed.put_type(session_type)
        return session_type

    # -- import -------------------------------------------------------------------------
    async def import_directory(self, trainers: Sequence[dict[str, Any]] = (),
                               rooms: Sequence[dict[str, Any]] = (),
                               session_types: Sequence[dict[str, Any]] = ()) -> dict[str, int]:
        """All or nothing; a refusal is ``invalid`` with ``rows`` (see ``Invalid.rows``).

        The new entries arrive as ``*:created`` events.
        """
        reply = await self._request("directory.import", {
            "trainers": list(trainers), "rooms": list(rooms), "session_types": list(session_types)})
        created = reply.get("created") or {}
        return {str(k): int(v) for k, v in created.items() if isinstance(v, int)}

    # -- staff accounts -----------------------------------------------------------------
    async def load_accounts(self) -> list[Account]:
        reply = await self._request("account.list", {})
        accounts = [Account.from_wire(a) for a in reply.get("accounts") or () if isinstance(a, dict)]
        self.accounts.load(accounts)
        return accounts

    async def create_account(self, username: str, name: str, role: str,
                             trainer_id: int | None = None) -> NewAccount:
        data: dict[str, Any] = {"username": username, "name": name, "role": role}
        if trainer_id is not None:
            data["trainer_id"] = trainer_id
        reply = await self._request("account.create", data)
        account = Account.from_wire(reply["account"])
        self.accounts.put(account)
        return NewAccount(account, str(reply["password"]))

    async def reset_password(self, user_id: int) -> str:
        """A new one-time password for the account (its sign-ins end)."""
        reply = await self._request("account.reset_password", {"user_id": user_id})
        return str(reply["password"])

    async def update_account(self, user_id: int, **changes: Any) -> Account:
        """``changes``: any of ``name``, ``role``, ``trainer_id``, ``active``."""
        reply = await self._request("account.update", {"user_id": user_id, "changes": changes})
        account = Account.from_wire(reply["account"])
        self.accounts.put(account)
        return account

    async def set_own_password(self, current: str, new: str) -> None:
        await self._request("account.set_password", {"current": current, "new": new})
