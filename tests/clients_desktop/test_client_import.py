"""The clients CSV import against the real server: a field per column (guessed from the
header, changed with its combo), a preview with each row's problems and duplicates by
email flagged, and an import that is all or nothing. What was imported is read back from
the server."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core import client_csv
from swan_desktop.core.client import StudioClient
from swan_desktop.core.client_records import ClientRecord
from swan_desktop.qt.clients.import_dialog import ClientImportDialog
from swan_desktop.qt.clients.pane import ClientsPane
from tests.support.desktops import SignIn
from tests.support.poll import until

from .cells import cell

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)\(\)")

CSV = """First name;Surname;E-mail;Mobile;Born;Labels
Anna;Berg;anna@example.org;+49 30 1;1990-04-01;morning, rehab
Bruno;Diaz;bruno@example.org;+49 30 2;;
Clara;Holm;anna@example.org;+49 30 3;;evening
Dora;Lind;dora@example;;1.2.1980;
"""


def pane_for(qtbot, desk: StudioClient) -> ClientsPane:
    pane = ClientsPane(desk.clients, lambda: desk.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(pane)
    return pane


def problems(dialog: ClientImportDialog) -> list[str]:
    last = dialog.preview.columnCount() - 1
    return [cell(dialog.preview, r, last) for r in range(dialog.preview.rowCount())]


async def on_the_server(boss: StudioClient) -> dict[str, ClientRecord]:
    """Every client the server holds, by name (read with a search, not from this PC's store)."""
    found = await boss.clients.search("", limit=100)
    return {f.client.name: f.client for f in found.clients}


def test_columns_are_guessed_from_their_headers() -> None:
    headers, rows = client_csv.read(CSV)
    assert client_csv.guess(headers) == ["first_name", "last_name", "email", "phone", "birthday", "tags"]
    assert len(rows) == 4


async def test_the_preview_flags_bad_rows_and_duplicates_and_nothing_is_sent(
        qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    pane = pane_for(qtbot, boss)
    dialog = pane.preview_import(CSV, "clients.csv")
    assert cell(dialog.preview, 0, 1) == "Anna Berg"
    assert cell(dialog.preview, 0, 5) == "morning, rehab"
    assert problems(dialog) == ["", "", "same email as line 2", "“dora@example” is not an email address; "
                                "birthday “1.2.1980” is not YYYY-MM-DD"]
    assert not dialog.import_button.isEnabled(), "nothing is imported while a row has a problem"
    assert "1 duplicate email" in dialog.summary.text()

    dialog.set_field(4, client_csv.IGNORE)          # do not import the birthdays
    assert problems(dialog)[3] == "“dora@example” is not an email address"
    dialog.set_field(2, client_csv.IGNORE)          # nor the emails: nothing is wrong any more
    assert problems(dialog) == ["", "", "", ""]
    assert dialog.import_button.isEnabled()
    assert await on_the_server(boss) == {}, "the preview sends nothing"


async def test_duplicates_skipped_and_the_rest_imported_at_once(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    pane = pane_for(qtbot, boss)
    dialog = pane.preview_import("\n".join(CSV.splitlines()[:4]) + "\n", "clients.csv")
    assert not dialog.import_button.isEnabled()
    dialog.skip.setFocus()
    qtbot.keyClick(dialog.skip, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()
    assert "(skipped)" in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: pane.import_dialog is None, what="the import done")
    stored = await on_the_server(boss)
    assert sorted(stored) == ["Anna Berg", "Bruno Diaz"], "Clara's row (Anna's email) skipped"
    anna = stored["Anna Berg"]
    assert (anna.email, anna.phone, anna.birthday, anna.tags) == (
        "anna@example.org", "+49 30 1", "1990-04-01", ("morning", "rehab"))
    assert (stored["Bruno Diaz"].email, stored["Bruno Diaz"].birthday) == ("bruno@example.org", None)


async def test_rows_the_server_refuses_are_shown_and_nothing_is_imported(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    await boss.clients.create({"name": "Bruno Old", "email": "bruno@example.org"})
    other = await on_server("boss")     # a PC started since: it has never seen Bruno's record
    pane = pane_for(qtbot, other)
    dialog = pane.preview_import("\n".join(CSV.splitlines()[:3]) + "\n", "clients.csv")
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.error.isVisible(), what="the refusal")
    assert "Nothing was imported" in dialog.error.text()
    assert problems(dialog) == ["", "email: bruno@example.org is already the email of an existing client"], \
        "the refusal on the row the server names (it counts the rows sent from 1)"
    assert sorted(await on_the_server(boss)) == ["Bruno Old"], "all or nothing"
    dialog.skip.setFocus()
    qtbot.keyClick(dialog.skip, Qt.Key.Key_Space)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: pane.import_dialog is None, what="Anna imported, Bruno skipped by the studio")
    assert sorted(await on_the_server(boss)) == ["Anna Berg", "Bruno Old"]
