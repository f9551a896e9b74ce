"""A private D-Bus session bus for a test: a real ``dbus-daemon`` with a configuration of its own.

The configuration names no service folder (``<servicedir>``): a bus started with
the system's session configuration would start any installed service on demand
(a notification daemon such as dunst, which then crashes without a display),
so "nothing on the bus" would not hold on a machine that has one installed.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
