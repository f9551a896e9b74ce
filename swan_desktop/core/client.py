"""The signed-in client: the live link, the event router and the stores it feeds.

It is also the app's implementation of :class:`~swan_desktop.core.actions.ScheduleActions`.
Every change goes through the link's durable outbox. While the server answers,
a change's outcome comes back to the caller (so a dialog can show a refusal
next to its field); when it does not, the change is shown at once as pending,
and its outcome arrives later: applied, or refused and listed in
:meth:`StudioClient.failed_changes` for the user to retry, edit or discard.

This client (with the event router) is the one writer of the schedule store:
it stores each answer before a command returns, so the UI shows it at once
and never writes it again. Answers to queued changes are routed by request
type (:class:`~swan_desktop.core.results.ResultRouter`) to the handler each
feature registered.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import ssl
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..net.connection import AuthInfo
from ..net.link import Link, LinkState, Queued
from ..net.outbox import Outbox, OutboxEntry, OutboxError
from ..net.tls import Trust
from ..protocol.entities import Client, Session, User
from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.timefmt import format_ts, now_utc
from ..protocol.validation import session_fields
from .admin import AdminClient
from .calendar import CalendarClient
from .clients import PREFIXES as CLIENT_EVENTS
from .clients import ClientsClient
from .collab import CollabClient
from .directory import Directory
from .directory_feed import PREFIXES as DIRECTORY_EVENTS
from .directory_feed import DirectoryFeed
from .events import EventRouter
from .monitor import MonitorStore
from .notifications import NotificationCenter
from .offline_cache import Snapshot, snapshot_now
from .outcomes import outcome_of
from .pending import SESSION_CHANGES, FailedChange, PendingChanges, learn_from_refusal
from .results import ResultRouter
from .schedule import ScheduleStore

log = logging.getLogger(__name__)

_temp_ids = itertools.count(-1, -1)


__all__ = ["FailedChange", "StudioClient", "outbox_path"]


def outbox_path(folder: Path, url: str, user_id: int) -> Path:
    """One outbox per server and user: requests are idempotent per user."""
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"outbox-{key}-{user_id}.sqlite3"


class StudioClient:
    """Everything one signed-in user of one server needs, without Qt."""

    def __init__(self, url: str, *, outbox_dir: Path, ssl_context: ssl.SSLContext | Trust | None = None,
                 **link_options: Any) -> None:
        self.url = url
        self.store = ScheduleStore()
        self.router = EventRouter()
        self.router.register("session:", self.store.apply_event)
        #: The system monitor's figures (filled by the monitor pane; admins only).
        self.monitor = MonitorStore()
        self.router.register("monitor:", self.monitor.apply_event)
        self.link = Link(url, lambda auth: Outbox(outbox_path(outbox_dir, self.url, auth.user.id)),
                         ssl_context=ssl_context, **link_options)
        #: The user's notifications (fed by ``notification:*`` events, loaded after sign-in and resync).
        self.notifications = NotificationCenter(self.link)
        self.router.register("notification:", self.notifications.store.apply_event)
        #: Presence, locks, chat and the activity feed (loaded after sign-in and resync).
        self.collab = CollabClient(self.link)
        #: Series, scoped changes, check-in, working hours; credits from allocation:updated.
        self.calendar = CalendarClient(self.link, self.store)
        self.router.register("allocation:", self.calendar.apply_event)
        for prefix in ("presence:", "lock:", "chat:", "session:", "studio:", "user:"):
            self.router.register(prefix, self.collab.apply_event)
        #: Studio administration; its events keep every PC's directory current.
        self.admin = AdminClient(self.link.request, DirectoryFeed(self.store))
        for prefix in DIRECTORY_EVENTS:
            self.router.register(prefix, self.admin.feed.apply_event)
        self.router.register("user:", self.admin.accounts.apply_event)
        #: Clients, packages, credits, waitlists, group bookings and reports.
        self.clients = ClientsClient(self.link.request, self.store, self.admin.feed)
        for prefix in CLIENT_EVENTS:
            self.router.register(prefix, self.clients.store.apply_event)
        self.router.register("client:erased", self.clients.erased)
        self.link.cursor = lambda: self.router.cursor
        self.link.on_sync_reply = self._sync_reply
        self.link.on_synced = self._synced
        self.link.on_event = self.router.dispatch
        #: Schedule changes waiting for (or refused by) the server, shown in the store.
        self.pending = PendingChanges(self.link, self.store)
        #: Answers to queued changes, by request type (as events are routed by kind).
        self.results = ResultRouter(lambda request_id: self.link.outbox.discard(request_id))
        for rtype in SESSION_CHANGES:
            self.results.register(rtype, self.pending.settle, self.pending.restore)
        self.results.register("notification.mark", self.notifications.settle_result,
                              self.notifications.restore_entry, keep_refused=False)
        self.link.on_result = self.results.dispatch
        #: Told when the server could not replay what we missed and we reloaded.
        self.on_resynced: Callable[[], None] | None = None
        self._signed_in = False
        self._directory_wire: dict[str, Any] = {}

    @property
    def on_failed(self) -> Callable[[FailedChange], None] | None:
        """Told when a queued change was refused (for the user to decide)."""
        return self.pending.on_failed

    @on_failed.setter
    def on_failed(self, callback: Callable[[FailedChange], None] | None) -> None:
        self.pending.on_failed = callback

    @property
    def auth(self) -> AuthInfo | None:
        return self.link.auth

    @property
    def user(self) -> User | None:
        return self.link.auth.user if self.link.auth else None

    @property
    def connection_state(self) -> LinkState:
        return self.link.state

    # -- lifecycle -------------------------------------------------------
    async def sign_in(self, credentials: dict[str, Any]) -> AuthInfo:
        """Connect, authenticate, sync and load the directory; then stay live."""
        auth = await self.link.connect(credentials)
        await self._load_directory()
        await self._load_notifications()
        await self._load_collab()
        self._signed_in = True
        self.results.restore(self.link.outbox.pending())
        return auth

    def set_url(self, url: str) -> None:
        """Before signing in: the server's address, when it is known only later (the
        embedded server listens once started, while the window already shows)."""
        self.url = url
        self.link.url = url

    def start_offline(self, token: str, snapshot: Snapshot) -> None:
        """Open on the last copy of the schedule while the server cannot be reached.

        Changes queue in the outbox as usual; when the server answers, the link
        signs in with ``token`` and everything is reloaded from the server.
        """
        self._directory_wire = dict(snapshot.directory)
        self.store.set_directory(Directory.from_wire(snapshot.directory))
        self.store.load(Session.from_wire(s) for s in snapshot.sessions)
        self.link.start_offline(token, snapshot.user)
        self._signed_in = True  # the first sync is not a recovery: it reloads everything
        self.results.restore(self.link.outbox.pending())

    def snapshot(self) -> Snapshot | None:
        """What to keep for opening offline next time (None before a sign-in)."""
        if self.user is None or not self._directory_wire:
            return None
        sessions = [s.to_wire() for s in self.store.all_sessions() if s.id > 0]
        # What administration changed since the directory was loaded is in the store's directory.
        directory = {**self._directory_wire, **self.store.directory.to_wire()}
        return snapshot_now(self.user, directory, sessions)

    async def close(self) -> None:
        self.collab.close()
        await self.link.stop()

    def _sync_reply(self, data: dict[str, Any]) -> None:
        # Runs in the reader before the events behind the reply: a fresh cursor
        # must be in place before the first live event of the new epoch arrives.
        if not data.get("recovered"):
            self.router.reset(str(data["epoch"]), int(data["seq"]))

    async def _synced(self, data: dict[str, Any]) -> None:
        if self._signed_in and not data.get("recovered"):
            log.info("history not replayable; reloading")
            await self._load_directory()
            await self._load_notifications()
            await self._load_collab()
            self.clients.store.resynced()  # missed events: the clients views fetch again
            if self.on_resynced is not None:
                self.on_resynced()

    async def _load_directory(self) -> None:
        """The directory, then its further pages of clients (a studio with more than fit one
        reply). Each page is put in as it comes: it was read after every event that reached
        this client before it, so it is never older than what those events said."""
        directory = await self.link.request("directory.query", {})
        self._directory_wire = dict(directory)
        self.store.set_directory(Directory.from_wire(directory))
        page: dict[str, Any] = {"more": directory.get("clients_more"),
                                "after": directory.get("clients_after")}
        while page.get("more") and isinstance(page.get("after"), int):
            after = page["after"]
            page = await self.link.request("directory.clients", {"after": after})
            self.store.directory.clients.update(
                (c.id, c) for c in map(Client.from_wire, page.get("clients", [])))
            self.store.set_directory(self.store.directory)
            if page.get("after") == after:
                break

    async def _load_notifications(self) -> None:
        try:
            await self.notifications.load()
        except ProtocolError as err:  # an older server without notifications
            log.warning("notifications not loaded: %s", err)

    async def _load_collab(self) -> None:
        try:
            await self.collab.load()
        except ProtocolError as err:  # an older server without collaboration
            log.warning("collaboration not loaded: %s", err)

    # -- queries ---------------------------------------------------------
    async def load_range(self, start: datetime, end: datetime) -> int:
        """Fetch sessions overlapping ``[start, end)`` into the store; returns how many."""
        sessions, as_of = await self.query_range(start, end)
        self.store.replace_range(start, end, sessions, as_of)
        return len(sessions)

    async def query_range(self, start: datetime, end: datetime,
                          trainer_id: int | None = None) -> tuple[list[Session], int | None]:
        """Every session overlapping ``[start, end)`` (of one trainer, if given), page after page,
        and the event-log position of the first page: an event after it that this client applied
        is newer than what the pages say (the events arrive before the later pages)."""
        request: dict[str, Any] = {"start": format_ts(start), "end": format_ts(end)}
        if trainer_id is not None:
            request["trainer_id"] = trainer_id
        sessions: list[Session] = []
        as_of: int | None = None
        while True:
            reply = await self.link.request("schedule.query", request)
            sessions.extend(Session.from_wire(s) for s in reply.get("sessions", []))
            if as_of is None and isinstance(reply.get("seq"), int):
                as_of = reply["seq"]
            after = reply.get("after")
            if not reply.get("more") or not isinstance(after, str) or after == request.get("after"):
                return sessions, as_of
            request["after"] = after

    # -- ScheduleActions -------------------------------------------------
    async def create_session(self, fields: dict[str, Any], *, allow_overlap: bool = False) -> Session:
        data = dict(fields)
        if allow_overlap:
            data["allow_overlap"] = True
        session = await self._change("session.create", data, None, self._optimistic_create(fields))
        assert session is not None
        return session

    async def update_session(self, session_id: int, version: int, changes: dict[str, Any], *,
                             allow_overlap: bool = False) -> Session:
        if session_id < 0:
            raise ProtocolError(ErrorCode.INVALID, "This session is still waiting to be saved; "
                                "edit it once the server has it.")
        data: dict[str, Any] = {"id": session_id, "version": version, "changes": changes}
        token = self.collab.locks.token_for(session_id)
        if token is not None:  # fencing: refused if the lock lapsed and someone took it
            data["lock_token"] = token
        if allow_overlap:
            data["allow_overlap"] = True
        before = self.store.get(session_id)
        after = None
        if before is not None:
            parsed = session_fields(changes, partial=True)
            after = before.with_changes(**parsed, version=version + 1, updated_at=now_utc(),
                                        updated_by=self.user.id if self.user else None)
        session = await self._change("session.update", data, before, after)
        assert session is not None
        return session

    async def delete_session(self, session_id: int, version: int) -> None:
        if session_id < 0:
            raise ProtocolError(ErrorCode.INVALID, "This session is still waiting to be saved.")
        token = self.collab.locks.token_for(session_id)
        data: dict[str, Any] = {"id": session_id, "version": version}
        if token is not None:
            data["lock_token"] = token
        await self._change("session.delete", data,
                           self.store.get(session_id), None, deleting=session_id)

    async def _change(self, kind: str, data: dict[str, Any], before: Session | None,
                      after: Session | None, deleting: int | None = None) -> Session | None:
        try:
            reply = await self.link.submit_and_wait(kind, data)
        except OutboxError as exc:
            raise ProtocolError(ErrorCode.INTERNAL, f"Your change could not be kept on this computer "
                                f"({exc}). Nothing was sent; free some space and save again.") from exc
        except Queued as queued:
            return self.pending.show(queued.entry, before, after, deleting)
        except ProtocolError as exc:
            learn_from_refusal(self.store, kind, data, outcome_of(exc))
            raise
        if kind == "session.delete":
            self.store.remove(int(data["id"]))
            return None
        session = Session.from_wire(reply["session"])
        self.store.upsert(session)
        return session

    def _optimistic_create(self, fields: dict[str, Any]) -> Session:
        """How a new session looks until the server has it (a temporary negative id).

        Fields the server would refuse raise ``invalid`` here, before anything is queued.
        """
        parsed = session_fields(fields, partial=False)
        return Session(id=next(_temp_ids), version=0, updated_at=now_utc(),
                       updated_by=self.user.id if self.user else None, **parsed)

    # -- refused queued changes, for the user to decide -----------------------------
    def failed_changes(self) -> list[FailedChange]:
        return self.pending.failed_changes()

    def discard_failed(self, request_id: str) -> None:
        """Drop a refused change: the server's version stands."""
        self.pending.discard_failed(request_id)

    def retry_failed(self, request_id: str) -> OutboxEntry | None:
        """Send a refused change again on top of the current version, as a new request."""
        return self.pending.retry_failed(request_id)
