"""Writes the notification sounds (short soft chimes, one per priority) as 16-bit mono WAV files.

Run ``python resources/sounds/make_sounds.py``; the WAV files are committed.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 44100
#: priority → notes (Hz) played one after another; higher priorities rise and repeat.
CHIMES = {
    "low": [(659.25, 0.18)],
    "normal": [(587.33, 0.14), (880.0, 0.22)],
    "high": [(659.25, 0.12), (880.0, 0.12), (1046.5, 0.24)],
    "critical": [(880.0, 0.12), (1174.7, 0.12), (880.0, 0.12), (1174.7, 0.3)],
}


def tone(freq: float, seconds: float, volume: float = 0.35) -> list[int]:
    n = int(RATE * seconds)
    out = []
    for i in range(n):
        t = i / RATE
        envelope = min(1.0, i / (0.01 * RATE)) * math.exp(-4.0 * t / seconds)
        sample = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
        out.append(int(32767 * volume * envelope * sample / 1.3))
    return out


def write(path: Path, notes: list[tuple[float, float]]) -> None:
    samples: list[int] = []
    for freq, seconds in notes:
        samples += tone(freq, seconds)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))


if __name__ == "__main__":
    here = Path(__file__).parent
    for priority, notes in CHIMES.items():
        write(here / f"notify-{priority}.wav", notes)
