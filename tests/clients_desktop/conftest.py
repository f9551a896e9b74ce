"""Fixtures for the clients widget tests: the app's light theme, and ``on_server``, this folder's
name for ``on_empty`` (a real server with no studio yet and its signed-in desktops, each with
its own outbox folder as a separate PC; tests/support/fixtures.py)."""

from __future__ import annotations

import pytest

from tests.support.desktops import SignIn


@pytest.fixture(autouse=True)
def _light(light_theme: None) -> None:
    """Every test here in the app's light theme (tests/support/fixtures.py)."""


@pytest.fixture
def on_server(on_empty: SignIn) -> SignIn:
    """This folder's name for ``on_empty`` (tests/support/fixtures.py)."""
    return on_empty
