"""Outbox speed: durable single adds at depth 0 and 10,000, and a 10,000-entry batch.

Each single add commits with ``synchronous=FULL`` (one flush to disk), so its
cost is the disk's; the figure that matters is that it does not grow with depth.
Run: ``.venv/bin/python benchmarks/outbox.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from swan_desktop.net.outbox import Outbox


def per_add_ms(box: Outbox, count: int = 200) -> tuple[float, float]:
    runs = []
    for n in range(count):
        started = time.perf_counter()
        box.add("session.update", {"n": n})
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), max(runs)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        box = Outbox(Path(folder) / "outbox.sqlite3")
        med, worst = per_add_ms(box)
        print(f"{'single durable add, empty outbox':<40} median {med:6.2f} ms   worst {worst:6.2f} ms")
        started = time.perf_counter()
        box.add_many(("session.update", {"n": n}) for n in range(10_000))
        print(f"{'add_many of 10,000 (one commit)':<40} {1000 * (time.perf_counter() - started):8.1f} ms")
        med, worst = per_add_ms(box)
        print(f"{'single durable add, depth 10,000':<40} median {med:6.2f} ms   worst {worst:6.2f} ms")
        started = time.perf_counter()
        pending = box.pending()
        label = f"list {len(pending):,} pending"
        print(f"{label:<40} {1000 * (time.perf_counter() - started):8.1f} ms")
        box.close()


if __name__ == "__main__":
    main()
