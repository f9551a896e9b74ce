"""Start at login on Linux: an XDG autostart entry under $XDG_CONFIG_HOME, written and removed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from swan_desktop.settings import autostart


def test_turning_it_on_writes_a_valid_entry_that_starts_minimised(config_home: Path) -> None:
    assert not autostart.is_enabled()
    autostart.set_enabled(True)
    entry = config_home / "autostart" / "swan-desktop.desktop"
    assert autostart.is_enabled() and entry.exists()
    text = entry.read_text("utf-8")
    assert "Exec=" in text and text.split("Exec=")[1].splitlines()[0].endswith("--minimized")
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_turning_it_off_removes_the_entry(config_home: Path) -> None:
    autostart.set_enabled(True, minimized=False)
    assert "--minimized" not in autostart.xdg_entry_path().read_text("utf-8")
    autostart.set_enabled(False)
    assert not autostart.is_enabled()
    assert not (config_home / "autostart" / "swan-desktop.desktop").exists()
    autostart.set_enabled(False)  # already off: no error


def test_exec_line_quotes_paths_with_spaces() -> None:
    line = autostart.xdg_entry(["/opt/Swan Desktop/swan-desktop", "--minimized"])
    assert 'Exec="/opt/Swan Desktop/swan-desktop" --minimized' in line


@pytest.mark.skipif(not hasattr(autostart, "_run_key_set"), reason="no Run-key code")
def test_windows_run_key_value_name_matches_the_installer_task() -> None:
    iss = (Path(__file__).resolve().parents[2] / "installer.iss").read_text("utf-8")
    assert f'ValueName: "{autostart.RUN_VALUE}"' in iss
    assert autostart.RUN_KEY.replace("\\\\", "\\") in iss
