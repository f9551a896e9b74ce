"""Composition root: builds the app, signs in (or starts the embedded server),
shows the window and shuts everything down cleanly.

Only this module knows that an embedded server exists.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

os.environ.setdefault("QT_API", "pyside6")

import qasync
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from .. import __version__
from ..core import offline_cache
from ..core.client import StudioClient
from ..core.outcomes import UpdateRequired, outcome_of
from ..net import cleartext
from ..net.connection import (
    CertificateRejected,
    ConnectionLost,
    ImpersonationSuspected,
    RequestTimeout,
    is_auth_failure,
)
from ..net.tls import Trust, TrustFileError
from ..protocol.entities import Role
from ..protocol.errors import ProtocolError
from ..server.embedded_process import START_TIMEOUT_S, EmbeddedProcess
from ..settings import paths, secrets, trusted_servers
from ..settings.config import Settings
from ..settings.logging_setup import setup_logging
from . import crash_dialog, quitting, resources, single_instance
from .connection_settings_dialog import ConnectionSettingsDialog
from .controller import ScheduleController
from .desktop_shell import DesktopShell
from .edit_menu import install_edit_menu
from .features import Features, install_features
from .gc_guard import APP_THRESHOLDS, GuiThreadCollector
from .login_dialog import LoginDialog
from .main_window import MainWindow
from .preferences import Preferences
from .schedule_pane import SchedulePane
from .settings_pages.connection import Account
from .single_instance import InstanceServer
from .trust_prompt import trust_on_first_use
from .update_notice import show_available as show_update_available

log = logging.getLogger(__name__)

SELF_TEST_TIMEOUT_S = 60.0
#: When start-up is over (window shown, today's schedule loaded) for the collector.
SETTLE_AFTER_MS = 3000
#: The other panes are built once today's schedule is in, or after this long at most.
FEATURES_AFTER_S = 2.0
SIGNED_OUT = -1  # _show's result when the user signed out: ask to sign in again


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="swan-desktop", description="Swan Desktop")
    parser.add_argument("--server", metavar="URL",
                        help="connect to this swan-server (ws://HOST:PORT or wss://…) "
                             "instead of the embedded demo studio; several comma-separated "
                             "(a studio group's instances) are tried in turn")
    parser.add_argument("--ca-file", metavar="PEM",
                        help="trust this certificate authority (a studio's own) for wss:// servers")
    parser.add_argument("--self-test", action="store_true",
                        help="start, load today's schedule, print a summary and quit")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="with --self-test: save a picture of the window once loaded")
    parser.add_argument("--minimized", action="store_true",
                        help="start in the tray (or minimised when the desktop has no tray)")
    parser.add_argument("--version", action="version", version=f"swan-desktop {__version__}")
    return parser.parse_args(argv)


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


async def _wait_dialog(dialog: LoginDialog, url_settings: Settings, trust: Trust,
                       notice: str = "") -> StudioClient | None:
    """Show the sign-in dialog until a sign-in works or the user cancels (``notice``: why it shows)."""
    done: asyncio.Future[StudioClient | None] = asyncio.get_running_loop().create_future()

    async def attempt(values: dict[str, Any]) -> None:
        plain = cleartext.refused_host(values["server"], url_settings.plain_hosts)
        if plain:  # before any connection: not a frame leaves this computer
            dialog.show_error(cleartext.refusal(plain), settings=True)
            return
        client = StudioClient(values["server"], outbox_dir=paths.outbox_dir(), ssl_context=trust)
        try:
            auth = await client.sign_in({"username": values["username"],
                                         "password": values["password"]})
        except CertificateRejected as exc:
            await client.close()
            url = exc.url or values["server"]
            if isinstance(exc, ImpersonationSuspected) or not trust.may_ask(url):
                dialog.show_error(str(exc))
                return
            why = await trust_on_first_use(url, dialog)  # pinned when the user accepts
            if why:
                dialog.show_error(why)
            else:
                await attempt(values)  # now verified against the pinned CA: asked once at most
            return
        except (ConnectionLost, RequestTimeout, OSError) as exc:
            await client.close()
            dialog.show_error(f"Cannot reach the server: {exc}")
            return
        except ProtocolError as exc:
            await client.close()
            dialog.show_error(exc.message)
            return
        url_settings.server_url = values["server"]
        url_settings.last_username = values["username"]
        url_settings.save()
        if values["remember"] and not secrets.save_token(values["server"], values["username"],
                                                          auth.token):
            log.warning("sign-in will not be remembered: no keyring")
        if not done.done():
            done.set_result(client)
        dialog.accept()

    def connection_settings(url: str) -> None:
        ConnectionSettingsDialog(url_settings, url, dialog).open()

    dialog.submitted.connect(lambda values: asyncio.ensure_future(attempt(values)))
    dialog.connectionSettingsRequested.connect(connection_settings)
    dialog.rejected.connect(lambda: _resolve(done, None))
    quitting.when_asked(dialog.reject)  # a log-out now: no sign-in
    dialog.open()
    if notice:
        dialog.show_error(notice, settings=bool(cleartext.refused_host(dialog.values()["server"],
                                                                       url_settings.plain_hosts)))
    try:
        return await done
    finally:
        quitting.when_asked(None)


async def sign_in(url: str, settings: Settings, trust: Trust | None = None,
                  notice: str = "") -> StudioClient | None:
    """Remembered token first, then the dialog. None when the user cancels.

    With ``notice`` (the server ended the last sign-in) the dialog shows it and
    no remembered sign-in is tried. ``trust``: what wss:// certificates must chain
    to (the system's store and the studio CAs trusted on first use when None).
    """
    trust = trust or Trust(pins=trusted_servers.pinned)
    username = settings.last_username if settings.server_url == url else ""
    plain = cleartext.refused_host(url, settings.plain_hosts)
    if plain and not notice:  # a token is as good as a password: not sent in clear either
        notice = cleartext.refusal(plain)
    token = secrets.load_token(url, username) if username and not notice else None
    if token:
        client = StudioClient(url, outbox_dir=paths.outbox_dir(), ssl_context=trust)
        try:
            await client.sign_in({"token": token})
            return client
        except ProtocolError as exc:
            await client.close()
            if is_auth_failure(exc):
                secrets.forget_token(url, username)
            log.info("remembered sign-in refused: %s", exc.message)
            refused = outcome_of(exc)
            if isinstance(refused, UpdateRequired):  # said at once, not after a password
                return await _wait_dialog(LoginDialog(url, username), settings, trust, refused.message)
        except (ConnectionLost, RequestTimeout, OSError) as exc:
            await client.close()
            log.warning("server unreachable with remembered sign-in: %s", exc)
            if isinstance(exc, ImpersonationSuspected):
                notice = str(exc)
            snapshot = offline_cache.load(paths.outbox_dir(), url, username)
            if snapshot is not None and not isinstance(exc, CertificateRejected):
                log.info("opening offline on the copy kept at %s", snapshot.saved_at)
                client = StudioClient(url, outbox_dir=paths.outbox_dir(), ssl_context=trust)
                client.start_offline(token, snapshot)
                return client
    return await _wait_dialog(LoginDialog(url, username), settings, trust, notice)


def ended_notice(reason: str) -> str:
    """What the sign-in dialog says after the server ended this user's access ("" if it did not)."""
    if not reason:
        return ""
    return f"You were signed out: {reason}. Ask the studio's administrator if this is a mistake."


def keep_offline_copy(client: StudioClient, settings: Settings) -> None:
    """On the way out: keep the schedule for an offline start, if the sign-in is remembered."""
    username = settings.last_username
    if client.url != settings.server_url or not username or not secrets.load_token(client.url, username):
        return
    snapshot = client.snapshot()
    if snapshot is not None:
        offline_cache.save(paths.outbox_dir(), client.url, username, snapshot)


async def run(args: argparse.Namespace, instance: InstanceServer | None = None) -> int:
    loop = asyncio.get_running_loop()
    crash_dialog.install(loop)
    settings = Settings.load()
    url = args.server or settings.server_url
    embedded: EmbeddedProcess | None = None
    client: StudioClient | None
    trust = Trust(pins=trusted_servers.pinned)
    early: tuple[SchedulePane, MainWindow] | None = None
    if not url:
        # The embedded server runs in a process of its own (its modules and data are not
        # the desktop's memory), started first: it starts while the window is built and
        # shown; the client learns the address once it listens.
        embedded = EmbeddedProcess(paths.embedded_db_path(), demo=True,
                                   log=paths.log_dir() / "embedded-server.log")
        embedded.start()
        try:
            client = StudioClient("ws://127.0.0.1/", outbox_dir=paths.outbox_dir())
            if args.self_test or not (args.minimized or Preferences().get("startup/minimized")):
                early = _early_window(client, args)
                await _first_paint(early[1])
            grant = await asyncio.wait_for(loop.run_in_executor(None, embedded.handover), START_TIMEOUT_S)
            client.set_url(grant.url)
            await client.sign_in({"token": grant.token})
        except BaseException:
            await loop.run_in_executor(None, embedded.stop)
            raise
    else:
        try:
            trust = Trust(args.ca_file or settings.ca_file or None, trusted_servers.pinned)
        except TrustFileError as exc:
            print(f"swan-desktop: {exc}", file=sys.stderr)
            return 2
        client = await sign_in(url, settings, trust)
        if client is None:
            return 0
    try:
        code = await _show(client, args, settings, instance, embedded=embedded is not None, early=early)
        while code == SIGNED_OUT:
            offline_cache.forget(paths.outbox_dir(), client.url, settings.last_username)
            notice = ended_notice(client.link.ended_reason)
            if notice:
                secrets.forget_token(client.url, settings.last_username)
            await client.close()
            client = await sign_in(args.server or settings.server_url or url, settings, trust, notice)
            if client is None:
                return 0
            code = await _show(client, args, settings, instance)
        return code
    finally:
        if client is not None:
            if embedded is None:
                keep_offline_copy(client, settings)
            await client.close()
        if embedded is not None:
            await loop.run_in_executor(None, embedded.stop)


def _early_window(client: StudioClient, args: argparse.Namespace) -> tuple[SchedulePane, MainWindow]:
    """The schedule pane and the window, shown before the embedded server has started."""
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    window.statusBar().showMessage("Starting the studio…")
    if args.self_test:
        _report_first_paint(window)
    window.show()
    return pane, window


async def _first_paint(window: MainWindow, timeout: float = 1.0) -> None:
    """Let the window paint before more work takes the loop (bounded by ``timeout``)."""
    painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    spy = _FirstPaint(window, lambda: _resolve(painted, None))
    window.installEventFilter(spy)
    try:
        await asyncio.wait_for(painted, timeout)
    except TimeoutError:
        log.info("the window did not paint within %.1f s", timeout)
    finally:
        window.removeEventFilter(spy)
        spy.deleteLater()
    await asyncio.sleep(0)


async def _show(client: StudioClient, args: argparse.Namespace, settings: Settings | None = None,
                instance: InstanceServer | None = None, embedded: bool = False,
                early: tuple[SchedulePane, MainWindow] | None = None) -> int:
    pane, window = early if early is not None else (SchedulePane(client.store, client), None)
    window = window or MainWindow(pane)
    window.statusBar().clearMessage()
    controller = ScheduleController(client, window, pane)
    settings = settings or Settings.load()
    prefs = Preferences()
    account = Account(client.user.name if client.user else "", settings.last_username, client.url, embedded)
    shell = DesktopShell(window, pane, prefs, settings, account, instance)
    controller.linkStateChanged.connect(shell.tray.set_link_state)
    show_update_available(window, client.auth.update if client.auth else None)  # a newer desktop exists
    install_edit_menu(window, pane)  # labelled Undo/Redo; the status bar follows the schedule
    features: Features | None = None  # the other panes and menus: after the first paint (below)
    signed_out = False

    def sign_out() -> None:
        nonlocal signed_out
        signed_out = True
        window.quit()

    shell.signOutRequested.connect(sign_out)
    client.link.on_ended = lambda _reason: sign_out()  # the account was deactivated
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    window.closed.connect(lambda: _resolve(closed, None))
    loaded: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    controller.rangeLoaded.connect(lambda n: _resolve(loaded, n))
    loaded.add_done_callback(_log_shown)
    first_load: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    controller.rangeLoaded.connect(lambda n: _resolve(first_load, n))
    controller.start()
    if args.self_test and early is None:
        _report_first_paint(window)
    shell.show(minimized=not args.self_test and (args.minimized or prefs.get("startup/minimized")))
    quitting.when_asked(window.quit)  # a log-out (SIGTERM, the session manager) is File ▸ Quit
    pane.go_today()
    # The other panes (notifications, collaboration, administration, clients, monitor)
    # and the file and schedule menus are built once the schedule has painted: they are not
    # what the first second is for.
    # The self-test reports the schedule as soon as it is in (the panes below come after).
    self_test = asyncio.ensure_future(_self_test(controller, loaded)) if args.self_test else None
    if window.isVisible():  # the schedule first: painted, and today's sessions in (bounded waits)
        await _first_paint(window, timeout=0.3)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(first_load), FEATURES_AFTER_S)
    features = await install_features(window, pane, client, shell, admin=client.user is not None
                                      and client.user.role is Role.ADMIN)
    code = 0
    if self_test is not None:
        code = await self_test
        if args.screenshot:
            await asyncio.sleep(0.1)  # let the coalesced repaint land before the grab
            window.grab().save(args.screenshot)
        missing = resources.problems()
        if missing:
            print(f"self-test: FAILED, resources: {'; '.join(missing)}", flush=True)
            code = 1
        window.quit()
    await closed
    quitting.when_asked(None)
    controller.stop()
    if features is not None:
        features.stop()
    shell.tray.hide()
    return SIGNED_OUT if signed_out else code


