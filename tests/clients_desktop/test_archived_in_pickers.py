"""An archived client is left out of the session editor's client picker on every PC (the card's
button promises it), while a session booked before keeps showing its client by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.protocol.entities import Session
from swan_desktop.qt.dialogs.session_form import SessionForm
from tests.support.desktops import SignIn
from tests.support.poll import until


def offered(form: SessionForm) -> list[str]:
    return [form.client_combo.itemText(i) for i in range(1, form.client_combo.count())]


async def test_a_client_archived_on_one_pc_leaves_the_pickers_of_another(qtbot, on_server: SignIn) -> None:
    office, desk = await on_server("boss"), await on_server("boss")
    rita = await office.clients.create({"name": "Rita Lobo"})
    await office.clients.create({"name": "Tomas Reis"})
    both = {"Rita Lobo", "Tomas Reis"}
    await until(lambda: {c.name for c in desk.store.directory.clients.values()} >= both,
                what="both clients on the other PC")
    before = SessionForm(desk.store.directory)
    qtbot.addWidget(before)
    assert offered(before) == ["Rita Lobo", "Tomas Reis"]

    await office.clients.update(rita.id, {"archived": True})
    await until(lambda: desk.store.directory.clients[rita.id].archived, what="the archiving on the other PC")
    after = SessionForm(desk.store.directory)
    qtbot.addWidget(after)
    assert offered(after) == ["Tomas Reis"]

    start = datetime(2031, 3, 10, 10, tzinfo=UTC)
    old = Session(id=5, start=start, end=start + timedelta(hours=1), trainer_id=1, client_id=rita.id,
                  client_name="Rita Lobo")
    after.load_wire(old.to_wire())
    assert after.client_combo.currentText() == "Rita Lobo"
    values = after.values()
    assert values["client_id"] == rita.id and values["client_name"] == "Rita Lobo"  # the session keeps her

    await office.clients.update(rita.id, {"archived": False})
    await until(lambda: not desk.store.directory.clients[rita.id].archived,
                what="the restore on the other PC")
    restored = SessionForm(desk.store.directory)
    qtbot.addWidget(restored)
    assert offered(restored) == ["Rita Lobo", "Tomas Reis"]


async def test_a_desktop_signing_in_later_reads_who_is_archived(qtbot, on_server: SignIn) -> None:
    office = await on_server("boss")
    rita = await office.clients.create({"name": "Rita Lobo"})
    await office.clients.create({"name": "Tomas Reis"})
    await office.clients.update(rita.id, {"archived": True})
    later = await on_server("boss")
    assert later.store.directory.clients[rita.id].archived
    form = SessionForm(later.store.directory)
    qtbot.addWidget(form)
    assert offered(form) == ["Tomas Reis"]
    snapshot = later.snapshot()  # what an offline start opens on keeps it too
    assert snapshot is not None
    assert [c.get("archived", False) for c in snapshot.directory["clients"]] == [True, False]
