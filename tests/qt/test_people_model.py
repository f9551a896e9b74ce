"""The People list holds who is online in the presence store's order, marks the user, and passes
qtmodeltester; the Studio page refuses a time zone name it does not know before asking the server."""

from __future__ import annotations

from PySide6.QtCore import Qt

from swan_desktop.core.collab.presence import PresenceStore
from swan_desktop.qt.collab.people_panel import ROW_HEIGHT, PeopleModel
from swan_desktop.qt.settings_pages.studio import valid_zone


def wire(uid: int, name: str, role: str = "trainer", activity: str = "viewing") -> dict:
    return {"user": {"id": uid, "name": name, "role": role}, "color": "#3366aa", "activity": activity}


def test_people_rows_follow_the_store_with_the_user_marked(qtmodeltester) -> None:
    store = PresenceStore()
    store.me = 2
    store.load([wire(4, "Vic", "viewer", "away"), wire(2, "Ana"), wire(1, "Boss", "admin", "dragging")])
    model = PeopleModel(store)
    qtmodeltester.check(model)
    assert [model.data(model.index(r)) for r in range(model.rowCount())] == [
        "Ana (you) — trainer · viewing", "Boss — admin · moving a session", "Vic — viewer · away"]
    assert model.data(model.index(0), Qt.ItemDataRole.SizeHintRole).height() == ROW_HEIGHT
    store.rename(4, "trainer")
    model.refresh()
    assert model.row_of(4) == 2 and "trainer" in model.data(model.index(2))
    assert model.entry(7) is None and model.row_of(99) == -1


def test_zone_names_are_checked_against_the_iana_database() -> None:
    assert valid_zone("Europe/Lisbon") and valid_zone("")  # empty: the server's own zone
    assert not valid_zone("Mars/Olympus_Mons") and not valid_zone("../etc/passwd")
