"""``SwanServer``: owns the store, the hub and the gateway of one running server."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from ssl import SSLContext
from typing import Any

from argon2 import PasswordHasher

from ..protocol.frames import DEFAULT_PORT
from ..protocol.timefmt import format_ts, now_utc
from . import demo, logs, schedule
from .account_watch import AccountWatch
from .admin.passwords import PasswordWork
from .admin.service import StudioAdmin
from .auth import DEFAULT_TOKEN_TTL, Authenticator, issue_token_sync
from .backup.files import ServerLock
from .backup.service import LABEL as BACKUPS_LABEL
from .backup.service import Backups
from .calendar import Calendar
from .clients.service import ClientsFeature
from .collab import Collaboration
from .connection import Connection
from .fair_share import FairShare
from .features import FeatureContext
from .follower import EventFollower
from .gateway import Gateway, HttpRoute
from .group.service import StudioGroup
from .handlers import Dispatcher
from .hub import Hub
from .limits import Limits
from .metrics import Metrics
from .monitor import Monitor
from .monitor.feature_probes import collaboration_probe, notifications_probe
from .notifications import NotificationService, SmtpConfig
from .notifier_api import Notifier
from .pipeline import Pipeline
from .requests import CoreRequests
from .retention import Retention, prune_old
from .storage import dialect
from .store import Store
from .studio_ca_route import StudioCaRoute
from .throttle import SignInThrottle
from .updates import DesktopUpdates
from .worker import AsyncStore

log = logging.getLogger(__name__)

#: How often old events and old idempotency replies are pruned.
PRUNE_INTERVAL_S = 600.0


#: How long one part of the server may take to stop.
STOP_STEP_S = 3.0


class SwanServer:
    """A complete server on one SQLite file, or one instance of a studio group on a PostgreSQL
    database shared with other instances (``db_path`` a ``postgresql://`` URL).

    ``await start()`` opens the database (seeding a demo studio first when
    ``demo`` and the database has no trainers) and listens; ``port`` is then
    the actual port (``port=0`` picks a free one). ``await stop()`` closes
    connections, the worker thread and the database.

    ``ssl`` (a server :class:`ssl.SSLContext`) serves ``wss://`` and HTTPS;
    ``limits`` sets the request rate, connection and send-queue limits
    (:class:`~.limits.Limits`; the defaults when None). ``compression``
    offers per-message deflate (off by default: it costs CPU per recipient).
    """

    def __init__(
        self,
        db_path: str | Path,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        demo: bool = False,
        local_admin: bool = False,
        hasher: PasswordHasher | None = None,
        token_ttl: timedelta = DEFAULT_TOKEN_TTL,
        ssl: SSLContext | None = None,
        limits: Limits | None = None,
        compression: bool = False,
        smtp: SmtpConfig | None = None,
        backup_dir: str | Path | None = None,
    ) -> None:
        #: The database as given: a SQLite file's path or a ``postgresql://`` URL (never log it raw:
        #: :attr:`db_name` hides a password).
        self.db_target = str(db_path)
        self.db_path = Path(db_path)
        self.db_name = dialect.display(self.db_target)
        #: Other instances may share the database (PostgreSQL): their events are followed.
        self.shared = dialect.is_postgres(self.db_target)
        self.host = host
        self._requested_port = port
        self._demo = demo
        self._local_admin = local_admin
        self._hasher = hasher
        self._token_ttl = token_ttl
        self._ssl = ssl
        #: Where features send what people should hear about (see notifier_api).
        self.notifier: Notifier
        self.limits = limits if limits is not None else Limits()
        #: Browser origins allowed to open a WebSocket besides the server's own (``--allow-origin``).
        self.allowed_origins: frozenset[str] = frozenset()
        self._compression = compression
        self.metrics = Metrics()
        self.hub = Hub(self.metrics)
        self.store = AsyncStore(self.db_target, self.hub.publish)
        #: This instance among those on the database: heartbeat, the others' liveness (server/group/).
        self.group = StudioGroup(self.store, self.shared)
        #: Every change's hooks, stage by stage (see server/pipeline.py).
        self.pipeline = Pipeline(lambda: self.collab.config.wall())
        self.dispatcher = Dispatcher(self.store, self.metrics, self.pipeline,
                                     FairShare(self.limits.reads_per_user))
        #: ``GET /studio-ca.pem`` (its ``pem`` set by ``serve --tls auto``): desktops trust it on first use.
        self.studio_ca = StudioCaRoute()
        self._http_routes: list[HttpRoute] = [self.studio_ca]
        features = FeatureContext(self.store, self.dispatcher, self.hub, lambda: self.connections,
                                  lambda: self.notifier, self._http_routes)
        #: Presence, locks, conflict strategies, chat and activity (its ``config`` may be changed live).
        self.collab = Collaboration(features)
        self.collab.config = dataclasses.replace(self.collab.config, presence_rate=self.limits.presence_rate)
        self.collab.group = self.group
        #: Recurring series, working hours, the booking workflow with credits, ICS feeds.
        self.calendar = Calendar(features)
        #: Trainers, rooms, session types, time off, staff accounts and the studio's set-up.
        self.admin = StudioAdmin(features)
        #: Self-measurement: samples, history, /health, monitor.* (see server/monitor/). It
        #: observes the whole server (metrics, limits, connections), so it is given the server.
        self.monitor = Monitor(self)
        #: Where each service registers its health probe (``services.register(name, probe)``).
        self.services = self.monitor.services
        #: Notifications: stored per recipient, sent as events and (opted in) email.
        self.notifications = NotificationService(self.store, self.hub, smtp_config=smtp)
        self.notifier = self.notifications
        #: Client records, packages and the credit ledger, group sessions, reports, client emails.
        self.clients = ClientsFeature(features, lambda: self.notifications.smtp_config)
        self.notifications.studio_mail = self.clients.smtp_config  # staff notices use the studio's too
        self.clients.notices_made = self.notifications.reacted  # an erasure finds every notice
        schedule.install(self.dispatcher)
        self.collab.install()
        self.calendar.install()
        self.admin.install()
        self.notifications.install(features)
        self.clients.install()
        self.monitor.register(self.dispatcher)
        self._hash_pool: ThreadPoolExecutor | None = None
        #: Held while serving, so ``swan-server restore`` refuses to replace the file under us.
        #: (None on PostgreSQL: instances share the database by design; use pg_dump for backups).
        self._lock = ServerLock(self.db_path) if not self.shared else None
        if self.shared and backup_dir is not None:
            raise ValueError("--backup-dir copies a SQLite file; back a PostgreSQL database up with pg_dump")
        #: Daily backups with retention (``serve --backup-dir``); None without a directory.
        self.backups = Backups(self.db_path, Path(backup_dir)) if backup_dir is not None else None
        #: Follows the other instances' commits (PostgreSQL only).
        self.follower = EventFollower(self.db_target, self.store) if self.shared else None
        self._gateway: Gateway | None = None
        #: Closes or downgrades connections of users changed by another process.
        self.account_watch = AccountWatch(self.store, lambda: self.connections, self.limits.account_check_s)
        self._prune_task: asyncio.Task[None] | None = None
        #: How long notifications and activity entries are kept (``serve --keep-*-days``).
        self.retention = Retention()
        #: The oldest desktop served and the newest there is (``serve --min-desktop-version`` …).
        self.updates = DesktopUpdates()
        self._started = time.monotonic()
        self._core_installed = False
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "wss" if self._ssl is not None else "ws"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}/"

    @property
    def epoch(self) -> str:
        return self.store.epoch

    @property
    def connections(self) -> frozenset[Connection]:
        """The open client connections (read it on the server's loop thread)."""
        return frozenset(self._gateway.connections) if self._gateway is not None else frozenset()

    async def start(self) -> None:
        self._started = time.monotonic()
        logs.cap_frame_logging()  # also when embedded in an app that logs at DEBUG
        if self._lock is not None and not self._lock.acquire():
            log.warning("another process holds %s: is a second server using this database?", self._lock.path)
        await self.store.open()
        if self._demo:
            seeded = await self.store.run(demo.seed_if_empty)
            if seeded:
                log.info("seeded a demo studio into %s", self.db_name)
        if self._local_admin:
            await self.store.run(demo.ensure_local_admin)
        self.hub.last_seq = await self.store.run(lambda store: store.published)
        self._hash_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="swan-hash")
        auth = Authenticator(self.store, self._hash_pool, self._hasher, self._token_ttl,
                             SignInThrottle(self.limits))
        self.admin.use_passwords(PasswordWork(auth.hasher, self._hash_pool, auth.throttle))
        if not self._core_installed:
            CoreRequests(self.store, auth, self.dispatcher, self._started,
                         connections=lambda: self.connections, limits=self.limits,
                         updates=lambda: self.updates).install()
            self._core_installed = True
        await self.collab.start()
        await self.notifications.start()
        await self.clients.start()
        auth.on_failure = self.notifications.sign_in_failed
        self._gateway = Gateway(
            self.dispatcher, self.hub, self.metrics, self.health, self.limits, self._compression,
            metrics_token=self.monitor.metrics_token, metrics_open=self.monitor.metrics_open,
            allowed_origins=self.allowed_origins,
        )
        self._gateway.http_routes.extend(self._http_routes)
        self.port = await self._gateway.start(self.host, self._requested_port, self._ssl)
        await self.group.start(self.port)
        self.services.register("notifications", notifications_probe(self))
        self.services.register("collaboration", collaboration_probe(self))
        if self.backups is not None:
            self.services.register("backups", self.backups.probe, BACKUPS_LABEL)
            await self.backups.start()
        await self.monitor.start()
        await self.account_watch.start()
        if self.follower is not None:
            await self.follower.start()
        self._prune_task = asyncio.get_running_loop().create_task(self._prune_loop())
        log.info("swan-server listening on %s (db %s, epoch %s)", self.url, self.db_name, self.epoch)

    async def stop(self) -> None:
        """Stop every part, each within a bound: a part that hangs is named in the
        log and left behind, so the server still exits (and its data is safe: the
        store closes last, after every writer). The gateway goes first: desktops hear at
        once that this server is going (and, in a studio group, move to another instance)
        instead of waiting while the other parts take their turns."""
        if self._gateway is not None:
            await self._bounded("gateway", self._gateway.stop())
            self._gateway = None
        await self._bounded("monitor", self.monitor.stop())
        await self._bounded("account watch", self.account_watch.stop())
        if self.follower is not None:
            await self._bounded("event follower", self.follower.stop())
        if self.backups is not None:
            await self._bounded("backups", self.backups.stop())
        if self._prune_task is not None:
            self._prune_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._prune_task
            self._prune_task = None
        await self._bounded("reactions", self.dispatcher.settle())
        await self._bounded("clients", self.clients.stop())
        await self._bounded("collaboration", self.collab.stop())
        await self._bounded("notifications", self.notifications.stop())
        await self._bounded("instance registration", self.group.stop())
        await self.store.close()
        if self._lock is not None:
            self._lock.release()
        if self._hash_pool is not None:
            self._hash_pool.shutdown(wait=True)
            self._hash_pool = None

    @staticmethod
    async def _bounded(name: str, step: Awaitable[None], seconds: float = STOP_STEP_S) -> None:
        task = asyncio.ensure_future(step)
        done, _ = await asyncio.wait({task}, timeout=seconds)
        if not done:
            log.error("stopping the %s took over %.0f s; going on without it", name, seconds)
            task.cancel()
            return
        if not task.cancelled() and task.exception() is not None:
            log.error("stopping the %s failed", name, exc_info=task.exception())

    async def _prune_loop(self) -> None:
        while True:
            try:
                await self.prune_once()
            except Exception:
                log.exception("pruning failed")
            await asyncio.sleep(PRUNE_INTERVAL_S)

    async def prune_once(self) -> None:
        """Old events and request-log replies, then notifications and activity past their retention."""
        dropped = await self.store.run(Store.prune)
        if dropped:
            log.info("pruned %d old events", dropped)
        notes, entries = await self.store.run(prune_old, self.retention, now_utc())
        if notes or entries:
            log.info("pruned %d old notifications and %d old activity entries", notes, entries)

    async def issue_token(self, username: str = "admin") -> dict[str, Any]:
        """A token for ``username`` without a password: ``{"token", "expires_at", "user"}``."""
        account, token, expires = await self.store.run(issue_token_sync, username, self._token_ttl)
        return {"token": token, "expires_at": format_ts(expires), "user": account.user.to_wire()}

    async def health(self) -> dict[str, Any]:
        """``GET /health``: overall status plus every service's status, reason and since."""
        return await self.monitor.health_report()
