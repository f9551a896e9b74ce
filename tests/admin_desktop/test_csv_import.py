"""CSV import and export of trainers, rooms and session types: the preview names
each row's problems (checked on the desktop first), Import stays off until the
file is right, the server's per-row refusals land on their rows, and nothing is
ever half-imported.

Widgets on a desktop signed in to a real server (``empty_server``), whose
``directory.import`` is all or nothing; what was imported is read back from it.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6

from swan_desktop.core.directory import Directory
from swan_desktop.core.directory_csv import export_csv, parse_csv
from swan_desktop.server.embedded import EmbeddedServer
from tests.support.desktops import SignIn
from tests.support.poll import until

from .live_pages_support import handled, pane_for, server_state, settled

TRAINERS = """name,color,specialties
Ana Kowalski,#1f5f8b,"strength, mobility"
Ben Ortiz,#777777,boxing
,#2e6b3a,
Ana Kowalski,#7a2e8c,
"""


def problems(dialog) -> list[str]:
    model = dialog.model
    last = model.columnCount() - 1
    return [model.index(r, last).data() for r in range(model.rowCount())]


async def server_rooms(server: EmbeddedServer) -> list[tuple[str, int]]:
    return [(r["name"], r["capacity"]) for r in (await server_state(server))["locations"]]


async def test_a_rooms_sessions_at_once_go_out_and_come_back_in_its_csv(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    """The rooms' CSV carries how many sessions each holds at once: exported, checked, imported."""
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin, show=False)
    await pane.admin.create_room("Gym floor", 8, 3)
    await until(lambda: len(pane.admin.feed.directory.locations) == 1)
    text = export_csv("rooms", pane.admin.feed.directory)
    assert text.splitlines() == ["name,capacity,sessions_at_once,active", "Gym floor,8,3,yes"]
    refused = parse_csv("rooms", "name,sessions_at_once\nHall,51\n", Directory())
    assert refused.rows[0].errors == {"sessions_at_once": "sessions at the same time, from 1 to 50"}
    dialog = pane.preview_import("rooms", "name,capacity,sessions_at_once\nDeck,10,2\n")
    assert problems(dialog) == ["OK"]
    dialog.import_button.click()
    await until(lambda: handled(empty_server, "directory.import") == 1)
    held = {r["name"]: r["sessions_at_once"] for r in (await server_state(empty_server))["locations"]}
    assert held == {"Gym floor": 3, "Deck": 2}


async def test_the_preview_names_each_rows_problem_and_imports_nothing(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin, show=False)
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
    await settled(boss)
    assert handled(empty_server, "directory.import") == 0
    assert (await server_state(empty_server))["trainers"] == []


async def test_a_clean_file_is_imported_in_one_request(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin, show=False)
    dialog = pane.preview_import("rooms", "name,capacity\nStudio A,4\nStudio B,\n")
    assert problems(dialog) == ["OK", "OK"] and dialog.import_button.isEnabled()
    dialog.import_button.click()
    await until(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
    await until(lambda: handled(empty_server, "directory.import") == 1)
    assert handled(empty_server, "room.create") == 0
    assert await server_rooms(empty_server) == [("Studio A", 4), ("Studio B", 1)]  # a room's default
    await until(lambda: [r.name for r in pane.admin.feed.directory.locations] == ["Studio A", "Studio B"])


async def test_the_servers_row_refusals_are_shown_on_their_rows(
        qtbot, empty_server: EmbeddedServer, on_empty: SignIn) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin, show=False)
    dialog = pane.preview_import("rooms", "name\nStudio C\nStudio D\n")
    other = await on_empty("boss")
    await other.admin.create_room("Studio D")  # another admin adds it while the preview is open
    dialog.import_button.click()
    await until(lambda: "The server refused" in dialog.summary.text())
    assert problems(dialog) == ["OK", "name: there is already a room named 'Studio D'"]
    assert not dialog.import_button.isEnabled()
    assert await server_rooms(empty_server) == [("Studio D", 1)]  # nothing half-imported
    await until(lambda: [r.name for r in pane.admin.feed.directory.locations] == ["Studio D"])


async def test_export_writes_what_import_reads(qtbot, on_empty: SignIn, tmp_path: Path) -> None:
    boss = await on_empty("boss")
    pane = pane_for(qtbot, boss.admin, show=False)
    await pane.admin.create_type("Personal training", duration_min=45, color="#00707a", credits=1)
    await pane.admin.create_type("Assessment", duration_min=90, color="#7a2e8c", credits=2)
    await pane.admin.create_type("Small group", duration_min=60, color="#2f6690", credits=1, capacity=6)
    target = tmp_path / "types.csv"
    pane.export_file("session_types", target)
    text = target.read_text(encoding="utf-8")
    assert text.splitlines() == ["name,duration_min,color,credits,capacity,active",
                                 "Assessment,90,#7a2e8c,2,1,yes", "Personal training,45,#00707a,1,1,yes",
                                 "Small group,60,#2f6690,1,6,yes"]
    preview = parse_csv("session_types", text, Directory())  # a new studio's empty directory
    assert preview.ok and preview.values()[0] == {"name": "Assessment", "duration_min": 90,
                                                 "color": "#7a2e8c", "credits": 2, "capacity": 1}
    assert preview.values()[2]["capacity"] == 6
    too_many = parse_csv("session_types", "name,capacity\nHall,1001\n", Directory())
    assert too_many.rows[0].errors == {"capacity": "clients a session, from 1 to 1000"}


def test_a_file_without_a_name_column_or_with_unknown_columns_is_refused_whole() -> None:
    directory = Directory()
    assert "name" in parse_csv("rooms", "room,capacity\nA,1\n", directory).problem
    assert "Unknown column seats" in parse_csv("rooms", "name,seats\nA,1\n", directory).problem
    assert parse_csv("rooms", "", directory).problem == "The file is empty."
