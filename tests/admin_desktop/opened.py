"""The dialog or question a page has open, for a test to drive (each page opens its own kind)."""

from __future__ import annotations

from typing import Any


def opened(widget: object) -> Any:
    """``widget``, which the test expects to be open (typed loosely: a page's dialog is one of several)."""
    assert widget is not None, "nothing is open"
    return widget
