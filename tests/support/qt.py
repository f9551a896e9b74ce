"""Qt inside async tests, without nesting an event loop: the next emission of a
signal, and a top-level widget once it is shown.

For any other condition: :func:`tests.support.poll.until`.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from PySide6.QtWidgets import QApplication, QWidget

from .poll import TIMEOUT_S, found

W = TypeVar("W", bound=QWidget)


async def next_emission(signal: Any, timeout: float = 3.0) -> tuple[Any, ...]:
    """The arguments of the next emission of ``signal``."""
    future: asyncio.Future[tuple[Any, ...]] = asyncio.get_running_loop().create_future()

    def handler(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(handler)
    try:
        return await asyncio.wait_for(future, timeout)
    finally:
        signal.disconnect(handler)



def visible_top_level(kind: type[W]) -> W | None:
    """A shown top-level widget of ``kind``, if there is one."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


async def shown(kind: type[W], timeout: float = TIMEOUT_S) -> W:
    """The first top-level widget of ``kind`` to be shown (it may be shown already)."""
    return await found(lambda: visible_top_level(kind), timeout, what=f"a {kind.__name__} to be shown")


#: What the offscreen platform logs for every top-level window it cannot size natively.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"
#: What the whole app logs offscreen and without sound hardware (the multimedia back end loads
#: with the notification panes): for ``pytest.mark.qt_log_ignore`` in tests that run the app.
APP_LOG_NOISE = (r"This plugin does not support (propagateSizeHints|raise)\(\)"
                 r"|QSoundEffect: |PulseAudioService: |Couldn't (load|resolve) (va|pipewire)")
