"""Fixtures for the administration widget tests: the app's light theme for every test. The real
server with no studio yet (``empty_server``) and its signed-in desktops (``on_empty``) come
from tests/support/fixtures.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _light(light_theme: None) -> None:
    """Every test here in the app's light theme (tests/support/fixtures.py)."""