def _log_shown(loaded: asyncio.Future[int]) -> None:
    if not loaded.cancelled():
        log.info("schedule shown: %d sessions in view", loaded.result())


class _FirstPaint(QObject):
    """Calls ``then`` at the watched widget's first paint, once."""

    def __init__(self, parent: QObject, then: Callable[[], None]) -> None:
        super().__init__(parent)
        self._then: Callable[[], None] | None = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            then()
            watched.removeEventFilter(self)
        return False


def _report_first_paint(window: MainWindow) -> None:
    spy = _FirstPaint(window, lambda: print("self-test: first paint", flush=True))
    window.installEventFilter(spy)


async def _self_test(controller: ScheduleController, loaded: asyncio.Future[int]) -> int:
    try:
        count = await asyncio.wait_for(loaded, SELF_TEST_TIMEOUT_S)
    except TimeoutError:
        print("self-test: FAILED, the schedule did not load", flush=True)
        return 1
    print(f"self-test: ok, {count} sessions in view, {len(controller.client.store)} loaded", flush=True)
    if os.environ.get("SWAN_SELF_TEST_RSS"):  # benchmarks: the memory held once idle
        import psutil

        await asyncio.sleep(1.0)
        rss = psutil.Process().memory_info().rss / (1024 * 1024)
        print(f"self-test: idle rss {rss:.1f} MiB", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    log_path = setup_logging()
    log.info("swan-desktop %s starting; log at %s", __version__, log_path)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Swan Desktop")
    app.setOrganizationName("Swan")
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(resources.app_icon())
    # A self-test never hands over to (or takes over from) the user's running copy.
    name = single_instance.default_name() + ("-self-test" if args.self_test else "")
    instance = single_instance.claim(list(argv if argv is not None else sys.argv[1:]), name)
    if instance is None:
        print("swan-desktop: already running; brought it to the front", file=sys.stderr)
        return 0
    collector = GuiThreadCollector(thresholds=APP_THRESHOLDS)
    collector.start()
    quitter = quitting.OrderlyQuit(app)
    quitter.install()
    QTimer.singleShot(SETTLE_AFTER_MS, collector.settle)  # start-up's objects: frozen, never walked again
    try:
        code = qasync.run(run(args, instance))
    except (ConnectionLost, RequestTimeout) as exc:
        print(f"swan-desktop: cannot start: {exc}", file=sys.stderr)
        return 1
    finally:
        quitter.uninstall()
        collector.stop()
        instance.close()
    return int(code or 0)


if __name__ == "__main__":
    sys.exit(main())
