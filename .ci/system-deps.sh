#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian packages Qt needs here:
# the libraries QtWidgets loads even offscreen, fonts so text renders, and
# Xvfb with the xcb libraries for running the app without a desktop; D-Bus and
# GNOME Keyring for the tests that use a real session bus and Secret Service; and
# PostgreSQL 15 for the server tests' PostgreSQL half (.ci/pg-cluster starts a throwaway cluster).
set -euo pipefail

PACKAGES=(
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
  libpulse0 xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxkbcommon-x11-0 libxcb-xkb1 libx11-xcb1
  desktop-file-utils appstream trayer
  dbus gnome-keyring
  postgresql-15
)

command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian system; install the Qt 6 runtime libraries yourself: ${PACKAGES[*]}"; exit 0; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system-deps: these Debian packages are missing; install them with:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
