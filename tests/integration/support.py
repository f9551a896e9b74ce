"""What several integration tests share: session fields on two days clear of the demo schedule
(``COLLAB_FAR`` with ``collab_fields`` for the collaboration tests, ``SCHEDULE_FAR`` with
``schedule_fields`` for the live-schedule ones), the main window with its Schedule menu
(``window_with_menu``), and a schedule pane with the collaboration UI installed
(``collab_desktop``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.collab.install import Collaboration, install
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_menu import ScheduleMenu
from swan_desktop.qt.schedule_pane import SchedulePane

COLLAB_FAR = datetime(2031, 4, 7, 9, 0, tzinfo=UTC)  # a Monday clear of the demo schedule
SCHEDULE_FAR = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)  # clear of the demo schedule


def schedule_fields(start: datetime = SCHEDULE_FAR, minutes: int = 60, trainer: int = 1,
                    **extra: object) -> dict:
    """A new session's fields for client 1 from ``start``; ``extra`` adds or overrides fields."""
    return {"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "trainer_id": trainer, "client_id": 1, "location": "", "session_type_id": 1, **extra}


def collab_fields(start: datetime = COLLAB_FAR, **extra: object) -> dict:
    """An hour's session with trainer 1 for client 1 from ``start``, on the collaboration tests' day."""
    return {**schedule_fields(start), **extra}


async def window_with_menu(qtbot, client: StudioClient) -> tuple[MainWindow, SchedulePane, ScheduleMenu]:
    """The main window with the Schedule menu, signed in as ``client``'s user, shown."""
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    qtbot.addWidget(window)
    menu = ScheduleMenu(window, pane, client)
    pane.set_current_user(client.user)
    window.show()
    return window, pane, menu


async def collab_desktop(qtbot, client: StudioClient) -> tuple[SchedulePane, Collaboration]:
    """``client``'s main window with the collaboration UI installed, on ``COLLAB_FAR``'s day, loaded."""
    pane = SchedulePane(client.store, client)
    window = MainWindow(pane)
    qtbot.addWidget(window)
    pane.set_current_user(client.user)
    collaboration = install(window, pane, client)
    pane.set_date(COLLAB_FAR.date())
    await client.load_range(COLLAB_FAR - timedelta(days=1), COLLAB_FAR + timedelta(days=2))
    return pane, collaboration
