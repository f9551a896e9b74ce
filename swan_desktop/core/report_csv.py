"""A report (``report.run``) as CSV: one row per period (and trainer or room when the
server splits by them), the figures as columns, then a ``Total`` row. Money (the
server's ``*_cents`` figures) is written as amounts in the studio's currency."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from .client_records import Report, money

KEYS = ("period", "trainer_id", "room", "package")


def is_money(name: str) -> bool:
    return name.endswith("_cents")


def title_of(name: str, currency: str = "EUR") -> str:
    """``revenue_cents`` → ``Revenue (EUR)``; ``no_shows`` → ``No shows``."""
    if is_money(name):
        return title_of(name[: -len("_cents")]) + f" ({currency})"
    return name.replace("_", " ").capitalize()


def figure_text(name: str, value: object) -> str:
    """A figure as shown and exported: amounts of money as ``450.00``, counts as they are."""
    if is_money(name) and isinstance(value, int):
        return money(value).split()[0]
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def table(report: Report, currency: str = "EUR", trainer_name: Callable[[int], str] = str
          ) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (the last one the totals) as the page and the files show them."""
    keys = [k for k in KEYS if any(k in row for row in report.rows)] or ["period"]
    figures = report.figures()
    headers = [("Trainer" if k == "trainer_id" else title_of(k)) for k in keys] \
        + [title_of(f, currency) for f in figures]

    def key_text(key: str, value: object) -> str:
        if key == "trainer_id" and isinstance(value, int):
            return trainer_name(value)
        return "" if value is None else str(value)

    rows = [[key_text(k, row.get(k)) for k in keys] + [figure_text(f, row.get(f)) for f in figures]
            for row in report.rows]
    total = ["Total"] + [""] * (len(keys) - 1) + [figure_text(f, report.totals.get(f)) for f in figures]
    return headers, [*rows, total]


def left_out(report: Report, currency: str = "EUR") -> str:
    """What the figures leave out, in words ("" when nothing): sales of the range voided since."""
    voided = report.totals.get("voided_sales")
    if not isinstance(voided, int) or voided <= 0:
        return ""
    cents = report.totals.get("voided_cents")
    amount = f" ({money(cents, currency)})" if isinstance(cents, int) else ""
    return (f"Not counted: {voided} sale{'s' if voided != 1 else ''}{amount} in this range, "
            "voided since as made by mistake.")


def to_text(report: Report, currency: str = "EUR", trainer_name: Callable[[int], str] = str) -> str:
    headers, rows = table(report, currency, trainer_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def write(path: str | Path, report: Report, currency: str = "EUR",
          trainer_name: Callable[[int], str] = str) -> Path:
    target = Path(path)
    target.write_text(to_text(report, currency, trainer_name), encoding="utf-8")
    return target
