"""A private D-Bus session bus for a test: a real ``dbus-daemon`` with a configuration of its own.

The configuration names no service folder (``<servicedir>``): a bus started with
the system's session configuration would start any installed service on demand
(a notification daemon such as dunst, which then crashes without a display),
so "nothing on the bus" would not hold on a machine that has one installed.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextmanager
def session_bus(folder: Path) -> Iterator[str]:
    """Start the bus (its configuration written to ``folder``); yields its address."""
    config = folder / "session-bus.conf"
    config.write_text(BUS_CONFIG)
    proc = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--print-address", "--nofork"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        yield proc.stdout.readline().strip()
    finally:
        proc.terminate()
        proc.wait(5)
        proc.stdout.close()


@contextmanager
def secret_service(folder: Path, address: str) -> Iterator[Any]:
    """A real GNOME Keyring (Secret Service) on the bus at ``address``, its login collection made
    and unlocked; yields that collection (``secretstorage``), to lock or read. Needs apt gnome-keyring."""
    import secretstorage

    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address, HOME=str(folder),
               XDG_DATA_HOME=str(folder / "keyring-data"), XDG_RUNTIME_DIR=str(folder))
    command = ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"]
    daemon = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env)
    assert daemon.stdin is not None
    daemon.stdin.write(b"login-password")
    daemon.stdin.close()
    previous = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = address  # secretstorage finds the bus here
    connection = secretstorage.dbus_init()
    try:
        yield _collection(secretstorage, connection)
    finally:
        connection.close()
        daemon.terminate()
        daemon.wait(5)
        if previous is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous


def _collection(secretstorage: Any, connection: Any) -> Any:
    """The login collection, once the daemon has made it (it answers within moments)."""
    missing = (secretstorage.exceptions.SecretServiceNotAvailableException,
               secretstorage.exceptions.ItemNotFoundException)
    last: Exception | None = None
    for _ in range(200):
        try:
            return secretstorage.Collection(connection, "/org/freedesktop/secrets/aliases/default")
        except missing as exc:
            last = exc
            time.sleep(0.05)
    raise AssertionError(f"gnome-keyring did not make its login collection: {last}")
