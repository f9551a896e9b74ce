"""Logging to a rotating file in the user's data folder (and to stderr)."""

from __future__ import annotations

import logging
import logging.handlers
import sys

from . import paths

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(name: str = "swan-desktop", level: int = logging.INFO) -> str:
    """Send log records to ``<data>/logs/<name>.log`` (5 × 1 MiB) and stderr; returns the path."""
    path = paths.log_dir() / f"{name}.log"
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_swan", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=1 << 20, backupCount=5,
                                                        encoding="utf-8")
    stream_handler = logging.StreamHandler(sys.stderr)
    handlers: list[logging.Handler] = [file_handler, stream_handler]
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        setattr(handler, "_swan", True)  # noqa: B010 - marks our own handlers for replacement
        root.addHandler(handler)
    stream_handler.setLevel(logging.WARNING)
    return str(path)
