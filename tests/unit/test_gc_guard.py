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


def test_settling_freezes_the_survivors_and_stopping_thaws_them(qapp) -> None:
    collector = GuiThreadCollector(thresholds=(5000, 10, 10))
    collector.start()
    try:
        assert gc.get_threshold() == (5000, 10, 10)
        kept = [Node() for _ in range(100)]
        collector.settle()
        assert gc.get_freeze_count() >= len(kept)  # later collections do not walk them
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0 and gc.get_threshold() != (5000, 10, 10)
