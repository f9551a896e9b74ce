"""Calendar speed with 50,000 sessions: store load, view switches, filter changes,
date steps and scrolling, plus the app's first paint from process start.

Run with ``make bench`` (or ``QT_QPA_PLATFORM=offscreen .venv/bin/python
benchmarks/schedule_views.py``). Prints one line a measurement: median and worst of
several runs in milliseconds. Each operation is timed until the widget has
repainted (``repaint()`` paints synchronously), so the figures include drawing.
"""

from __future__ import annotations

import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtWidgets import QApplication

from swan_desktop.core.actions import NoActions
from swan_desktop.core.directory import Directory
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import (
    Client,
    Location,
    Session,
    SessionType,
    Status,
    Trainer,
)
from swan_desktop.qt.schedule_pane import SchedulePane

N_SESSIONS = 50_000
REPEATS = 7
T = TypeVar("T")
TARGET_MS = 100.0


def build_directory() -> Directory:
    colors = ["#5b8def", "#e8a33d", "#5cb85c", "#c26dbc", "#4fb3bf", "#d9534f", "#8a6d3b", "#6c757d"]
    return Directory(
        trainers={i: Trainer(i, f"Trainer {i}", ("strength",), colors[i % 8]) for i in range(1, 11)},
        clients={i: Client(i, f"Client {i}", 10) for i in range(1, 301)},
        session_types={1: SessionType(1, "Personal Training", 60, "#5b8def"),
                       2: SessionType(2, "Assessment", 90, "#e8a33d"),
                       3: SessionType(3, "Small Group", 45, "#5cb85c")},
        locations=[Location(1, "Studio A"), Location(2, "Studio B")],
    )


def build_sessions(first_day: date, count: int) -> list[Session]:
    """``count`` sessions, 14 a day for each of 10 trainers, from ``first_day`` on."""
    rng = random.Random(7)
    statuses = list(Status)
    out: list[Session] = []
    day = 0
    while len(out) < count:
        base = datetime.combine(first_day + timedelta(days=day), datetime.min.time(), UTC)
        for trainer in range(1, 11):
            for slot in range(14):
                if len(out) == count:
                    break
                start = base + timedelta(hours=6 + slot)
                out.append(Session(
                    id=len(out) + 1, start=start, end=start + timedelta(minutes=45), trainer_id=trainer,
                    client_id=rng.randint(1, 300), client_name=f"Client {rng.randint(1, 300)}",
                    location=rng.choice(["Studio A", "Studio B"]), session_type_id=rng.randint(1, 3),
                    status=rng.choice(statuses), notes="", version=1))
        day += 1
    return out




def each(apply: Callable[[T], object], values: list[T]) -> Callable[[], None]:
    """An operation that applies the next of ``values`` (round and round) at every call."""
    cycle = itertools.cycle(values)

    def op() -> None:
        apply(next(cycle))

    return op


def timed(label: str, op: Callable[[], None], pane: SchedulePane, app: QApplication) -> float:
    runs: list[float] = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        op()
        pane.repaint()
        app.processEvents()
        runs.append((time.perf_counter() - t0) * 1000)
    median, worst = statistics.median(runs), max(runs)
    verdict = "ok" if median < TARGET_MS else "SLOW"
    print(f"{label:<38} median {median:7.1f} ms   worst {worst:7.1f} ms   {verdict}")
    return median


def first_paint() -> None:
    """Start the real app (embedded server, demo studio) and time its first paint."""
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, SWAN_DATA_DIR=data)
        for label in ("first launch (creates the demo studio)", "second launch"):
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "swan_desktop.qt.app", "--self-test"],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            assert proc.stdout is not None
            marks: dict[str, float] = {}
            for line in proc.stdout:
                if "first paint" in line:
                    marks["paint"] = time.perf_counter() - t0
                elif "self-test: ok" in line:
                    marks["loaded"] = time.perf_counter() - t0
            proc.wait(60)
            print(f"{label:<38} first paint {marks.get('paint', float('nan')):5.2f} s   "
                  f"schedule shown {marks.get('loaded', float('nan')):5.2f} s   (target < 2 s)")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    today = date.today()
    sessions = build_sessions(today - timedelta(days=180), N_SESSIONS)
    store = ScheduleStore()
    store.set_directory(build_directory())
    t0 = time.perf_counter()
    store.load(sessions)
    print(f"{'load 50,000 sessions into the store':<38} {1000 * (time.perf_counter() - t0):7.1f} ms")

    pane = SchedulePane(store, NoActions())
    pane.resize(1400, 900)
    pane.show()
    app.processEvents()
    pane.set_date(today)
    tb = pane.toolbar
    views = iter(["week", "month", "agenda", "day"] * REPEATS)
    timed("switch view (day → week → month → agenda)", lambda: pane.set_view(next(views)), pane, app)
    pane.set_view("day")
    timed("next day", pane.go_next, pane, app)
    timed("previous day", pane.go_previous, pane, app)
    pane.set_view("week")
    timed("next week", pane.go_next, pane, app)
    for name in ("day", "week", "agenda"):
        pane.set_view(name)
        timed(f"{name}: filter by trainer", each(tb.trainer_combo.setCurrentIndex, [1, 2, 3, 4, 5, 6, 7]),
              pane, app)
        tb.trainer_combo.setCurrentIndex(0)
        timed(f"{name}: filter by status", each(tb.status_combo.setCurrentIndex, [1, 2, 3, 4, 5, 6, 0]),
              pane, app)
        tb.status_combo.setCurrentIndex(0)
        words = ["Client 1", "Client 12", "Studio B", "Assess", "x", "", "Trainer 3"]
        timed(f"{name}: free-text search", each(tb.search_edit.setText, words), pane, app)
        tb.search_edit.setText("")
    pane.set_view("day")
    bar = pane.day_view.scroll_area.verticalScrollBar()
    positions = iter([bar.maximum(), 0] * REPEATS)
    timed("day: scroll top ↔ bottom", lambda: bar.setValue(next(positions)), pane, app)
    pane.close()
    first_paint()


if __name__ == "__main__":
    main()
