"""Start at login: an XDG autostart entry on Linux, the per-user Run key on Windows.

``XDG_CONFIG_HOME`` is honoured (tests point it at a temporary folder). The
Windows installer offers the same Run-key value as a task, so either side can
turn it on and the app sees it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

ENTRY_NAME = "swan-desktop.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Swan Desktop"  # the installer's [Registry] entry writes the same value name


def launch_command(minimized: bool = True) -> list[str]:
    """How to start this copy of the app: the frozen executable, or Python on the package."""
    command = [sys.executable] if getattr(sys, "frozen", False) else [
        sys.executable, "-m", "swan_desktop.qt.app"]
    return [*command, "--minimized"] if minimized else command


# -- Linux / other XDG desktops ------------------------------------------------
def xdg_entry_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart" / ENTRY_NAME


def _desktop_exec(command: Sequence[str]) -> str:
    # Desktop Entry Exec quoting: double quotes, with ", `, $ and \ escaped inside them.
    def quote(arg: str) -> str:
        if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
            return arg
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
        return f'"{escaped}"'
    return " ".join(quote(a) for a in command).replace("%", "%%")


def xdg_entry(command: Sequence[str]) -> str:
    return "\n".join((
        "[Desktop Entry]",
        "Type=Application",
        "Name=Swan Desktop",
        "Comment=The studio's live master schedule",
        f"Exec={_desktop_exec(command)}",
        "Icon=swan-desktop",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ))


# -- Windows ------------------------------------------------------------------
def _run_key_set(command: Sequence[str] | None) -> None:
    import winreg  # type: ignore[import-not-found,unused-ignore]

    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as k:  # type: ignore[attr-defined,unused-ignore]
        if command is None:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(k, RUN_VALUE)  # type: ignore[attr-defined,unused-ignore]
        else:
            winreg.SetValueEx(k, RUN_VALUE, 0, winreg.REG_SZ,  # type: ignore[attr-defined,unused-ignore]
                              _windows_join(command))


def _run_key_get() -> bool:
    import winreg  # type: ignore[import-not-found,unused-ignore]

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as k:  # type: ignore[attr-defined,unused-ignore]
            winreg.QueryValueEx(k, RUN_VALUE)  # type: ignore[attr-defined,unused-ignore]
    except FileNotFoundError:
        return False
    return True


def _windows_join(command: Sequence[str]) -> str:
    import subprocess

    return subprocess.list2cmdline(list(command))


# -- the API the app uses -------------------------------------------------------
def is_enabled() -> bool:
    if sys.platform == "win32":
        return _run_key_get()
    return xdg_entry_path().exists()


def set_enabled(enabled: bool, minimized: bool = True) -> None:
    """Turn start at login on (with the current launch command) or off. Raises OSError."""
    if sys.platform == "win32":
        _run_key_set(launch_command(minimized) if enabled else None)
        return
    path = xdg_entry_path()
    if enabled:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(xdg_entry(launch_command(minimized)), "utf-8")
        os.replace(tmp, path)
    else:
        path.unlink(missing_ok=True)
