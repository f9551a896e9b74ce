"""Render the monitor pane offscreen against a real embedded server and save monitor.png.

    .venv/bin/python docs/screenshots/monitor.py

The server runs a small scripted workload (sign-ins, heartbeats, queries,
edits, a refused request) between samples, with the monitor's clock stepped
5 s per sample, so every figure and chart point is measured, not drawn.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import qasync  # noqa: E402
from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from swan_desktop.core.client import StudioClient  # noqa: E402
from swan_desktop.protocol.errors import ProtocolError  # noqa: E402
from swan_desktop.qt.monitor import MonitorPane  # noqa: E402
from swan_desktop.qt.theme import apply_theme  # noqa: E402
from tests.monitor.conftest import make_server  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.server import PASSWORDS, on_server, session_data  # noqa: E402

OUT = Path(__file__).resolve().parent


async def main(folder: Path) -> None:
    clock = FakeClock(1_930_298_400.0)
    server = make_server(folder / "studio.sqlite3", clock)
    clients = []
    try:
        for user in ("boss", "ana", "vic"):
            client = StudioClient(server.url, outbox_dir=folder / user)
            await client.sign_in({"username": user, "password": PASSWORDS[user]})
            clients.append(client)
        boss, ana, vic = clients
        for tick in range(60):
            for _ in range(1 + tick % 7):
                await ana.link.request("schedule.query", {"start": "2031-03-02T00:00:00Z",
                                                          "end": "2031-03-09T00:00:00Z"})
            if tick % 9 == 0:
                day = f"2031-04-{1 + tick // 9:02d}"
                await ana.link.request("session.create", session_data(
                    start=f"{day}T10:00:00Z", end=f"{day}T11:00:00Z"))
            if tick % 17 == 5:  # the same trainer twice at one time: refused as a clash
                with contextlib.suppress(ProtocolError):
                    await ana.link.request("session.create", session_data(
                        start="2031-04-01T10:30:00Z", end="2031-04-01T11:30:00Z"))
            if tick % 13 == 0:
                with contextlib.suppress(ProtocolError):  # refused on purpose: it counts as an error
                    await vic.link.request("session.delete", {"id": 1, "version": 1})
            await asyncio.sleep(0.15)  # stay well inside the per-connection request rate
            clock.advance(5)
            await on_server(server, server.server.monitor.sample_now)
        pane = MonitorPane(boss.monitor, boss.link.request, boss.link.metrics.snapshot)
        pane.interval_box.setCurrentText("Off")
        pane.store.set_range("5m")
        pane.range_box.setCurrentIndex(0)
        pane.resize(1400, 900)
        pane.show()
        await pane.refresh_now()
        pane.redraw()
        await asyncio.sleep(0.3)
        pane.grab(QRect(0, 0, pane.width(), 150)).save(str(OUT / "monitor-summary.png"))
        pane.show_details(True)
        await asyncio.sleep(0.3)
        pane.grab().save(str(OUT / "monitor.png"))
        apply_theme("dark")
        await asyncio.sleep(0.3)
        pane.grab().save(str(OUT / "monitor-dark.png"))
        apply_theme("light")
        for name in ("monitor-summary", "monitor", "monitor-dark"):
            print("wrote", OUT / f"{name}.png")
        pane.stop()
    finally:
        for client in clients:
            await client.close()
        await asyncio.to_thread(server.stop)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    apply_theme("light")
    with tempfile.TemporaryDirectory() as tmp:
        qasync.run(main(Path(tmp)))
