"""App settings survive a restart and a damaged file never stops the app."""

from __future__ import annotations

from pathlib import Path

from swan_desktop.settings.config import Settings


def test_settings_round_trip(data_dir: Path) -> None:
    Settings(server_url="ws://studio:8765/", last_username="ana", view="week").save()
    loaded = Settings.load()
    assert (loaded.server_url, loaded.last_username, loaded.view) == ("ws://studio:8765/", "ana", "week")


def test_damaged_settings_file_falls_back_to_defaults(data_dir: Path) -> None:
    (data_dir / "settings.json").write_text("{not json", "utf-8")
    assert Settings.load() == Settings()


def test_unknown_or_mistyped_keys_are_ignored(data_dir: Path) -> None:
    (data_dir / "settings.json").write_text('{"server_url": 5, "view": "agenda", "x": 1}', "utf-8")
    assert Settings.load() == Settings(view="agenda")
