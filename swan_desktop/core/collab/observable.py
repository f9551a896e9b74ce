"""A store's change listeners: callbacks told "something changed" (the Qt bridges coalesce them)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Observable:
    """``add_listener(fn)``; subclasses call ``_changed()`` after every change."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def add_listener(self, fn: Callable[[], None]) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[], None]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(fn)

    def _changed(self) -> None:
        for fn in list(self._listeners):
            try:
                fn()
            except Exception:
                log.exception("store listener failed")
