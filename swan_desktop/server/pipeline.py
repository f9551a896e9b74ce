"""The one mutation pipeline: every change to shared state runs through it.

A mutation request, already decoded into its typed message and authorised,
becomes a :class:`Change` and runs, inside one transaction on the store's
worker thread, through the hooks that the core and the features registered
for its request type, stage by stage::

    prepare → (expand) → validate → before_write → write → after_write

then its events (queued by the hooks as they go, in order) are written with
the change and its idempotency record, and committed together. After the
commit, the request type's ``react`` callbacks run on the loop (mentions →
notifications and the like), off the request path.

- ``prepare`` reads what the change is about (the session row, once) into
  ``change.before`` and parses the message into ``change.values``;
- an *expander* may turn one change into several (a series' occurrences);
  each runs the remaining stages and the expander combines their results;
- ``validate`` refuses (locks, versions and strategies, workflow rules);
- ``before_write`` completes and checks the new row in ``change.after``
  (references, time order, working hours, clashes);
- ``write`` stores it and queues the change's events (:meth:`Change.emit`);
- ``after_write`` records what follows from it in the same transaction
  (versions, activity, credits, series exceptions) and may attach data to
  the primary event (:meth:`Change.attach`).

A hook ends the change early with :meth:`Change.finish` (nothing to do, or a
strategy dropped it); later stages are skipped. Refusals are raised as
:class:`~swan_desktop.protocol.errors.ProtocolError` and roll everything back.
"""

from __future__ import annotations

import enum
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..protocol.entities import Session, User
from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.messages import Message
from ..protocol.timefmt import now_utc
from .store import Account, Store, Tx

log = logging.getLogger(__name__)


class Stage(enum.IntEnum):
    PREPARE = 0
    VALIDATE = 1
    BEFORE_WRITE = 2
    WRITE = 3
    AFTER_WRITE = 4


@dataclass(slots=True)
class Change:
    """One change in flight: the request, the rows before and after, and its events."""

    store: Store
    tx: Tx
    actor: Account
    rtype: str
    msg: Message
    #: The moment the change is made (one value for every hook).
    now: datetime
    #: The wall clock the features use for leases (seconds since the epoch).
    wall: float
    pipeline: Pipeline
    #: The stored row the change is about (None for a create).
    before: Session | None = None
    #: The row as it will be (or was) written.
    after: Session | None = None
    #: The fields the request sets, parsed (session changes), as hooks may adjust them.
    values: dict[str, Any] = field(default_factory=dict)
    #: The version the request was made against (hooks may move it on after a merge).
    version: int | None = None
    #: The reply's data; the write stage sets it, hooks may add to it.
    reply: dict[str, Any] = field(default_factory=dict)
    #: What features keep for their later hooks (by feature name).
    notes: dict[str, Any] = field(default_factory=dict)
    #: The change this one is part of (a series occurrence's parent), if any.
    parent: Change | None = None
    finished: bool = False
    _primary: dict[str, Any] | None = None
    _attached: dict[str, Any] = field(default_factory=dict)
    _wires: list[tuple[Session, dict[str, Any]]] = field(default_factory=list)

    @property
    def user(self) -> User:
        return self.actor.user

    def wire(self, session: Session) -> dict[str, Any]:
        """``session.to_wire()``, made once per change for each row it holds (``before``, the
        row as completed, the row as stored): the hooks of one change ask for the same few rows'
        wire forms many times. The same dict every time — read it, never change it; copy it
        (``dict(...)``) to put it into a reply or an event, which later hooks may add to."""
        for held, wire in self._wires:
            if held is session:
                return wire
        wire = session.to_wire()
        self._wires.append((session, wire))
        return wire

    def finish(self, reply: dict[str, Any] | None = None) -> None:
        """End the change here: later hooks and stages do not run."""
        if reply is not None:
            self.reply = reply
        self.finished = True

    def emit(self, kind: str, data: dict[str, Any], *, audience: frozenset[int] | None = None,
             primary: bool = False) -> None:
        """Queue an event on the transaction (written, with its ``seq``, at the commit).

        ``primary`` marks the change's own event (``session:updated`` …): what
        later hooks :meth:`attach` goes into its data.
        """
        if primary:
            data.update(self._attached)
            self._primary = data
        self.tx.emit(kind, data, self.actor.user, audience)

    def attach(self, key: str, value: Any) -> None:
        """Add ``key`` to the primary event's data (it is written at the commit, with the rest)."""
        self._attached[key] = value
        if self._primary is not None:
            self._primary[key] = value

    def child(self, msg: Message, *, before: Session | None = None) -> Change:
        """A change that is part of this one (same transaction, actor and moment)."""
        return Change(self.store, self.tx, self.actor, self.rtype, msg, self.now, self.wall, self.pipeline,
                      before=before, parent=self)


