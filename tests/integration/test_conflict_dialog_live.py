"""A stale edit against the real server: the conflict reply opens the
side-by-side dialog, and each choice ends with what the user chose on the
server — nothing silently overwritten."""

from __future__ import annotations

from swan_desktop.core.client import StudioClient
from swan_desktop.qt.dialogs.conflict_dialog import ConflictChoice, ConflictDialog
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from tests.support.qt import next_emission

from .support import schedule_fields


async def stale_edit(qtbot, sign_in) -> tuple[StudioClient, StudioClient, SessionDialog, ConflictDialog, int]:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    created = await ana.create_session(schedule_fields(notes="first"))
    dialog = SessionDialog(ana.store.directory, ana, created, user_name=ana.store.directory.user_name)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.notes_edit.setPlainText("Ana: focus on hip mobility")
    await boss.update_session(created.id, created.version, {"notes": "Boss: moved to Studio B",
                                                            "location": "Studio B"})
    dialog.save()
    (conflict,) = await next_emission(dialog.conflictOpened, timeout=5)
    return ana, boss, dialog, conflict, created.id


async def server_copy(client: StudioClient, session_id: int) -> dict:
    reply = await client.link.request("schedule.query", {"start": "2031-03-01T00:00:00Z",
                                                               "end": "2031-03-05T00:00:00Z"})
    (found,) = [s for s in reply["sessions"] if s["id"] == session_id]
    return found


async def test_conflict_dialog_names_who_saved_and_shows_both_sides(qtbot, sign_in) -> None:
    _ana, _boss, _dialog, conflict, _sid = await stale_edit(qtbot, sign_in)
    assert conflict.current_heading.text().startswith("Current (saved by Boss at ")
    assert set(conflict.differing) == {"Location", "Notes"}
    theirs, mine = conflict.cells["Notes"]
    assert (theirs.text(), mine.text()) == ("Boss: moved to Studio B", "Ana: focus on hip mobility")


async def test_keep_current_leaves_the_other_persons_version(qtbot, sign_in) -> None:
    ana, _boss, dialog, conflict, sid = await stale_edit(qtbot, sign_in)
    conflict.choose(ConflictChoice.KEEP_CURRENT)
    assert not dialog.isVisible()
    stored = await server_copy(ana, sid)
    assert (stored["notes"], stored["version"]) == ("Boss: moved to Studio B", 2)


async def test_overwrite_with_mine_applies_my_change_on_top_of_theirs(qtbot, sign_in) -> None:
    ana, _boss, dialog, conflict, sid = await stale_edit(qtbot, sign_in)
    conflict.choose(ConflictChoice.OVERWRITE)
    (saved,) = await next_emission(dialog.saved, timeout=5)
    stored = await server_copy(ana, sid)
    assert saved.version == stored["version"] == 3
    assert stored["notes"] == "Ana: focus on hip mobility"
    assert stored["location"] == "Studio B"  # only my changed field was sent


async def test_edit_again_reopens_with_my_values_on_the_current_version(qtbot, sign_in) -> None:
    ana, _boss, dialog, conflict, sid = await stale_edit(qtbot, sign_in)
    conflict.choose(ConflictChoice.EDIT_AGAIN)
    assert dialog.isVisible() and dialog.session is not None and dialog.session.version == 2
    assert dialog.form.notes_edit.toPlainText() == "Ana: focus on hip mobility"
    dialog.form.notes_edit.setPlainText("Ana + Boss: hip mobility in Studio B")
    dialog.form.location_combo.setEditText("Studio B")
    dialog.save()
    (saved,) = await next_emission(dialog.saved, timeout=5)
    stored = await server_copy(ana, sid)
    assert saved.version == stored["version"] == 3
    assert (stored["notes"], stored["location"]) == ("Ana + Boss: hip mobility in Studio B", "Studio B")
