"""Chat and activity models hold what the stores give them, in the stores' order, and pass qtmodeltester."""

from __future__ import annotations

from PySide6.QtCore import Qt

from swan_desktop.core.collab.activity import ActivityStore
from swan_desktop.core.collab.chat import ChatStore
from swan_desktop.protocol.frames import Event
from swan_desktop.qt.collab.models import ROW_HEIGHT, ActivityModel, ChatModel


def message(mid: int, text: str, **extra: object) -> dict:
    return {"id": mid, "room": "studio", "kind": "chat", "author": {"id": 2, "name": "Ana"}, "text": text,
            "mentions": [], "reactions": {}, "session_id": None, "created_at": "2031-03-03T09:00:00Z",
            "edited_at": None, "deleted": False, **extra}


def entry(eid: int, actor: int, kind: str = "updated", trainer: int = 1) -> dict:
    return {"id": eid, "ts": "2031-03-03T09:00:00Z", "actor": {"id": actor, "name": f"User {actor}"},
            "kind": kind, "session_id": 10 + eid, "trainer_id": trainer, "summary": f"change {eid}",
            "changes": [{"field": "notes", "old": "", "new": f"n{eid}"}], "day": "2031-03-03"}


def test_chat_rows_are_in_server_order_with_reactions_and_a_fixed_height(qtmodeltester) -> None:
    store = ChatStore(limit=3)
    store.load_room("studio", [message(5, "five"), message(2, "two")])
    store.apply_event(Event("e", 1, "chat:posted", "", None,
                            {"message": message(9, "nine", reactions={"✔": [3, 4]}, mentions=[7])}))
    store.apply_event(Event("e", 2, "chat:posted", "", None, {"message": message(7, "seven")}))
    assert [m.id for m in store.messages("studio")] == [5, 7, 9]  # ordered by id, last 3 kept
    model = ChatModel(me=7)
    model.set_messages(store.messages("studio"))
    qtmodeltester.check(model)
    last = model.index(2)
    assert model.data(last).endswith("✔ 2\nnine") and model.data(last, Qt.ItemDataRole.BackgroundRole)
    assert model.data(last, Qt.ItemDataRole.SizeHintRole).height() == ROW_HEIGHT


def test_activity_rows_filter_by_person_trainer_and_kind_newest_first(qtmodeltester) -> None:
    store = ActivityStore()
    store.load([entry(1, 2), entry(2, 4, trainer=3)])
    store.apply_event(Event("e", 3, "session:updated", "", None,
                            {"session": {}, "activity": [entry(3, 2, "overwritten")]}))
    assert [e.id for e in store.entries()] == [3, 2, 1]
    assert [e.id for e in store.entries(user_id=2)] == [3, 1]
    assert [e.id for e in store.entries(trainer_id=3)] == [2]
    assert [e.id for e in store.entries(kind="overwritten")] == [3]
    model = ActivityModel()
    model.set_entries(store.entries())
    qtmodeltester.check(model)
    assert model.data(model.index(0, 3)) == "notes: — → n3"
