"""The collaboration UI on real desktops against one real server: avatars, outlines, locks in the
editor, chat with mentions and reactions, the feed opening sessions, a role change, manual review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from swan_desktop.core.client import StudioClient
from swan_desktop.protocol.entities import Role
from swan_desktop.qt.dialogs.conflict_dialog import ReviewDialog
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from tests.support.poll import found, until
from tests.support.qt import next_emission

from .support import COLLAB_FAR, collab_desktop, collab_fields


async def test_avatars_show_who_is_online_and_outline_what_they_edit(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    pane, collab = await collab_desktop(qtbot, ana)
    boss: StudioClient = await sign_in("boss")
    session = await boss.create_session(collab_fields())
    boss.collab.report("editing", session_id=session.id, day=COLLAB_FAR.date().isoformat())
    # Boss's sign-in said "viewing" first; the server passes on one presence a second per user, so
    # "editing" may come a second after Boss appears.
    boss_avatar = await found(lambda: next((a for a in collab.avatars.avatars if a.entry.name == "Boss"
                                            and "editing" in a.toolTip()), None))
    assert "admin" in boss_avatar.toolTip()
    assert collab.avatars.names()[0] == "Ana"  # the user first
    await until(lambda: pane.day_view.canvas.outline_of(session.id) is not None)
    outline = pane.day_view.canvas.outline_of(session.id)
    assert outline is not None and outline.editing and outline.color == boss_avatar.entry.color
    await boss.close()
    await until(lambda: "Boss" not in collab.avatars.names())
    await until(lambda: pane.day_view.canvas.outline_of(session.id) is None)


async def test_the_editor_locks_the_session_and_another_user_sees_it_locked(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    session = await boss.create_session(collab_fields(COLLAB_FAR + timedelta(hours=2)))
    ana: StudioClient = await sign_in("ana")
    ana_pane, ana_collab = await collab_desktop(qtbot, ana)
    boss_pane, boss_collab = await collab_desktop(qtbot, boss)
    ana_editor = ana_pane.open_editor(session.id)
    assert ana_editor is not None
    await until(lambda: ana.collab.locks.token_for(session.id) is not None)
    await until(lambda: boss.collab.locks.held_by_other(session.id) is not None)

    # someone who opened the editor earlier (or offline) is refused in words when saving
    early = SessionDialog(boss.store.directory, boss, boss.store.get(session.id))
    qtbot.addWidget(early)
    early.form.notes_edit.setPlainText("boss was here")
    early.save()
    await until(lambda: not early.general_error.isHidden())
    assert "Ana is editing this session" in early.general_error.text()

    boss_editor = boss_pane.open_editor(session.id)
    assert boss_editor is not None
    lock = boss_collab.presence.locks[boss_editor]
    await until(lambda: lock.banner.isVisible())
    assert lock.banner.text.text().startswith("Locked by Ana")
    assert boss_editor.read_only and not boss_editor.save_button.isVisible()
    assert not lock.banner.ask_button.isHidden() and not lock.banner.break_button.isHidden()  # admin
    lock.banner.ask_button.click()
    ana_lock = ana_collab.presence.locks[ana_editor]
    await until(lambda: "Boss asks for this session" in ana_lock.banner.text.text())

    ana_editor.reject()  # Ana closes: the lock goes to Boss and his editor opens up
    await until(lambda: boss.collab.locks.token_for(session.id) is not None)
    await until(lambda: not boss_editor.read_only)
    assert not lock.banner.isVisible()
    boss_editor.form.notes_edit.setPlainText("boss's turn")
    assert boss_editor.save()  # carries Boss's fencing token now
    await until(lambda: getattr(ana.store.get(session.id), "notes", None) == "boss's turn")


async def test_an_admin_breaks_a_lock_and_the_holder_is_told(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    session = await boss.create_session(collab_fields(COLLAB_FAR + timedelta(hours=4)))
    ana: StudioClient = await sign_in("ana")
    ana_pane, ana_collab = await collab_desktop(qtbot, ana)
    boss_pane, boss_collab = await collab_desktop(qtbot, boss)
    ana_editor = ana_pane.open_editor(session.id)
    assert ana_editor is not None
    await until(lambda: boss.collab.locks.held_by_other(session.id) is not None)
    boss_editor = boss_pane.open_editor(session.id)
    assert boss_editor is not None
    lock = boss_collab.presence.locks[boss_editor]
    await until(lambda: lock.banner.isVisible())
    lock.banner.break_button.click()
    ana_lock = ana_collab.presence.locks[ana_editor]
    await until(lambda: "An admin broke your lock" in ana_lock.banner.text.text())
    await until(lambda: not boss_editor.read_only, 5)  # boss took it over


#: The completion popup really opens; the offscreen platform cannot raise it or grab the keyboard.
@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing the keyboard)")
async def test_chat_panel_mentions_with_completion_react_edit_and_delete(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    vic: StudioClient = await sign_in("vic")
    _pane, collab = await collab_desktop(qtbot, ana)
    chat = collab.panel.chat
    unread = vic.notifications.store.unread
    chat.input.setFocus()
    qtbot.keyClicks(chat.input, "@V")
    assert chat.completer.completionCount() >= 1 and chat.completer.currentCompletion() == "Vic"
    chat.insert_mention(chat.completer.currentCompletion())
    assert chat.input.text() == "@Vic "
    qtbot.keyClicks(chat.input, "the 9:00 is yours")
    qtbot.keyClick(chat.input, Qt.Key.Key_Return)
    await until(lambda: any(m.text == "@Vic the 9:00 is yours"
                            for m in vic.collab.chat.messages("studio")), 5)
    await until(lambda: vic.notifications.store.unread > unread)
    assert chat.input.text() == ""
    await until(lambda: chat.model.rowCount() >= 1)
    mine = chat.model.message(chat.model.rowCount() - 1)
    assert mine is not None and chat.select_message(mine.id)
    assert chat.edit_button.isEnabled() and chat.delete_button.isEnabled()
    chat.reaction_buttons["♥"].click()
    assert ana.user is not None
    ana_id = ana.user.id
    await until(lambda: vic.collab.chat.messages("studio")[-1].reactions.get("♥") == (ana_id,))
    await until(lambda: "♥ 1" in chat.model.data(chat.model.index(chat.model.rowCount() - 1)))
    chat.start_edit()
    chat.input.setText("@Vic the 10:00 is yours")
    chat.submit()
    await until(lambda: vic.collab.chat.messages("studio")[-1].text == "@Vic the 10:00 is yours")
    chat.select_message(mine.id)
    chat.delete_selected()
    await until(lambda: vic.collab.chat.messages("studio")[-1].deleted)


async def test_the_feed_filters_and_opens_the_session(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    pane, collab = await collab_desktop(qtbot, ana)
    session = await boss.create_session(collab_fields(COLLAB_FAR + timedelta(hours=6)))
    await boss.update_session(session.id, session.version, {"notes": "towel"})
    feed = collab.panel.activity
    await until(lambda: feed.model.rowCount() >= 2)
    assert boss.user is not None and ana.user is not None
    feed.set_filter(user_id=ana.user.id)
    assert feed.model.rowCount() == 0
    feed.set_filter(user_id=boss.user.id, kind="updated")
    assert feed.model.rowCount() == 1
    entry = feed.model.entry(0)
    assert entry is not None and "notes: — → towel" in entry.details()
    feed.view.activated.emit(feed.model.index(0, 2))
    assert pane.editor is not None and pane.editor.session is not None
    assert pane.editor.session.id == session.id


async def test_a_role_change_makes_the_open_desktop_read_only(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    pane, collab = await collab_desktop(qtbot, ana)
    assert not pane.read_only and pane.toolbar.new_button.isEnabled()
    assert ana.user is not None
    await boss.collab.set_role(ana.user.id, Role.VIEWER)
    await until(lambda: pane.read_only)
    assert not pane.toolbar.new_button.isEnabled() and not collab.panel.chat.input.isEnabled()


async def test_manual_review_lets_the_user_choose_per_field_and_sends_the_result(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    boss: StudioClient = await sign_in("boss")
    await boss.collab.set_strategy("manual-review")
    created = await ana.create_session(collab_fields(COLLAB_FAR + timedelta(hours=8), notes="first"))
    dialog = SessionDialog(ana.store.directory, ana, created, user_name=ana.store.directory.user_name)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.notes_edit.setPlainText("Ana's notes")
    dialog.form.location_combo.setEditText("Studio C")
    await boss.update_session(created.id, created.version, {"notes": "Boss's notes"})
    dialog.save()
    (review,) = await next_emission(dialog.conflictOpened, timeout=5)
    assert isinstance(review, ReviewDialog)
    assert set(review.fields) == {"notes", "location"}
    assert review.buttons["notes"]["base"].text() == "first"
    assert review.buttons["notes"]["theirs"].text() == "Boss's notes"
    assert review.picks == {"notes": "mine", "location": "mine"}
    review.buttons["notes"]["theirs"].click()
    review.keep_button.click()
    (saved,) = await next_emission(dialog.saved, timeout=5)
    assert (saved.notes, saved.location) == ("Boss's notes", "Studio C")
    entries = [e for e in ana.collab.activity.entries() if e.session_id == created.id]
    assert entries and entries[0].actor_name == "Ana"


