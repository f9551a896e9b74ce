"""The sound channel loads Qt's multimedia back end (about 19 MiB) at the first sound asked
for, not when the app starts, and keeps the volume chosen before then."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from swan_desktop.notify.channels import Popup, SoundChannel

# The multimedia back end says what it looked for, and that there is no sound server here.
pytestmark = pytest.mark.qt_log_ignore(
    r"Couldn't (load|resolve) ", r"PulseAudioService", r"QSoundEffect: playback of this format",
    r"Using Qt multimedia")


def test_nothing_is_loaded_until_a_sound_is_asked_for_and_the_volume_set_before_holds(
        qtbot: QtBot) -> None:
    channel = SoundChannel(volume=0.3)
    channel.set_volume(0.8)  # the settings page, before any sound
    assert not channel.loaded
    try:
        channel.available()  # a delivery's first question loads it
        assert channel.loaded
        effects = channel._load()
        assert set(effects) == set(SoundChannel.PRIORITIES)
        assert all(abs(e.volume() - 0.8) < 0.01 for e in effects.values())
        assert effects["high"].source().toLocalFile().endswith("notify-high.wav")
    finally:
        channel.close()
    assert not channel.loaded


def test_the_first_sound_loads_and_plays_or_says_there_is_no_output(qtbot: QtBot) -> None:
    channel = SoundChannel()
    try:
        # With no audio device Qt's effect goes Loading → Error: either answer is a real one.
        try:
            said = channel.show(Popup("k", "Title", "", "system", "high"))
        except Exception as exc:  # noqa: BLE001 - ChannelUnavailable is what it may raise
            assert "no audio output" in str(exc)
        else:
            assert said == "played high"
        assert channel.loaded
    finally:
        channel.close()
