"""Cyclic garbage is collected on the GUI thread, never by chance on the server's."""

from __future__ import annotations

import gc

from swan_desktop.qt.gc_guard import GuiThreadCollector


def test_automatic_collection_is_off_and_the_timer_collects(qapp) -> None:
    collector = GuiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        for _ in range(gc.get_threshold()[0] + 10):
            a: list[object] = []
            a.append(a)  # a cycle only the collector can free
        collector.check()
        assert collector.collections == 1
        assert gc.get_count()[0] < gc.get_threshold()[0]
    finally:
        collector.stop()
    assert gc.isenabled()
