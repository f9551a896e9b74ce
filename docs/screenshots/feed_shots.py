"""Render the phone calendar feeds dialog offscreen and save feeds.png next to this file.

    .venv/bin/python docs/screenshots/feed_shots.py

The dialog as an admin sees it right after creating a feed for Ben Ortiz: the
feeds listed (one revoked, greyed) and the new address shown once with Copy.
The server's replies are canned here; the tests drive the same dialog against a
real server.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from swan_desktop.core.directory import Directory
from swan_desktop.core.feeds import FeedClient
from swan_desktop.protocol.entities import Role, Trainer, User
from swan_desktop.qt.dialogs.feed_dialog import FeedDialog

OUT = Path(__file__).resolve().parent
TOKEN = "q7Vw2mN0cXrT4yLk9bZs1HdE8uJf3GaP6oWi5RtYe0M"
FEEDS = [
    {"id": 1, "trainer_id": 1, "created_by": 3, "created_at": "2031-02-11T09:12:00Z",
     "revoked_at": "2031-02-27T17:40:00Z"},
    {"id": 2, "trainer_id": 1, "created_by": 3, "created_at": "2031-02-27T17:41:00Z", "revoked_at": None},
    {"id": 3, "trainer_id": 2, "created_by": 3, "created_at": "2031-03-03T08:55:00Z", "revoked_at": None},
]


async def canned(rtype: str, data: dict[str, Any]) -> dict[str, Any]:
    if rtype == "feed.create":
        return {"feed": {**FEEDS[2], "path": f"/ics/{TOKEN}.ics"}}
    return {"feeds": FEEDS, "own_trainer_id": None}


async def feeds_shot(app: QApplication) -> None:
    directory = Directory(trainers={1: Trainer(1, "Ana Ribeiro"), 2: Trainer(2, "Ben Ortiz")},
                          users={3: User(3, "Boss", Role.ADMIN)})
    dialog = FeedDialog(FeedClient(canned, "ws://studio.local:8765/"), directory, User(3, "Boss", Role.ADMIN))
    dialog.trainer_combo.setCurrentIndex(dialog.trainer_combo.findData(2))
    await dialog._create(2)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(OUT / "feeds.png"))


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setFont(QFont("DejaVu Sans", 10))
    asyncio.run(feeds_shot(app))


if __name__ == "__main__":
    main()
