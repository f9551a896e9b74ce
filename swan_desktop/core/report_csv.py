"""A report (``report.run``) as CSV: one row per period (and trainer or room when the
server splits by them), the figures as columns, then a ``Total`` row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .client_records import Report

KEYS = ("period", "trainer_id", "room")


def title_of(name: str) -> str:
    """``revenue_cents`` → ``Revenue (cents)``; ``no_shows`` → ``No shows``."""
    if name.endswith("_cents"):
        return title_of(name[: -len("_cents")]) + " (cents)"
    return name.replace("_", " ").capitalize()


def table(report: Report) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (the last one the totals) as the page and the files show them."""
    keys = [k for k in KEYS if any(k in row for row in report.rows)] or ["period"]
    figures = report.figures()
    headers = [title_of(k) for k in keys] + [title_of(f) for f in figures]
    rows = [[str(row.get(k, "")) for k in keys] + [str(row.get(f, 0)) for f in figures]
            for row in report.rows]
    total = ["Total"] + [""] * (len(keys) - 1) + [str(report.totals.get(f, "")) for f in figures]
    return headers, [*rows, total]


def to_text(report: Report) -> str:
    headers, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def write(path: str | Path, report: Report) -> Path:
    target = Path(path)
    target.write_text(to_text(report), encoding="utf-8")
    return target