Hook = Callable[[Change], None]


class Expander(Protocol):
    """Turns one change into several (each runs validate … after_write), then combines them."""

    def expand(self, change: Change) -> list[Change] | None:
        """The parts, or None to run ``change`` as it is."""

    def combine(self, change: Change, done: list[Change],
                refused: list[tuple[Change, ProtocolError]]) -> None:
        """Set ``change.reply`` from the parts (or raise, naming the refused ones)."""


#: After the commit, on the loop: (actor, message, reply data, the change's notes).
Reaction = Callable[[Account, Message, dict[str, Any], dict[str, Any]], Awaitable[None]]


class Pipeline:
    """The hooks of every mutation request type, in stage and order."""

    def __init__(self, wall: Callable[[], float]) -> None:
        self._hooks: dict[str, dict[Stage, list[tuple[int, int, Hook]]]] = defaultdict(
            lambda: defaultdict(list))
        self._expanders: dict[str, Expander] = {}
        self._reactions: dict[str, list[Reaction]] = defaultdict(list)
        self._count = 0
        #: The wall clock given to each change (features' lease times follow it).
        self.wall = wall

    def hook(self, rtype: str, stage: Stage, fn: Hook, order: int = 50) -> None:
        """Run ``fn(change)`` at ``stage`` of every ``rtype`` change, lower ``order`` first."""
        self._count += 1
        hooks = self._hooks[rtype][stage]
        hooks.append((order, self._count, fn))
        hooks.sort(key=lambda h: (h[0], h[1]))

    def expander(self, rtype: str, expander: Expander) -> None:
        if rtype in self._expanders:
            raise ValueError(f"{rtype} already has an expander")
        self._expanders[rtype] = expander

    def react(self, rtype: str, reaction: Reaction) -> None:
        """Call ``reaction`` on the loop after an ``rtype`` change committed."""
        self._reactions[rtype].append(reaction)

    def reactions(self, rtype: str) -> list[Reaction]:
        return self._reactions.get(rtype, [])

    def handles(self, rtype: str) -> bool:
        return rtype in self._hooks

    # -- running ------------------------------------------------------------------------
    def begin(self, store: Store, tx: Tx, actor: Account, rtype: str, msg: Message) -> Change:
        return Change(store, tx, actor, rtype, msg, now_utc().replace(microsecond=0), self.wall(), self)

    def run(self, change: Change) -> dict[str, Any]:
        """Run ``change`` through every stage; returns its reply data."""
        self._stage(change, Stage.PREPARE)
        if change.finished:
            return change.reply
        expander = self._expanders.get(change.rtype)
        parts = expander.expand(change) if expander is not None and change.parent is None else None
        if parts is None or expander is None:
            self.run_rest(change)
            return change.reply
        done: list[Change] = []
        refused: list[tuple[Change, ProtocolError]] = []
        for part in parts:
            try:
                self.run_rest(part)
            except ProtocolError as err:
                if err.code is not ErrorCode.CONFLICT:
                    raise
                refused.append((part, err))
            else:
                done.append(part)
        expander.combine(change, done, refused)
        return change.reply

    def run_rest(self, change: Change) -> None:
        """Validate … after_write for a prepared change, then queue its events on the transaction."""
        for stage in (Stage.VALIDATE, Stage.BEFORE_WRITE, Stage.WRITE, Stage.AFTER_WRITE):
            if change.finished:
                break
            self._stage(change, stage)

    def _stage(self, change: Change, stage: Stage) -> None:
        for _, _, fn in self._hooks.get(change.rtype, {}).get(stage, ()):
            if change.finished:
                return
            fn(change)

    def nested(self, parent: Change, rtype: str, msg: Message) -> dict[str, Any]:
        """Run another request type's change inside ``parent``'s transaction (a notification's
        action confirming a session goes through the session's own hooks)."""
        child = Change(parent.store, parent.tx, parent.actor, rtype, msg, parent.now, parent.wall, self)
        return self.run(child)
