"""Test-wide set-up: offscreen Qt, a private data folder, an in-memory keyring,
and async tests on a qasync loop (the loop the app itself runs on)."""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.support import pg
from tests.support.memory_keyring import MemoryKeyring

#: Shared fixtures (a real server, its clients): tests/support/fixtures.py.
pytest_plugins = ("tests.support.fixtures",)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

# Settings written before any test's own folder exists (Qt fixes QSettings'
# locations once per process, at first use) land in a throwaway folder too,
# never in the real home folder.
_SESSION_CONFIG = tempfile.mkdtemp(prefix="swan-tests-config-")
os.environ["XDG_CONFIG_HOME"] = _SESSION_CONFIG
atexit.register(shutil.rmtree, _SESSION_CONFIG, True)


#: With a PostgreSQL cluster up (``SWAN_TEST_PG_URL``, exported by ``.ci/pg-cluster``, which
#: ``make test`` runs pytest under) every test under these folders — the server's own tests —
#: runs on both engines, ``[sqlite]`` and ``[postgresql]``. ``SWAN_TEST_PG=off``: SQLite only.
PG_FOLDERS = ("server", "collab", "studio_calendar", "pipeline", "admin", "security", "clients", "monitor",
              "notifications")


#: Tests that look into the SQLite file itself (sqlite3, the backup files, the CLI given its path):
#: SQLite only.
SQLITE_ONLY = frozenset({
    "studio_calendar/test_feeds.py::test_the_token_is_stored_only_hashed",
    "admin/test_accounts.py::test_a_new_account_signs_in_with_its_one_time_password_which_is_not_stored",
    "admin/test_backups.py::test_admins_are_notified_when_the_last_good_backup_is_too_old",
    "admin/test_backups.py::test_a_server_back_after_a_weekend_makes_its_backup_without_alarming_the_admins",
    "admin/test_restore_starts_over.py::test_db_restored_is_refused_while_a_server_holds_the_file_or_on_one_not_swans",
    "security/test_amplification.py::test_a_presence_flood_stores_at_most_one_event_a_second",
    "security/test_amplification.py::test_chat_text_is_stored_as_utf8_not_escapes",
    "security/test_sign_out.py::test_user_add_in_another_process_closes_the_users_open_connections",
    "security/test_sign_out.py::test_a_deleted_admins_open_connection_cannot_announce",
    "monitor/test_health.py::test_health_is_degraded_while_the_database_is_locked_and_healthy_after",
    # a server on PostgreSQL refuses to keep the mail password (test_mail_password.py shows that)
    "clients/test_mail_password.py::test_a_password_given_from_a_desktop_signs_in_to_the_studios_mail_server",
    "clients/test_mail_password.py::test_the_password_is_kept_in_a_real_secret_service",
    "clients/test_mail_password.py::test_attack_a_password_sent_in_clear_across_the_network_is_not_kept",
})


def _on_postgresql_too(item: pytest.Function) -> bool:
    rel = Path(str(item.fspath)).resolve().relative_to(Path(__file__).resolve().parent).as_posix()
    if f"{rel}::{item.name}" in SQLITE_ONLY:
        return False
    return rel.split("/", 1)[0] in PG_FOLDERS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("own_database"):
        return
    engines = ["sqlite"]
    if pg.enabled() and _on_postgresql_too(metafunc.definition):
        engines.append("postgresql")
    if len(engines) > 1:
        metafunc.parametrize("db_engine", engines, indirect=True)


@pytest.fixture(scope="module", autouse=True)
def db_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """The engine this test's servers run on (see ``tests/support/pg.py``). Module-scoped, so a
    module's tests run on one engine, then on the other: a module-scoped server fixture takes
    ``db_engine`` as an argument and so is made once per engine."""
    engine = getattr(request, "param", "sqlite")
    pg.current = engine
    try:
        yield engine
    finally:
        pg.current = "sqlite"
        pg.drop_all()


@pytest.fixture(autouse=True)
def test_databases() -> Iterator[None]:
    """The PostgreSQL databases a test made are dropped after it (a module's, after the module)."""
    mark = pg.made()
    yield
    pg.drop_all(since=mark)


@pytest.fixture(autouse=True)
def collect_on_this_thread() -> Iterator[None]:
    """Cyclic garbage is collected here, on the Qt thread, after each test — never by a worker
    thread (an embedded server, ``asyncio.to_thread``) that happens to allocate when the collector
    runs: destroying a Qt object there warns "Timers cannot be stopped from another thread" and can
    crash later. The app does the same (``qt/gc_guard.py``: automatic collection off, collections
    on the Qt thread).

    With collection off, everything the test made stays in the youngest generation, so collecting
    that one finds the test's own cycles; a full collection, which walks every object the process
    holds (most of a second on a loaded machine), runs after every ``FULL_GC_EVERY``-th test."""
    gc.disable()
    try:
        yield
    finally:
        _tests_since_full_gc[0] += 1
        if _tests_since_full_gc[0] >= FULL_GC_EVERY:
            _tests_since_full_gc[0] = 0
            gc.collect()
        else:
            gc.collect(0)
        gc.enable()


#: See ``collect_on_this_thread``: the older generations are collected this often (in tests).
FULL_GC_EVERY = 20
_tests_since_full_gc = [0]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("SWAN_DATA_DIR", str(path))
    # Apps started by a test (subprocesses included) keep their settings and
    # autostart entries out of the real home folder.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return path


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def _qasync_loop() -> Any:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    # As in the app: closing a dialog (the last window) must not stop the loop.
    app.setQuitOnLastWindowClosed(False)  # type: ignore[attr-defined]
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> Mapping[str, Any]:
    return {"qasync": _qasync_loop}


@pytest.fixture
def private_app_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For tests that run the whole app: window preferences in a folder of the test's own, the
    app's crash hook undone and the theme set back afterwards."""
    import sys

    from PySide6.QtCore import QSettings

    from swan_desktop.qt.theme import apply_theme

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    yield
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "unused"))
    apply_theme("system")
