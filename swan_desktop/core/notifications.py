"""The signed-in user's notifications: a plain store fed by ``notification:*`` events, and its commands.

:class:`NotificationStore` keeps every notification the server sent this user
(with their own read / acknowledged / dismissed times), filters and counts in
Python so the Qt models stay thin, and computes the analytics view's figures.
:class:`NotificationCenter` loads it with ``notification.query`` and sends the
user's marks (durably, through the link's outbox: a mark made offline shows at
once, pending, and reaches the server once when it is back) and actions.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..net.link import OutboxResult, Queued
from ..net.outbox import OutboxEntry, OutboxError
from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.frames import Event
from ..protocol.timefmt import now_utc, parse_ts

log = logging.getLogger(__name__)

CATEGORIES = ("schedule", "system", "user", "financial", "security", "content", "performance")
PRIORITIES = ("low", "normal", "high", "critical")
RANGES = ("today", "week", "month", "all")


@dataclass(frozen=True)
class NoteAction:
    id: str
    label: str
    dangerous: bool = False


@dataclass(frozen=True)
class Note:
    id: int
    title: str
    message: str
    category: str
    priority: str
    source: str
    created_at: datetime
    links: dict[str, int] = field(default_factory=dict)
    actions: tuple[NoteAction, ...] = ()
    read_at: datetime | None = None
    acknowledged_at: datetime | None = None
    dismissed_at: datetime | None = None

    @classmethod
    def from_wire(cls, w: dict[str, Any]) -> Note:
        def ts(key: str) -> datetime | None:
            return parse_ts(w[key]) if w.get(key) else None

        return cls(id=int(w["id"]), title=str(w["title"]), message=str(w["message"]),
                   category=str(w["category"]), priority=str(w["priority"]), source=str(w.get("source", "")),
                   created_at=parse_ts(w["created_at"]), links=dict(w.get("links") or {}),
                   actions=tuple(NoteAction(str(a["id"]), str(a["label"]), bool(a.get("dangerous")))
                                 for a in w.get("actions") or ()),
                   read_at=ts("read_at"), acknowledged_at=ts("acknowledged_at"),
                   dismissed_at=ts("dismissed_at"))

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def open_critical(self) -> bool:
        return self.priority == "critical" and self.acknowledged_at is None and self.dismissed_at is None


@dataclass(frozen=True)
class Filter:
    category: str | None = None
    priority: str | None = None
    range: str = "all"
    text: str = ""
    unread_only: bool = False

    def start(self, now: datetime) -> datetime | None:
        if self.range == "today":
            return now.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.range == "week":
            return now - timedelta(days=7)
        if self.range == "month":
            return now - timedelta(days=30)
        return None

    def matches(self, n: Note, now: datetime) -> bool:
        if n.dismissed_at is not None:
            return False
        if self.category and n.category != self.category:
            return False
        if self.priority and n.priority != self.priority:
            return False
        if self.unread_only and not n.unread:
            return False
        start = self.start(now)
        if start is not None and n.created_at < start:
            return False
        needle = self.text.strip().casefold()
        return not needle or needle in f"{n.title}\n{n.message}\n{n.source}".casefold()


@dataclass(frozen=True)
class AckStats:
    count: int
    median_s: float
    p90_s: float


@dataclass(frozen=True)
class Analytics:
    total: int
    by_category: dict[str, int]
    by_hour: list[int]                      # 24 counts, local hour of day
    ack_by_category: dict[str, AckStats]
    ack_by_priority: dict[str, AckStats]


MARK_OPS = ("read", "unread", "acknowledge", "dismiss")


def apply_op(note: Note, op: str, at: datetime) -> Note:
    """How ``note`` looks after the user's mark ``op`` at ``at`` (the server's rules, for pending marks)."""
    if op == "read":
        return replace(note, read_at=note.read_at or at)
    if op == "unread":
        return replace(note, read_at=None, acknowledged_at=None)
    if op == "acknowledge":
        return replace(note, acknowledged_at=note.acknowledged_at or at, read_at=note.read_at or at)
    if op == "dismiss":
        return replace(note, dismissed_at=note.dismissed_at or at, read_at=note.read_at or at)
    raise ValueError(f"op must be one of {', '.join(MARK_OPS)}")


@dataclass(frozen=True)
class PendingMark:
    """A mark waiting in the outbox for the server (``request_id`` is its outbox entry)."""

    request_id: str
    ids: tuple[int, ...]
    op: str
    at: datetime


def _ack_stats(seconds: list[float]) -> AckStats:
    ordered = sorted(seconds)
    p90 = ordered[min(len(ordered) - 1, max(0, round(0.9 * len(ordered) + 0.5) - 1))]
    return AckStats(len(ordered), statistics.median(ordered), p90)


class NotificationStore:
    """Every notification of this user, by id; listeners hear about any change."""

    def __init__(self, clock: Callable[[], datetime] = now_utc) -> None:
        self._notes: dict[int, Note] = {}
        self._listeners: list[Callable[[], None]] = []
        #: Marks not yet answered by the server, oldest first; shown on top of what the server said.
        self.pending: dict[str, PendingMark] = {}
        #: Told about each notification seen for the first time through a live event.
        self.on_new: list[Callable[[Note], None]] = []
        self.clock = clock

    def __len__(self) -> int:
        return len(self._notes)

    def get(self, nid: int) -> Note | None:
        return self._notes.get(nid)

    def add_listener(self, fn: Callable[[], None]) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[], None]) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _changed(self) -> None:
        for fn in list(self._listeners):
            fn()

    def apply_event(self, event: Event) -> None:
        wire = event.data.get("notification")
        if not isinstance(wire, dict):
            return
        note = self._overlaid(Note.from_wire(wire))
        fresh = note.id not in self._notes
        self._notes[note.id] = note
        self._changed()
        if fresh and event.kind == "notification:created":
            for fn in list(self.on_new):
                try:
                    fn(note)
                except Exception:
                    log.exception("a new-notification listener failed")

    def replace_all(self, notes: Iterable[Note]) -> None:
        self._notes = {n.id: self._overlaid(n) for n in notes}
        self._changed()

    def _overlaid(self, note: Note) -> Note:
        for mark in self.pending.values():
            if note.id in mark.ids:
                note = apply_op(note, mark.op, mark.at)
        return note

    def add_pending(self, mark: PendingMark) -> None:
        """Show a mark the server has not answered yet (it stays on top of later server states)."""
        self.pending[mark.request_id] = mark
        for nid in mark.ids:
            note = self._notes.get(nid)
            if note is not None:
                self._notes[nid] = apply_op(note, mark.op, mark.at)
        self._changed()

    def settle(self, request_id: str) -> PendingMark | None:
        """The server answered a pending mark; its events (or a reload) now carry the truth."""
        mark = self.pending.pop(request_id, None)
        if mark is not None:
            self._changed()
        return mark

    def is_pending(self, nid: int) -> bool:
        return any(nid in m.ids for m in self.pending.values())

    def local_update(self, nid: int, **changes: Any) -> None:
        note = self._notes.get(nid)
        if note is not None:
            self._notes[nid] = replace(note, **changes)
            self._changed()

    def visible(self, flt: Filter | None = None) -> list[Note]:
        """Matching notifications, newest first (the center's rows)."""
        flt = flt or Filter()
        now = self.clock()
        return sorted((n for n in self._notes.values() if flt.matches(n, now)),
                      key=lambda n: (n.created_at, n.id), reverse=True)

    @property
    def unread(self) -> int:
        return sum(1 for n in self._notes.values() if n.unread and n.dismissed_at is None)

    @property
    def critical(self) -> int:
        return sum(1 for n in self._notes.values() if n.open_critical)

    def analytics(self, since: datetime | None, until: datetime | None = None,
                  tz: Any = None) -> Analytics:
        notes = [n for n in self._notes.values()
                 if (since is None or n.created_at >= since) and (until is None or n.created_at < until)]
        by_hour = [0] * 24
        for n in notes:
            by_hour[n.created_at.astimezone(tz).hour] += 1
        acks: dict[str, dict[str, list[float]]] = {"category": {}, "priority": {}}
        for n in notes:
            if n.acknowledged_at is not None:
                secs = max(0.0, (n.acknowledged_at - n.created_at).total_seconds())
                acks["category"].setdefault(n.category, []).append(secs)
                acks["priority"].setdefault(n.priority, []).append(secs)
        return Analytics(
            total=len(notes),
            by_category=dict(Counter(n.category for n in notes).most_common()),
            by_hour=by_hour,
            ack_by_category={k: _ack_stats(v) for k, v in acks["category"].items()},
            ack_by_priority={p: _ack_stats(acks["priority"][p]) for p in PRIORITIES if p in acks["priority"]},
        )


class Requester(Protocol):
    async def request(self, rtype: str, data: dict[str, Any], *,
                      timeout: float | None = None) -> dict[str, Any]: ...

    async def submit_and_wait(self, rtype: str, data: dict[str, Any],
                              timeout: float | None = None) -> dict[str, Any]: ...


class NotificationCenter:
    """The store plus the requests that load it and change the user's state on the server."""

    def __init__(self, link: Requester, store: NotificationStore | None = None) -> None:
        self._link = link
        self.store = store or NotificationStore()
        #: Told when a mark queued offline was refused by the server (a sentence for the user).
        self.on_refused: list[Callable[[str], None]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self) -> int:
        reply = await self._link.request("notification.query", {"limit": 1000})
        self.store.replace_all(Note.from_wire(w) for w in reply.get("notifications", []))
        return len(self.store)

    async def mark(self, ids: list[int], op: str) -> list[int]:
        """``op`` is read, unread, acknowledge or dismiss; the server's events update every PC.

        Goes through the outbox: when the server does not answer (offline), the
        mark is shown at once as pending and sent once when the link is back;
        the ids are returned as if updated. A refusal raises ProtocolError.
        """
        if op not in MARK_OPS:
            raise ProtocolError(ErrorCode.INVALID, f"op must be one of {', '.join(MARK_OPS)}")
        try:
            reply = await self._link.submit_and_wait("notification.mark", {"ids": list(ids), "op": op})
        except OutboxError as exc:
            raise ProtocolError(ErrorCode.INTERNAL, f"The mark could not be kept on this computer ({exc}); "
                                "nothing was sent.") from exc
        except Queued as queued:
            self.store.add_pending(PendingMark(queued.entry.id, tuple(ids), op, self.store.clock()))
            return list(ids)
        return [int(i) for i in reply.get("updated", [])]

    def restore_entry(self, entry: OutboxEntry) -> None:
        """After a restart: show a ``notification.mark`` the outbox still holds as pending."""
        ids = tuple(int(i) for i in entry.data.get("ids", ()))
        self.store.add_pending(PendingMark(entry.id, ids, str(entry.data.get("op")), self.store.clock()))

    def settle_result(self, result: OutboxResult) -> None:
        """The handler for answers to queued ``notification.mark`` requests (see ``ResultRouter``)."""
        self.settle(result.entry.id, result.error)

    def settle(self, request_id: str, error: ProtocolError | None) -> None:
        """A queued mark was answered: the server's events carry the state; a refusal is told in words."""
        mark = self.store.settle(request_id)
        if error is not None and mark is not None:
            text = f"Marking {len(mark.ids)} notification(s) as {mark.op} was refused: {error.message}"
            log.warning("%s", text)
            for fn in list(self.on_refused):
                fn(text)
            self._reload_soon()  # drop what the refused mark showed: the server's state stands

    def _reload_soon(self) -> None:
        async def reload() -> None:
            try:
                await self.load()
            except (ProtocolError, ConnectionError, OSError, TimeoutError) as err:
                log.info("notifications not reloaded after a refusal: %s", err)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(reload())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def email_prefs(self) -> dict[str, Any]:
        """The user's email settings on the server (confirmed address, opt-in, minimum priority,
        digest, and an address waiting for its code)."""
        reply = await self._link.request("notification.prefs.get", {})
        return dict(reply.get("prefs", {}))

    async def set_email_prefs(self, changes: dict[str, Any]) -> dict[str, Any]:
        """``prefs`` as saved, and for a new address ``confirmation``: whether its code was sent."""
        return dict(await self._link.request("notification.prefs.set", changes))

    async def confirm_email(self, code: str) -> dict[str, Any]:
        """Type back the code emailed to the waiting address; the prefs with it confirmed."""
        reply = await self._link.request("notification.email.confirm", {"code": code})
        return dict(reply.get("prefs", {}))

    async def resend_email_code(self) -> dict[str, Any]:
        """A new code for the waiting address: whether it was sent (``sent``, ``to``, ``detail``)."""
        reply = await self._link.request("notification.email.resend", {})
        return dict(reply.get("confirmation", {}))

    async def act(self, nid: int, action: str, *, confirm: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {"id": nid, "action": action}
        if confirm:
            data["confirm"] = True
        return await self._link.request("notification.action", data)
