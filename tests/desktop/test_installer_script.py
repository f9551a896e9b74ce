"""installer.iss against a bundle, fast: every Source: it takes is in the bundle and every [Run] and
[Icons] target is a file it installs (packaging/check_installer.py, which the slow bundle test also
runs on the real bundle). With Wine and Inno Setup's compiler (``SWAN_ISCC``, the path of ISCC.exe,
e.g. from ``npm install innosetup``), the script is really compiled against a Windows-shaped bundle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
from check_installer import check  # noqa: E402

ISS = ROOT / "installer.iss"


def windows_bundle(folder: Path) -> Path:
    """The shape PyInstaller gives on Windows: the program, and everything else in _internal."""
    bundle = folder / "swan-desktop"
    (bundle / "_internal" / "resources" / "icons").mkdir(parents=True)
    (bundle / "_internal" / "resources" / "sounds").mkdir()
    (bundle / "swan-desktop.exe").write_bytes(b"MZ program")
    (bundle / "_internal" / "python311.dll").write_bytes(b"MZ library")
    inside = bundle / "_internal" / "resources"
    shutil.copy(ROOT / "resources" / "icons" / "swan-desktop.ico", inside / "icons")
    shutil.copy(ROOT / "resources" / "sounds" / "notify-normal.wav", inside / "sounds")
    return bundle


def test_the_installer_takes_only_what_a_windows_bundle_has(tmp_path: Path) -> None:
    assert check(ISS, windows_bundle(tmp_path)) == []


def test_a_missing_program_and_a_shortcut_to_nothing_are_named(tmp_path: Path) -> None:
    bundle = windows_bundle(tmp_path)
    (bundle / "swan-desktop.exe").unlink()
    problems = check(ISS, bundle)
    assert problems[0] == f"[Files] {{#BundleDir}}\\{{#AppExe}}: no swan-desktop.exe in {bundle}"
    assert "[Run] {app}/swan-desktop.exe: no such file among what [Files] installs" in problems

    (bundle / "swan-desktop.exe").write_bytes(b"MZ")
    script = tmp_path / "installer.iss"
    help_icon = 'Name: "{group}\\Help"; Filename: "{app}\\help.exe"\n'
    script.write_text(ISS.read_text("utf-8").replace('Name: "{group}\\Uninstall',
                                                     help_icon + 'Name: "{group}\\Uninstall'), "utf-8")
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "swan-desktop.ico", tmp_path / "resources" / "icons")
    assert check(script, bundle) == ["[Icons] {app}/help.exe: no such file among what [Files] installs"]


def test_the_checker_runs_as_a_script(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "check_installer.py"),
                             str(windows_bundle(tmp_path))], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "every file it takes is in" in result.stdout


def _iscc() -> Path | None:
    path = os.environ.get("SWAN_ISCC")
    return Path(path) if path and Path(path).is_file() and shutil.which("wine") else None


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.skipif(_iscc() is None, reason="needs wine (apt wine, with wine32) and SWAN_ISCC=<ISCC.exe> "
                                            "(npm install innosetup)")
def test_inno_setup_compiles_the_installer_under_wine(tmp_path: Path) -> None:
    iscc = _iscc()
    assert iscc is not None
    env = dict(os.environ, WINEPREFIX=str(tmp_path / "wine"), WINEDEBUG="-all")
    probe = subprocess.run(["wine", str(iscc), "/?"], env=env, capture_output=True, text=True, timeout=120,
                           check=False)
    if "Inno Setup" not in probe.stdout + probe.stderr:
        pytest.skip("wine cannot run the 32-bit ISCC.exe here (install wine32 from the i386 architecture)")
    bundle = windows_bundle(tmp_path)
    out = tmp_path / "out"
    result = subprocess.run(["wine", str(iscc), "/DAppVersion=0.1.0", f"/DBundleDir=Z:{bundle}",
                             f"/OZ:{out}", str(ISS)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=240, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (out / "swan-desktop-0.1.0-setup.exe").stat().st_size > 100_000
