"""``Monitor``: samples the server every few seconds, keeps the history, answers ``monitor.*``,
reports ``/health``, and tells admins when a service degrades or recovers.

Wiring (in :class:`~swan_desktop.server.app.SwanServer`): build it after the
metrics and the store, ``register(dispatcher)`` once the dispatcher exists,
``await start()`` once listening and ``await stop()`` first when stopping.
``clock`` (wall-clock seconds) may be replaced before ``start()`` in tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any

from msgspec import Meta

from ...protocol.entities import Role
from ...protocol.errors import ErrorCode, ProtocolError, invalid
from ...protocol.messages import Empty, Message
from ..notifier_api import Notice, Recipients
from ..storage import dialect
from ..store import Store
from .exposition import MonitorCollector
from .history import RANGES, MonitorDb
from .probes import DatabaseProbe, GatewayProbe
from .sampler import Sampler
from .services import Health, ServiceHealth, ServiceState, StatusChange, iso

if TYPE_CHECKING:
    from ..app import SwanServer
    from ..connection import Connection
    from ..handlers import Dispatcher

log = logging.getLogger(__name__)
#: A database call that did not finish in time, or failed.
_FAILURES: tuple[type[Exception], ...] = (TimeoutError, *dialect.ERRORS)

SNAPSHOT = "monitor.snapshot"
HISTORY = "monitor.history"
STATUS_CHANGED = "monitor:status-changed"
#: Samples kept in memory while the database refuses writes, written once it takes them again.
UNSAVED_LIMIT = 720
SAMPLE_GRID_S = 5


def _emit_status(store: Store, data: dict[str, Any]) -> None:
    admins = frozenset(a.id for a in store.accounts() if a.role is Role.ADMIN)
    with store.transaction() as tx:
        tx.emit(STATUS_CHANGED, data, audience=admins)


class HistoryQuery(Message):
    """``monitor.history``: one range and, optionally, which series and whose (an instance's id;
    the answering instance's by default)."""

    range: str
    series: list[str] | None = None
    instance: Annotated[str, Meta(max_length=200)] | None = None


#: Figures each instance reports with its heartbeat (what ``instances[].figures`` carries).
REPORTED = ("connections", "active_users", "requests_per_s", "events_per_s", "error_rate",
            "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "cpu_percent", "memory_rss_bytes",
            "uptime_s", "db_probe_ms")


class Monitor:
    """See the module docstring. Runs on the server's loop thread."""

    def __init__(self, server: SwanServer, clock: Callable[[], float] = time.time) -> None:
        self._server = server
        self.clock = clock
        #: Seconds between samples.
        self.interval_s = 5.0
        #: ``GET /metrics`` needs ``Authorization: Bearer <token>``; without a token it is refused,
        #: unless ``metrics_open`` (``swan-server serve --metrics-open``) lets anyone read it.
        self.metrics_token: str | None = None
        self.metrics_open = False
        #: How long the database write probe waits for a lock held elsewhere.
        self.db_busy_timeout_s = 1.0
        self.services = ServiceHealth(lambda: self.clock())
        self.db: MonitorDb | None = None
        self.db_probe = DatabaseProbe(server.store, lambda: self.db)
        self.latest: dict[str, Any] | None = None
        #: The database's own figures as last measured (see ``MonitorDb.database_figures``).
        self.database: dict[str, Any] = {}
        self._db_counters: tuple[float, int, int] | None = None
        self.by_type: dict[str, dict[str, float | None]] = {}
        self._sampler: Sampler | None = None
        self._started = time.monotonic()
        self._running = False
        self._task: asyncio.Task[None] | None = None
        self._announcing: set[asyncio.Task[None]] = set()
        self._unsaved: deque[dict[str, Any]] = deque(maxlen=UNSAVED_LIMIT)
        server.metrics.registry.register(MonitorCollector(lambda: self if self._sampler else None))

    # -- lifecycle ---------------------------------------------------------------
    def register(self, dispatcher: Dispatcher) -> None:
        dispatcher.register(SNAPSHOT, Empty, self.handle_snapshot)
        dispatcher.register(HISTORY, HistoryQuery, self.handle_history)

    async def start(self) -> None:
        store = self._server.store
        self._started = time.monotonic()
        path, busy, instance = self._server.db_target, self.db_busy_timeout_s, self._server.group.id
        self.db = await store.run(lambda _store: MonitorDb(path, busy, instance))
        self._sampler = Sampler(self._server.metrics)
        self._running = True
        self.services.register("gateway", GatewayProbe(
            lambda: self._running, lambda: len(self._server.connections),
            lambda: self._server.limits.max_connections))
        self.services.register("database", self.db_probe)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self._running = False
        tasks = [t for t in (self._task, *self._announcing) if t is not None]
        # Python 3.11's wait_for can swallow a cancellation that lands just as its
        # inner future finishes, so a single cancel() may be lost: repeat until done.
        while tasks:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=0.2)
            tasks = [t for t in tasks if not t.done()]
        self._task = None
        self.services.unregister("gateway")
        self.services.unregister("database")
        if self.db is not None:
            db, self.db = self.db, None
            with contextlib.suppress(Exception):
                await self._server.store.run(lambda _store: db.close())

    async def _run(self) -> None:
        while self._running:
            try:
                await self.sample_now()
            except Exception:
                log.exception("monitor sample failed")
            await asyncio.sleep(self.interval_s)

    # -- measuring ---------------------------------------------------------------
    def uptime_s(self) -> float:
        return time.monotonic() - self._started

    def connection_counts(self) -> tuple[int, int]:
        conns = self._server.connections
        return len(conns), len({c.account.id for c in conns if c.account is not None})

    def process_figures(self) -> tuple[float, float]:
        assert self._sampler is not None
        return self._sampler.cpu_and_memory()

    def latest_figures(self) -> Mapping[str, object]:
        return self.latest or {}

    def service_states(self) -> list[ServiceState]:
        return self.services.states()

    async def check(self) -> list[StatusChange]:
        """Run every health probe; announce each status change."""
        changes = await self.services.check()
        for change in changes:
            task = asyncio.get_running_loop().create_task(self._announce(change))
            self._announcing.add(task)
            task.add_done_callback(self._announcing.discard)
        return changes

    async def sample_now(self) -> dict[str, Any]:
        """Check the services, measure every figure, and store the sample in the history."""
        assert self._sampler is not None, "monitor is not started"
        await self.check()
        now = self.clock()
        traffic, self.by_type = self._sampler.traffic()
        connections, users = self.connection_counts()
        notifications = self.services.state("notifications")
        email = notifications.figures.get("email_queue_depth") if notifications else None
        sample: dict[str, Any] = {
            "t": int(now // SAMPLE_GRID_S * SAMPLE_GRID_S),
            "connections": connections,
            "active_users": users,
            **traffic,
            "db_probe_ms": round(self.db_probe.last_seconds * 1000, 3)
            if self.db_probe.last_seconds is not None else None,
            **await self._database_sample(),
            "event_log_depth": await self._event_log_depth(),
            "email_queue_depth": email,
            **self._sampler.process(),
            "uptime_s": round(self.uptime_s(), 3),
            "services": {
                s.name: [s.status.value, int(s.status is Health.HEALTHY), int(s.status is not Health.UNKNOWN)]
                for s in self.services.states()
            },
        }
        self.latest = sample
        await self._save(sample)
        await self._report(sample)
        return sample

    async def _database_sample(self) -> dict[str, Any]:
        """The database's figures for the sample (rates from its counters since the last one)."""
        db = self.db
        figures: dict[str, Any] = {}
        if db is not None:
            try:
                figures = await asyncio.wait_for(
                    self._server.store.run(lambda _s: db.database_figures()), 2.0)
            except _FAILURES as exc:
                log.info("database figures not measured: %s", dialect.reason(exc))
        self.database = figures
        commits, rollbacks = None, None
        if "xact_commit" in figures:
            now = time.monotonic()
            before = self._db_counters
            self._db_counters = (now, figures["xact_commit"], figures["xact_rollback"])
            if before is not None and now > before[0]:
                commits = round((figures["xact_commit"] - before[1]) / (now - before[0]), 3)
                rollbacks = round((figures["xact_rollback"] - before[2]) / (now - before[0]), 3)
        figures["commits_per_s"], figures["rollbacks_per_s"] = commits, rollbacks
        return {"db_size_bytes": figures.get("size_bytes"), "db_connections": figures.get("connections"),
                "db_max_connections": figures.get("max_connections"), "db_commits_per_s": commits,
                "db_rollbacks_per_s": rollbacks, "db_replication_lag_s": figures.get("replication_lag_s")}

    def _reachable(self) -> bool:
        return self.db_probe.last_seconds is not None

    def _instance_report(self, sample: Mapping[str, Any]) -> dict[str, Any]:
        return {"status": self.services.overall().value,
                "database": "reachable" if self._reachable() else "unreachable",
                "figures": {k: sample.get(k) for k in REPORTED}}

    async def _report(self, sample: Mapping[str, Any]) -> None:
        """Tell the other instances how this one is (its heartbeat, with the sample's figures)."""
        try:
            await asyncio.wait_for(self._server.group.beat_now(self._instance_report(sample)), 5.0)
        except _FAILURES as exc:
            log.info("monitor report not written: %s", dialect.reason(exc))

    async def _event_log_depth(self) -> int | None:
        try:
            return await asyncio.wait_for(self._server.store.run(Store.count, "events"), 2.0)
        except _FAILURES:  # the database is reported on by its probe
            return None

    async def _save(self, sample: dict[str, Any]) -> None:
        self._unsaved.append(sample)
        db = self.db
        if db is None:
            return
        pending = list(self._unsaved)

        def write(_store: Store) -> None:
            for row in pending:
                db.write(row)

        try:
            await asyncio.wait_for(self._server.store.run(write), 5.0)
        except _FAILURES as exc:
            log.warning("monitor history not written (kept %d in memory): %s", len(self._unsaved),
                        dialect.reason(exc))
        else:
            for _ in pending:
                self._unsaved.popleft()

    # -- telling people -------------------------------------------------------------
    async def _announce(self, change: StatusChange) -> None:
        state, previous = change.state, change.previous
        notice: Notice | None = None
        if state.status in (Health.DEGRADED, Health.CRITICAL):
            notice = Notice(f"{state.label} is {state.status.value}", state.reason, category="system",
                            priority="critical" if state.status is Health.CRITICAL else "high",
                            source="monitor")
        elif state.status is Health.HEALTHY and previous in (Health.DEGRADED, Health.CRITICAL):
            notice = Notice(f"{state.label} recovered", f"Healthy again: {state.reason}",
                            category="system", priority="normal", source="monitor")
        if notice is not None:
            try:
                await self._server.notifier.notify(Recipients.admins(), notice)
            except Exception:
                log.exception("could not notify admins about %s", state.name)
        troubled = (Health.DEGRADED, Health.CRITICAL)
        if state.status not in troubled and previous not in troubled:
            return  # coming up or going down quietly is not news (keeps the event log calm)
        data = {**state.to_wire(), "previous": previous.value, "instance": self._server.group.id}
        try:
            await asyncio.wait_for(self._server.store.run(_emit_status, data), 10.0)
        except _FAILURES as exc:
            log.warning("status change of %s not published: %s", state.name, dialect.reason(exc))

    # -- answering -----------------------------------------------------------------
    async def health_report(self) -> dict[str, Any]:
        """``GET /health``: every service with status, reason and since, after a fresh check."""
        if self._running:
            await self.check()
        level = self.services.overall()
        database = self.services.state("database")
        connections, _ = self.connection_counts()
        return {
            "status": "ok" if level in (Health.HEALTHY, Health.UNKNOWN) else "degraded",
            "level": level.value,
            "uptime_s": round(self.uptime_s(), 3),
            "epoch": self._server.epoch,
            "seq": self._server.hub.last_seq,
            "connections": connections,
            "database": "ok" if database is not None and database.status is Health.HEALTHY else "error",
            "services": [s.to_wire() for s in self.services.states()],
        }

    async def handle_snapshot(self, conn: Connection, msg: Empty) -> dict[str, Any]:
        if self.latest is None:
            await self.sample_now()
        assert self.latest is not None
        connections, users = self.connection_counts()
        figures = {k: v for k, v in self.latest.items() if k not in ("t", "services")}
        figures.update(connections=connections, active_users=users, uptime_s=round(self.uptime_s(), 3))
        return {
            "instance": self._server.group.id,
            "instances": await self._instances(figures),
            "database": self._database_wire(),
            "at": iso(self.clock()),
            "sampled_at": iso(self.latest["t"]),
            "interval_s": self.interval_s,
            "status": self.services.overall().value,
            "services": [s.to_wire() for s in self.services.states()],
            "figures": figures,
            "latency_by_type": self.by_type,
        }

    async def _instances(self, figures: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every instance on the database as last reported; this one with its figures of now."""
        try:
            instances = await asyncio.wait_for(self._server.group.instances(), 2.0)
        except _FAILURES as exc:
            log.info("instances not read: %s", dialect.reason(exc))
            instances = []
        group = self._server.group
        assert group.identity is not None
        mine = next((i for i in instances if i["this"]), None)
        if mine is None:  # the database cannot say: this instance still can
            mine = {"id": group.id, "host": group.identity.host, "pid": group.identity.pid,
                    "port": group.identity.port, "started": iso(group.identity.started_at),
                    "last_seen": None, "this": True}
            instances.insert(0, mine)
        mine.update(self._instance_report(figures), state="up")
        return instances

    def _database_wire(self) -> dict[str, Any]:
        """The database as this instance sees it: its own figures and whether it answers."""
        figures = self.database
        keys = ("engine", "size_bytes", "connections", "max_connections", "commits_per_s", "rollbacks_per_s",
                "standby", "replicas", "replication_lag_s")
        out: dict[str, Any] = {k: figures.get(k) for k in keys}
        out["engine"] = out["engine"] or ("postgresql" if self._server.shared else "sqlite")
        out["reachable"] = self._reachable()
        database = self.services.state("database")
        out["status"] = database.status.value if database else Health.UNKNOWN.value
        out["reason"] = database.reason if database else ""
        return out

    async def handle_history(self, conn: Connection, msg: HistoryQuery) -> dict[str, Any]:
        range_name, series, instance = msg.range, msg.series, msg.instance
        if range_name not in RANGES:
            raise invalid(f"range must be one of {', '.join(RANGES)}", field="range")
        db = self.db
        if db is None:
            raise ProtocolError(ErrorCode.INTERNAL, "the monitor is not running")
        now = self.clock()
        return await self._server.store.run(lambda _store: db.history(range_name, now, series, instance))
