"""StoreBridge: bursts of store changes reach the views as one signal."""

from __future__ import annotations

import time

from swan_desktop.core.schedule import ScheduleStore
from swan_desktop.qt.bridge import COALESCE_MAX_MS, COALESCE_MS, COST_FACTOR, StoreBridge
from tests.support.sample import session


def test_a_thousand_store_changes_emit_changed_once(qtbot) -> None:
    store = ScheduleStore()
    bridge = StoreBridge(store)
    emissions: list[int] = []
    bridge.changed.connect(lambda: emissions.append(store.revision))
    with qtbot.waitSignal(bridge.changed, timeout=10000):
        for i in range(1000):
            store.upsert(session(i, 1 + i % 3, 6 + i % 12))
    assert emissions == [1000]
    # nothing else is pending: the next change starts a new, single emission
    with qtbot.waitSignal(bridge.changed, timeout=10000):
        store.remove(0)
    assert emissions == [1000, 1001]
    bridge.detach()


def test_a_quiet_store_emits_nothing(qtbot) -> None:
    store = ScheduleStore()
    bridge = StoreBridge(store)
    with qtbot.assertNotEmitted(bridge.changed, wait=120):
        pass
    assert not bridge.dirty
    bridge.detach()


def test_views_slow_to_follow_make_the_next_gathering_longer(qtbot) -> None:
    store = ScheduleStore()
    bridge = StoreBridge(store)
    bridge.changed.connect(lambda: time.sleep(0.03))  # views taking 30 ms to follow
    with qtbot.waitSignal(bridge.changed, timeout=10000):
        store.upsert(session(1, 1, 9))
    assert COST_FACTOR * 30 <= bridge._timer.interval() <= COALESCE_MAX_MS
    bridge.changed.disconnect()
    with qtbot.waitSignal(bridge.changed, timeout=10000):  # quick again: back to the usual
        store.upsert(session(2, 1, 10))
    assert bridge._timer.interval() == COALESCE_MS
    bridge.detach()
