"""The zone the schedule is shown in: the studio's, kept up to date from its settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from swan_desktop.core.directory import Directory


def test_the_studios_zone_is_shown_and_follows_a_settings_change() -> None:
    directory = Directory.from_wire({"timezone": "Europe/Berlin"})
    assert directory.zone == ZoneInfo("Europe/Berlin")
    assert directory.follow_settings({"timezone": "America/Los_Angeles", "cancellation_window_h": "24"})
    assert directory.zone == ZoneInfo("America/Los_Angeles")
    assert not directory.follow_settings({"timezone": "America/Los_Angeles"})  # no change
    assert not directory.follow_settings({"timezone": "Mars/Olympus"})  # not a zone: kept
    assert not directory.follow_settings({"timezone": ""})  # the server's own: named on the next load
    assert not directory.follow_settings({"conflict_strategy": "auto-merge"})
    assert directory.timezone == "America/Los_Angeles"
