"""A new test database starts as a copy of one made once per test process.

Opening a new database runs every migration and, for the demo studio, seeds it: a second or
more per server, most of a test's time. :func:`fresh` makes that database once (per process,
engine, demo or not, and day: the demo schedule is laid around today) exactly as a server's
first start does (:class:`Store` — migrations and the meta rows — then the demo seed and the
local admin), and gives each test a copy: the SQLite file copied, or on PostgreSQL
``CREATE DATABASE … TEMPLATE``. The copy gets an epoch of its own, as every new database does.
Everything else a server does on its first start (its services' rows, the test users) it still
does in the test. A path that already holds a database (a restart, a copied fixture file) is
left as it is.
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import sqlite3
import tempfile
import threading
from datetime import date
from pathlib import Path

from swan_desktop.server import demo
from swan_desktop.server.store import Store

from . import pg

_lock = threading.Lock()
_folder: Path | None = None
_made: dict[tuple[str, bool, date], str] = {}


def fresh(db: str | Path, demo_studio: bool = True) -> str | Path:
    """The database a server should open for ``db`` (see :func:`pg.target`); a new one is a copy
    of the template."""
    if pg.current == "postgresql":
        return pg.database_for(db, template=lambda: _template("postgresql", demo_studio))
    path = Path(db)
    if not path.exists():
        shutil.copyfile(_template("sqlite", demo_studio), path)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (secrets.token_hex(8),))
        conn.close()
    return path


def _template(engine: str, demo_studio: bool) -> str:
    key = (engine, demo_studio, date.today())
    with _lock:
        if key not in _made:
            _made[key] = _make(engine, demo_studio)
        return _made[key]


def _make(engine: str, demo_studio: bool) -> str:
    global _folder
    if engine == "postgresql":
        target = pg.template_database(f"{'demo' if demo_studio else 'empty'}_{date.today():%Y%m%d}")
    else:
        if _folder is None:
            _folder = Path(tempfile.mkdtemp(prefix="swan-test-templates-"))
            atexit.register(shutil.rmtree, _folder, True)
        target = str(_folder / f"{'demo' if demo_studio else 'empty'}-{date.today()}.sqlite3")
    store = Store(target)
    try:
        if demo_studio:
            demo.seed_if_empty(store)
        demo.ensure_local_admin(store)
    finally:
        store.close()
    if engine == "postgresql":
        pg.disconnect_all(target)
    else:
        with sqlite3.connect(target) as conn:  # one file to copy: the log folded into it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    return target
