"""Cyclic garbage is collected on the GUI thread, never by chance on the server's."""

from __future__ import annotations

import gc
import weakref

from swan_desktop.qt.gc_guard import GuiThreadCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle only the collector can free


def test_automatic_collection_is_off_and_the_timer_collects(qapp) -> None:
    thresholds = gc.get_threshold()
    gc.set_threshold(100, 10, 10)
    collector = GuiThreadCollector()
    collector.start()
    try:
        assert not gc.isenabled()
        node = Node()
        gone = weakref.ref(node)
        del node
        for _ in range(500):
            Node()
        assert gone() is not None  # nothing collected it behind our back
        collector.check()
        assert collector.collections == 1
        assert gone() is None
    finally:
        collector.stop()
        gc.set_threshold(*thresholds)
    assert gc.isenabled()
