"""The embedded server's own process: what the desktop starts when no server is configured.

``python -m swan_desktop.server.embedded_child --db PATH`` (in the frozen bundle:
``swan-desktop --embedded-server --db PATH``) serves the demo studio on loopback at a
port the system picks, then writes one line of JSON to standard output — the address
and a sign-in token for the local admin, ``{"url": …, "token": …, "expires_at": …,
"user": …}`` — or ``{"error": …}`` when it cannot start, and writes nothing there again.
The line travels over the pipe only the desktop holds: the token is never on a command
line or in a file. The desktop signs in with it; nobody else knows it.

The process lives as long as the desktop: it stops (in order, the database closed) when
its standard input reaches end of file, which happens when the desktop closes the pipe
on its way out *and* when the desktop dies in any way (a crash, ``kill -9``, the PySide6
exit crash), since the system closes a dead process's pipes — on Windows as on Linux.
SIGTERM stops it the same way; Ctrl+C in the terminal is left to the desktop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

log = logging.getLogger("swan_desktop.server.embedded_child")  # also when run as __main__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swan-desktop --embedded-server",
        description="The desktop's own demo studio server (started by the desktop).")
    parser.add_argument("--db", required=True,
                        help="SQLite database file (created with a demo studio if missing)")
    parser.add_argument("--no-demo", dest="demo", action="store_false", help="do not seed a demo studio")
    parser.add_argument("--log", metavar="FILE", help="log to this file (default: standard error)")
    return parser


# The pipes are read and written by file descriptor: a windowed (GUI) executable on Windows
# may have no ``sys.stdin``/``sys.stdout`` objects even when it was given pipes.
STDIN, STDOUT = 0, 1


def _watch_parent(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Blocks until the desktop's end of the pipe is closed (or anything is written), then stops."""
    with contextlib.suppress(OSError):
        os.read(STDIN, 1)
    with contextlib.suppress(RuntimeError):  # the loop is already closed: stopping anyway
        loop.call_soon_threadsafe(stop.set)


def _hand_over(message: dict[str, Any]) -> None:
    """The one line for the desktop; then standard output goes nowhere (the desktop stops reading)."""
    data = (json.dumps(message) + "\n").encode("utf-8")
    while data:
        data = data[os.write(STDOUT, data):]
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, STDOUT)
    os.close(devnull)


async def serve(db: str, demo: bool = True) -> int:
    from .app import SwanServer  # the server's modules: only in this process

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    server = SwanServer(db, "127.0.0.1", 0, demo=demo, local_admin=True)
    try:
        await server.start()
        grant = await server.issue_token()
    except Exception as exc:  # said to the desktop, in words
        log.exception("the embedded server did not start")
        await server.stop()
        _hand_over({"error": str(exc) or type(exc).__name__})
        return 1
    threading.Thread(target=_watch_parent, args=(loop, stop), name="swan-parent-watch", daemon=True).start()
    _hand_over({"url": server.url, **grant})
    try:
        await stop.wait()
    finally:
        log.info("the desktop has gone: stopping")
        await server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Ctrl+C in a terminal reaches every process of the group: the desktop decides, and
    # closing its pipe is what stops this one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from . import logs

    logs.configure("INFO", args.log)
    return asyncio.run(serve(args.db, args.demo))


if __name__ == "__main__":
    sys.exit(main())
