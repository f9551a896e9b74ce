"""The server's logging: never a password or a token, whatever the level.

The websockets library logs every frame it sends and receives at DEBUG on
``websockets.server`` and ``websockets.client`` — sign-in frames included,
with their password or token. Those loggers are capped at INFO, so
``--log-level DEBUG`` shows the server's own debugging and not the frames.
The server's own log lines name users and connections, never what a client
sent as credentials (OWASP ASVS 4.0 V7.1.1).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

#: Loggers that write frame contents at DEBUG.
FRAME_LOGGERS = ("websockets", "websockets.server", "websockets.client")


def cap_frame_logging() -> None:
    """Keep the frame loggers at INFO or above."""
    for name in FRAME_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.INFO or logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)


FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level_name: str, file: str | Path | None = None) -> None:
    """Log at ``level_name`` (INFO when unknown), frames never below INFO: to standard error,
    or with ``file`` to that file (rotated at 1 MiB, five kept; warnings also to standard error)."""
    level = getattr(logging, str(level_name).upper(), logging.INFO)
    if file is None:
        logging.basicConfig(level=level, stream=sys.stderr, format=FORMAT)
    else:
        rotating = logging.handlers.RotatingFileHandler(file, maxBytes=1 << 20, backupCount=5,
                                                        encoding="utf-8")
        warnings = logging.StreamHandler(sys.stderr)
        warnings.setLevel(logging.WARNING)
        logging.basicConfig(level=level, format=FORMAT, handlers=[rotating, warnings])
    cap_frame_logging()
