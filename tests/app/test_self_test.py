"""The first launch: no server configured → embedded server, demo studio,
today's schedule on screen, and a clean exit with code 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_desktop(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SWAN_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "swan_desktop.qt.app", *args], env=env,
                          capture_output=True, text=True, timeout=90, check=False)


def test_embedded_default_starts_shows_sessions_and_quits_0(tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    result = run_desktop(tmp_path, "--self-test", "--screenshot", str(shot))
    assert result.returncode == 0, result.stderr
    assert "self-test: ok" in result.stdout
    in_view = int(result.stdout.split("self-test: ok, ")[1].split()[0])
    assert in_view > 0  # the demo studio has sessions today
    assert "Traceback" not in result.stderr
    assert (tmp_path / "studio.sqlite3").exists()
    assert shot.stat().st_size > 10_000  # a real picture of the window, not an empty grab
    log = (tmp_path / "logs" / "swan-desktop.log").read_text("utf-8")
    assert "swan-server listening on ws://127.0.0.1:" in log
    # The server ran in its own process, and it ended with the app.
    pid = int(log.split("the embedded demo studio, process ")[1].split(")")[0])
    assert not _running(pid)
    assert "the desktop has gone: stopping" in (tmp_path / "logs" / "embedded-server.log").read_text("utf-8")


def _running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


#: Imported at the first use, never for an idle start on the embedded default (memory).
NOT_AT_START = ("sqlalchemy", "alembic", "swan_desktop.server.app", "PySide6.QtMultimedia",
                "PySide6.QtCharts", "PySide6.QtPrintSupport", "keyring", "icalendar")


def test_an_idle_start_leaves_the_server_and_the_rarely_used_libraries_out(tmp_path: Path) -> None:
    # What the process holds once today's schedule is shown and the panes are built (read
    # just before the self-test checks the resources, which loads the sound back end).
    probe = (
        "import json, sys\n"
        "from swan_desktop.qt import app, resources\n"
        "checks = resources.problems\n"
        "def problems():\n"
        "    print('modules: ' + json.dumps(sorted(sys.modules)), flush=True)\n"
        "    return checks()\n"
        "resources.problems = problems\n"
        "sys.exit(app.main(['--self-test']))\n"
    )
    env = dict(os.environ, SWAN_DATA_DIR=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                            timeout=90, check=False)
    assert result.returncode == 0, result.stderr
    import json

    modules = set(json.loads(result.stdout.split("modules: ")[1].splitlines()[0]))
    assert "swan_desktop.qt.schedule_pane" in modules and "swan_desktop.qt.features" in modules
    loaded = sorted(name for name in NOT_AT_START if name in modules)
    assert loaded == [], f"loaded at start: {loaded}"


def test_second_launch_reuses_the_studio_without_reseeding(tmp_path: Path) -> None:
    first = run_desktop(tmp_path, "--self-test")
    second = run_desktop(tmp_path, "--self-test")
    assert first.returncode == second.returncode == 0, second.stderr
    loaded = [r.stdout.split(", ")[-1] for r in (first, second)]
    assert loaded[0] == loaded[1]  # same sessions: the demo is seeded once


def test_the_self_test_fails_when_a_sound_is_missing_or_broken(tmp_path: Path) -> None:
    import shutil

    resources = tmp_path / "resources"
    shutil.copytree(Path(__file__).resolve().parents[2] / "resources", resources)
    (resources / "sounds" / "notify-high.wav").unlink()
    (resources / "sounds" / "notify-low.wav").write_bytes(b"not a wave file")
    env = dict(os.environ, SWAN_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen",
               SWAN_RESOURCES=str(resources))
    result = subprocess.run([sys.executable, "-m", "swan_desktop.qt.app", "--self-test"], env=env,
                            capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("self-test: FAILED, resources:"))
    assert "sounds/notify-high.wav is missing" in line and "cannot read sounds/notify-low.wav" in line
    assert "icons" not in line and "styles" not in line  # only what is really wrong
