"""The clients CSV import: a field per column (guessed from the header, changed with its
combo), a preview with each row's problems and duplicates by email flagged, and an
import that is all or nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from swan_desktop.core import client_csv
from swan_desktop.qt.clients.import_dialog import ClientImportDialog
from swan_desktop.qt.clients.pane import ClientsPane
from tests.support.poll import until

from .cells import cell
from .fake_clients import Desktop, FakeClients

CSV = """First name;Surname;E-mail;Mobile;Born;Labels
Anna;Berg;anna@example.org;+49 30 1;1990-04-01;morning, rehab
Bruno;Diaz;bruno@example.org;+49 30 2;;
Clara;Holm;anna@example.org;+49 30 3;;evening
Dora;Lind;dora@example;;1.2.1980;
"""


def pane_for(qtbot, desk: Desktop) -> ClientsPane:
    pane = ClientsPane(desk.clients, lambda: desk.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(pane)
    return pane


def problems(dialog: ClientImportDialog) -> list[str]:
    last = dialog.preview.columnCount() - 1
    return [cell(dialog.preview, r, last) for r in range(dialog.preview.rowCount())]


def test_columns_are_guessed_from_their_headers() -> None:
    headers, rows = client_csv.read(CSV)
    assert client_csv.guess(headers) == ["first_name", "last_name", "email", "phone", "birthday", "tags"]
    assert len(rows) == 4


async def test_the_preview_flags_bad_rows_and_duplicates_and_nothing_is_sent(
        qtbot, studio: FakeClients, desk: Desktop) -> None:
    pane = pane_for(qtbot, desk)
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
    assert not any(c[0] == "client.import" for c in studio.calls)


async def test_duplicates_skipped_and_the_rest_imported_at_once(qtbot, studio: FakeClients,
                                                               desk: Desktop) -> None:
    pane = pane_for(qtbot, desk)
    dialog = pane.preview_import("\n".join(CSV.splitlines()[:4]) + "\n", "clients.csv")
    assert not dialog.import_button.isEnabled()
    dialog.skip.setFocus()
    qtbot.keyClick(dialog.skip, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()
    assert "(skipped)" in dialog.summary.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: len(studio.clients) == 2, what="two clients imported")
    sent = next(c[1] for c in studio.calls if c[0] == "client.import")
    assert sent["on_duplicate_email"] == "skip"
    assert [c["name"] for c in sent["clients"]] == ["Anna Berg", "Bruno Diaz"]
    assert sent["clients"][0]["tags"] == ["morning", "rehab"]
    assert sent["clients"][0]["birthday"] == "1990-04-01"


async def test_rows_the_server_refuses_are_shown_and_nothing_is_imported(qtbot, studio: FakeClients) -> None:
    studio.add_client("Bruno Old", email="bruno@example.org")
    pane = pane_for(qtbot, studio.attach())   # a PC started since: it has never seen Bruno's record
    dialog = pane.preview_import("\n".join(CSV.splitlines()[:3]) + "\n", "clients.csv")
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: dialog.error.isVisible(), what="the refusal")
    assert "Nothing was imported" in dialog.error.text()
    assert problems(dialog)[1] == "email: a client with this email exists"
    assert len(studio.clients) == 1, "all or nothing"
    dialog.skip.setFocus()
    qtbot.keyClick(dialog.skip, Qt.Key.Key_Space)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    await until(lambda: len(studio.clients) == 2, what="Anna imported, Bruno skipped by the studio")
    assert sorted(c["name"] for c in studio.clients.values()) == ["Anna Berg", "Bruno Old"]
