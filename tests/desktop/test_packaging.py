"""The shipped app: the PyInstaller bundle builds here and passes its own
self-test offscreen; installer.iss only names files the bundle has and takes
pyproject's version; the Linux .desktop and AppStream files validate."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from swan_desktop import __version__

ROOT = Path(__file__).resolve().parents[2]
ISS = ROOT / "installer.iss"


def pyproject_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    result = subprocess.run([str(ROOT / "packaging" / "build_bundle.sh"), str(out / "dist"),
                             str(out / "work")], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, PYTHON=sys.executable),
                            timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out / "dist" / "swan-desktop"


@pytest.mark.slow
@pytest.mark.timeout(700)
def test_the_bundle_starts_connects_syncs_and_quits_0(bundle: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SWAN_DATA_DIR=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("SWAN_RESOURCES", None)
    result = subprocess.run([str(bundle / "swan-desktop"), "--self-test"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # "ok" needs: embedded server up, signed in, today's range synced, every icon and
    # stylesheet found and read through the bundle's own image plugins (png, svg, ico), and
    # every sound found and read, with QtMultimedia there to play it.
    assert "self-test: ok" in result.stdout
    assert int(result.stdout.split("self-test: ok, ")[1].split()[0]) > 0
    assert "Traceback" not in result.stderr
    internal = bundle / "_internal"
    assert not list(internal.rglob("*WebEngine*")), "WebEngine must not be bundled"
    assert (internal / "resources" / "icons" / "swan-desktop.svg").exists()
    assert sorted(p.name for p in (internal / "resources" / "sounds").iterdir()) == [
        "notify-critical.wav", "notify-high.wav", "notify-low.wav", "notify-normal.wav"]


@pytest.mark.slow
@pytest.mark.timeout(700)
def test_every_file_the_installer_takes_is_in_the_bundle(bundle: Path) -> None:
    text = ISS.read_text("utf-8")
    sources = re.findall(r'^Source:\s*"([^"]+)"', text, flags=re.MULTILINE)
    assert len(sources) >= 2
    exe = "swan-desktop.exe" if os.name == "nt" else "swan-desktop"
    for source in sources:
        path = source.replace("{#BundleDir}", str(bundle)).replace("{#AppExe}", exe).replace("\\", "/")
        matches = list(Path("/").glob(path.lstrip("/"))) if "*" in path else [Path(path)]
        assert matches and all(m.exists() for m in matches), f"installer.iss takes {source}: missing"
    for name in re.findall(r"^SetupIconFile=(.+)$", text, flags=re.MULTILINE):
        assert (ROOT / name.strip().replace("\\", "/")).exists()
    # The same check the fast test runs on a Windows-shaped folder, here on the real bundle.
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "check_installer.py"), str(bundle),
                             "--exe", exe], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_installer_version_is_pyprojects() -> None:
    text = ISS.read_text("utf-8")
    # No version is written in the script: the build passes pyproject's (packaging/version.py).
    assert "#ifndef AppVersion" in text and "#error" in text
    assert re.search(r"^AppVersion=\{#AppVersion\}$", text, flags=re.MULTILINE)
    assert not re.search(r'#define AppVersion "', text)
    version = subprocess.run(["python3", str(ROOT / "packaging" / "version.py")], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert version == pyproject_version() == __version__
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "/DAppVersion=$$($(BIN)/python packaging/version.py)" in makefile


def test_installer_essentials() -> None:
    text = ISS.read_text("utf-8")
    assert re.search(r"^AppId=\{\{[0-9A-F-]{36}\}$", text, flags=re.MULTILINE)
    for line in ("PrivilegesRequired=lowest", "PrivilegesRequiredOverridesAllowed=dialog",
                 "CloseApplications=yes", 'Name: "desktopicon"', 'Name: "startatlogin"',
                 "{group}\\{#AppName}", "Tasks: startatlogin"):
        assert line in text, line
    assert "usPostUninstall" in text and "MB_DEFBUTTON2" in text  # data kept unless asked


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="apt desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(ROOT / "packaging/linux/swan-desktop.desktop")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="apt appstream")
def test_appstream_metainfo_validates_and_names_this_version() -> None:
    path = ROOT / "packaging/linux/io.github.swan.SwanDesktop.metainfo.xml"
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'<release version="{pyproject_version()}"' in path.read_text("utf-8")
