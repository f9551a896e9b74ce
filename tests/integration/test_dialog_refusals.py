"""The session editor against a real server: each refusal reaches it as a typed outcome
(``refused``) and is shown as before; the schedule store is written once per saved change."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from swan_desktop.core.client import StudioClient
from swan_desktop.core.outcomes import Clash, Locked, OutsideHours, StaleVersion
from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.protocol.entities import Session
from swan_desktop.protocol.frames import Event
from swan_desktop.qt.dialogs.session_dialog import SessionDialog
from swan_desktop.qt.schedule_pane import SchedulePane
from tests.support.poll import until
from tests.support.qt import next_emission

from .support import COLLAB_FAR, collab_fields

WEDNESDAY = datetime(2031, 4, 9, 15, 0, tzinfo=UTC)  # COLLAB_FAR is a Monday


async def shown(client: StudioClient, session: Session) -> Session:
    """The session as ``client`` holds it after loading its day."""
    await client.load_range(session.start - timedelta(hours=1), session.end + timedelta(hours=1))
    held = client.store.get(session.id)
    assert held is not None
    return held


def spy_on_writes(store: ScheduleStore) -> list[str]:
    """Who wrote the store, in order: "events" (the router applying an event), "client" (the
    core client and its parts), or the module of any other caller."""
    writers: list[str] = []
    for name in ("upsert", "replace", "remove", "load", "replace_range", "mark_pending", "clear_pending"):
        original = getattr(store, name)

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            frame = sys._getframe(1)
            module = frame.f_globals["__name__"]
            if module == "swan_desktop.core.schedule":
                if frame.f_code.co_name == "apply_event":
                    writers.append("events")
            else:
                writers.append("client" if module.startswith("swan_desktop.core.") else module)
            return _original(*args, **kwargs)
        setattr(store, name, spy)
    return writers


def editor(qtbot, client: StudioClient, session: Session | None = None, **kw) -> SessionDialog:
    dialog = SessionDialog(client.store.directory, client, session, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


async def test_a_stale_edit_reaches_the_editor_as_a_stale_version_and_opens_the_conflict(
        qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ana: StudioClient = await sign_in("ana")
    mine = await shown(ana, await boss.create_session(collab_fields()))
    dialog = editor(qtbot, ana, mine)
    await boss.update_session(mine.id, mine.version, {"notes": "boss's notes"})
    dialog.form.notes_edit.setPlainText("ana's notes")
    refused = next_emission(dialog.refused, timeout=5)
    assert dialog.save() is True
    (outcome,) = await refused
    assert isinstance(outcome, StaleVersion) and outcome.current.version == mine.version + 1
    assert outcome.current.notes == "boss's notes"
    conflict = dialog.conflict_dialog
    assert conflict is not None and conflict.isVisible() and conflict.current == outcome.current
    held = ana.store.get(mine.id)
    assert held is not None and held.version == outcome.current.version  # the client stored the truth


async def test_a_clash_reaches_the_editor_and_is_shown_by_the_time_and_the_trainer(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ana: StudioClient = await sign_in("ana")
    await boss.create_session(collab_fields())
    dialog = editor(qtbot, ana, start=COLLAB_FAR, trainer_id=1)
    refused = next_emission(dialog.refused, timeout=5)
    assert dialog.save() is True
    (outcome,) = await refused
    assert isinstance(outcome, Clash) and outcome.kind == "double-booking" and not outcome.may_override
    assert dialog.form.error_text("start") == outcome.message
    assert dialog.form.error_text("trainer_id") == "This trainer is not free at that time."
    assert not dialog.save_anyway_button.isVisible()  # a trainer may not book over a clash


async def test_a_locked_session_reaches_the_editor_and_names_who_holds_it(qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    ana: StudioClient = await sign_in("ana")
    session = await shown(ana, await boss.create_session(collab_fields()))
    await boss.collab.take_lock(session.id)
    dialog = editor(qtbot, ana, session)
    dialog.form.notes_edit.setPlainText("ana was here")
    refused = next_emission(dialog.refused, timeout=5)
    assert dialog.save() is True
    (outcome,) = await refused
    assert isinstance(outcome, Locked) and outcome.why == "held" and outcome.holder == "Boss"
    assert dialog.general_error.text() == (
        "Not saved: Boss is editing this session. Ask them for the session, or wait until they close it; "
        "your values are still here.")
    assert dialog.form.notes_edit.toPlainText() == "ana was here"


async def test_an_outside_hours_booking_reaches_the_editor_and_an_admin_may_book_anyway(
        qtbot, sign_in) -> None:
    boss: StudioClient = await sign_in("boss")
    await boss.link.request("availability.set", {"trainer_id": 2, "hours": [
        {"weekday": 0, "start": "09:00", "end": "10:00"}]})
    dialog = editor(qtbot, boss, start=WEDNESDAY, trainer_id=2, can_override=True)
    refused = next_emission(dialog.refused, timeout=5)
    assert dialog.save() is True
    (outcome,) = await refused
    assert isinstance(outcome, OutsideHours) and outcome.trainer_id == 2 and outcome.may_override
    assert dialog.form.error_text("start") == outcome.message
    assert "working hours" in outcome.message
    assert dialog.save_anyway_button.isVisible() and dialog.save_anyway_button.text() == "Book anyway"
    saved = next_emission(dialog.saved, timeout=5)
    dialog.save_anyway_button.click()
    (session,) = await saved
    assert boss.store.get(session.id) == session


async def test_a_saved_change_is_written_to_the_store_once(qtbot, sign_in) -> None:
    ana: StudioClient = await sign_in("ana")
    session = await shown(ana, await ana.create_session(collab_fields()))
    pane = SchedulePane(ana.store, ana)
    qtbot.addWidget(pane)
    echoed: list[Event] = []
    ana.router.register("session:", echoed.append)  # after the store's handler: runs once it has applied
    changes: list[int] = []
    ana.store.add_listener(lambda: changes.append(ana.store.revision))
    writers = spy_on_writes(ana.store)

    dialog = pane.open_editor(session.id)
    assert dialog is not None
    dialog.form.notes_edit.setPlainText("bring a towel")
    saved: list[Session] = []
    dialog.saved.connect(saved.append)  # (the pane deletes the editor once it closes)
    dialog.save()
    await until(lambda: saved)
    stored = saved[0]
    assert ana.store.get(session.id) == stored  # shown at once: the client stored the reply
    await until(lambda: any(e.kind == "session:updated" for e in echoed))
    # the reply and its echo (in either order: replies and events are separate streams);
    # never the pane or the editor
    assert sorted(writers) == ["client", "events"]
    assert len(changes) == 1  # and the echo, equal to the reply, repaints nothing
    assert ana.store.get(session.id) == stored and stored.notes == "bring a towel"
