"""The calendar from the desktop's side: series and scoped changes, check-in, working hours,
and clients' credits kept current from ``allocation:updated`` events.

Part of the core client: like it, it stores the server's answers (and what a
refusal says about a session) before a command returns."""

from __future__ import annotations

from typing import Any

from ..net.link import Link
from ..protocol.entities import Client, Session
from ..protocol.errors import ProtocolError
from ..protocol.frames import Event
from .outcomes import outcome_of
from .pending import learn_from_refusal
from .schedule import ScheduleStore

#: How a change to one occurrence of a series reaches the others.
SCOPES = ("this", "following", "series")


class CalendarClient:
    def __init__(self, link: Link, store: ScheduleStore) -> None:
        self._link = link
        self._store = store

    def apply_event(self, event: Event) -> None:
        """``allocation:updated``: the client's credits as they now are."""
        if event.kind == "allocation:updated" and isinstance(event.data.get("client"), dict):
            wire = event.data["client"]
            if "name" in wire:
                client = Client.from_wire(wire)
                self._store.directory.clients[client.id] = client

    def credits(self, client_id: int | None) -> int | None:
        client = self._store.directory.clients.get(client_id) if client_id is not None else None
        return client.credits if client is not None else None

    async def create_series(self, fields: dict[str, Any], rrule: str, *, allow_overlap: bool = False,
                            tz: str | None = None) -> list[Session]:
        data: dict[str, Any] = {**fields, "recurrence": {"rrule": rrule, **({"tz": tz} if tz else {})}}
        if allow_overlap:
            data["allow_overlap"] = True
        reply = await self._submit("session.create", data)
        return self._keep(reply)

    async def update_scoped(self, session_id: int, version: int, changes: dict[str, Any], scope: str, *,
                            allow_overlap: bool = False) -> list[Session]:
        data: dict[str, Any] = {"id": session_id, "version": version, "changes": changes, "scope": scope}
        if allow_overlap:
            data["allow_overlap"] = True
        return self._keep(await self._submit("session.update", data))

    async def delete_scoped(self, session_id: int, version: int, scope: str) -> list[int]:
        reply = await self._submit("session.delete", {"id": session_id, "version": version, "scope": scope})
        gone = [int(i) for i in reply.get("deleted", [session_id])]
        for sid in gone:
            self._store.remove(sid)
        return gone

    async def checkin(self, session_id: int, attendance: str) -> Session:
        data = {"id": session_id, "attendance": attendance}
        reply = await self._submit("session.checkin", data)
        return self._keep(reply)[0]

    async def cancel_giving_credit_back(self, session_id: int, version: int, reason: str) -> Session:
        """Admins: cancel with ``restore_credit`` (the credit comes back whatever the window says)."""
        data = {"id": session_id, "version": version, "restore_credit": True,
                "changes": {"status": "cancelled", "cancel_reason": reason}}
        return self._keep(await self._submit("session.update", data))[0]

    async def availability(self) -> dict[str, Any]:
        return dict(await self._link.request("availability.get", {}))

    async def _submit(self, rtype: str, data: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self._link.submit_and_wait(rtype, data)
        except ProtocolError as exc:
            learn_from_refusal(self._store, rtype, data, outcome_of(exc))
            raise

    def _keep(self, reply: dict[str, Any]) -> list[Session]:
        wires = reply.get("sessions") or [reply["session"]]
        sessions = [Session.from_wire(w) for w in wires]
        for s in sessions:
            self._store.upsert(s)
        return sessions
