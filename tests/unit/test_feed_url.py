"""A feed's address is the connected server's own host and port over HTTP(S)."""

from __future__ import annotations

import pytest

from swan_desktop.core.feeds import feed_url


def test_a_plain_websocket_address_gives_an_http_feed_address() -> None:
    assert feed_url("ws://127.0.0.1:8765/", "/ics/abc.ics") == "http://127.0.0.1:8765/ics/abc.ics"


def test_a_tls_websocket_address_gives_an_https_feed_address() -> None:
    assert feed_url("wss://studio.example:443", "/ics/abc.ics") == "https://studio.example:443/ics/abc.ics"


def test_something_that_is_not_a_server_address_is_refused() -> None:
    with pytest.raises(ValueError):
        feed_url("ftp://studio.example/", "/ics/abc.ics")
