"""The orderly quit, in process: SIGTERM wakes the Qt loop and runs what quitting means now (a
request before anything is set runs as soon as something is), and the session manager's
commitDataRequest takes the same path, once."""

from __future__ import annotations

import os
import signal

from swan_desktop.qt import quitting


def test_sigterm_and_the_session_manager_run_the_current_quit_once(qtbot, qapp) -> None:
    quitter = quitting.OrderlyQuit(qapp, bound_s=3600)
    quitter.install()
    try:
        asked: list[str] = []
        quitting.when_asked(lambda: asked.append("dialog"))
        quitting.when_asked(None)  # the dialog closed; the window is not there yet
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: quitter.asked, timeout=5000)
        assert asked == []
        quitting.when_asked(lambda: asked.append("window"))  # File ▸ Quit of the window now shown
        qtbot.waitUntil(lambda: asked == ["window"], timeout=5000)
        quitter._on_commit(None)  # type: ignore[arg-type]  # the session manager asks again: once is enough
        assert asked == ["window"]
    finally:
        quitter.uninstall()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
