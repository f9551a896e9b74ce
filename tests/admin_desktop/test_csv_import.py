"""CSV import and export of trainers, rooms and session types: the preview names
each row's problems (checked on the desktop first), Import stays off until the
file is right, the server's per-row refusals land on their rows, and nothing is
ever half-imported.

Widgets against the in-memory studio (``fake_studio.py``, all-or-nothing like
the server's ``directory.import``).
"""

from __future__ import annotations

from pathlib import Path

import shiboken6

from swan_desktop.core.directory_csv import parse_csv
from swan_desktop.qt.admin.pane import AdministrationPane
from tests.support.poll import until

from .fake_studio import FakeStudio

TRAINERS = """name,color,specialties
Ana Kowalski,#1f5f8b,"strength, mobility"
Ben Ortiz,#777777,boxing
,#2e6b3a,
Ana Kowalski,#7a2e8c,
"""


def pane_for(qtbot, studio: FakeStudio) -> AdministrationPane:
    pane = AdministrationPane(studio.attach())
    qtbot.addWidget(pane)
    return pane


def problems(dialog) -> list[str]:
    model = dialog.model
    last = model.columnCount() - 1
    return [model.index(r, last).data() for r in range(model.rowCount())]


async def test_the_preview_names_each_rows_problem_and_imports_nothing(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    dialog = pane.preview_import("trainers", TRAINERS, "trainers.csv")
    assert dialog.isVisible()
    assert problems(dialog) == [
        "OK",
        "color: session text would be hard to read on it (below 4.5:1)",
        "name: a name is needed",
        "name: also on line 2",
    ]
    assert not dialog.import_button.isEnabled()
    assert "3 of 4 rows have a problem" in dialog.summary.text()
    dialog.send()
    assert [c for c in studio.calls if c[0] == "directory.import"] == []


async def test_a_clean_file_is_imported_in_one_request(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    dialog = pane.preview_import("rooms", "name,capacity\nStudio A,4\nStudio B,\n")
    assert problems(dialog) == ["OK", "OK"] and dialog.import_button.isEnabled()
    dialog.import_button.click()
    await until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    assert studio.calls == [("directory.import", {"trainers": [], "session_types": [],
                                                  "rooms": [{"name": "Studio A", "capacity": 4},
                                                            {"name": "Studio B"}]})]
    await until(lambda: [r.name for r in pane.admin.feed.directory.locations] == ["Studio A", "Studio B"])


async def test_the_servers_row_refusals_are_shown_on_their_rows(qtbot, studio: FakeStudio) -> None:
    pane = pane_for(qtbot, studio)
    dialog = pane.preview_import("rooms", "name\nStudio C\nStudio D\n")
    await pane.admin.create_room("Studio D")  # another admin adds it while the preview is open
    dialog.import_button.click()
    await until(lambda: "The server refused" in dialog.summary.text())
    assert problems(dialog) == ["OK", "name: a room of this name exists already"]
    assert not dialog.import_button.isEnabled()
    assert [r.name for r in pane.admin.feed.directory.locations] == ["Studio D"]  # nothing half-imported


async def test_export_writes_what_import_reads(qtbot, studio: FakeStudio, tmp_path: Path) -> None:
    pane = pane_for(qtbot, studio)
    await pane.admin.create_type("Personal training", duration_min=45, color="#00707a", credits=1)
    await pane.admin.create_type("Assessment", duration_min=90, color="#7a2e8c", credits=2)
    target = tmp_path / "types.csv"
    pane.export_file("session_types", target)
    text = target.read_text(encoding="utf-8")
    assert text.splitlines() == ["name,duration_min,color,credits,active", "Assessment,90,#7a2e8c,2,yes",
                                 "Personal training,45,#00707a,1,yes"]
    fresh = FakeStudio()
    preview = parse_csv("session_types", text, fresh.attach().feed.directory)
    assert preview.ok and preview.values()[0] == {"name": "Assessment", "duration_min": 90,
                                                 "color": "#7a2e8c", "credits": 2}


def test_a_file_without_a_name_column_or_with_unknown_columns_is_refused_whole(studio: FakeStudio) -> None:
    directory = studio.attach().feed.directory
    assert "name" in parse_csv("rooms", "room,capacity\nA,1\n", directory).problem
    assert "Unknown column seats" in parse_csv("rooms", "name,seats\nA,1\n", directory).problem
    assert parse_csv("rooms", "", directory).problem == "The file is empty."
