#!/usr/bin/env bash
# Build the one-folder bundle: dist/swan-desktop/swan-desktop (+ _internal/).
#   packaging/build_bundle.sh [DISTDIR] [WORKDIR]
# Windows installer afterwards (on Windows, Inno Setup 6):
#   iscc /DAppVersion=<version from pyproject.toml> /DBundleDir=dist\swan-desktop installer.iss
set -euo pipefail
cd "$(dirname "$0")/.."
DIST="${1:-dist}"
WORK="${2:-build/pyinstaller}"
PY="${PYTHON:-.venv/bin/python}"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/swan_desktop.spec
echo "bundle: $DIST/swan-desktop/swan-desktop (version $("$PY" packaging/version.py))"
