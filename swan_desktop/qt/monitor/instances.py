"""The monitor's "Instances and database" box: a row per server instance, and the database's own.

A studio group runs several ``swan-server`` instances on one PostgreSQL database; each
reports its figures every few seconds, and one that stopped reporting reads "gone". On
SQLite there is one instance. The database row is what the database itself says (size,
connections in use of the most it takes, commits per second, replication), as seen by the
instance this desktop talks to, and whether that instance reaches it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..human_time import human_iso
from .figures import NO_DATA, duration_text, number, show, size_text

STATE_COLORS = {"up": "#2e7d32", "gone": "#c62828", "stopped": "#757575"}
STATE_WORDS = {"up": "Up", "gone": "Gone (stopped reporting)", "stopped": "Stopped"}

#: Instance columns: (header, figure key or None, format).
INSTANCE_COLUMNS: tuple[tuple[str, str | None, Any], ...] = (
    ("Instance", None, None),
    ("State", None, None),
    ("Started", None, None),
    ("Last report", None, None),
    ("Connections", "connections", number("{:.0f}")),
    ("Users", "active_users", number("{:.0f}")),
    ("Requests / s", "requests_per_s", number("{:.2f}")),
    ("Events / s", "events_per_s", number("{:.2f}")),
    ("p95", "latency_p95_ms", number("{:.1f} ms")),
    ("CPU", "cpu_percent", number("{:.1f} %")),
    ("Memory", "memory_rss_bytes", size_text),
    ("Uptime", "uptime_s", duration_text),
    ("Database", None, None),
)
DATABASE_COLUMNS = ("Database", "Reachable", "Size", "Connections", "Commits / s", "Rollbacks / s",
                    "Replication")
ROW_H = 24
#: A figure a SQLite file does not have (not a missing measurement).
NOT_APPLICABLE = "—"


def _table(headers: tuple[str, ...] | list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_H)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fit(table: QTableWidget, rows: int) -> None:
    """Exactly tall enough for the header and ``rows`` rows (no inner scrolling)."""
    table.setFixedHeight(table.horizontalHeader().sizeHint().height() + ROW_H * max(1, rows)
                         + 2 * table.frameWidth() + 2)


def _replication(db: dict[str, Any]) -> str:
    if db.get("engine") == "sqlite":
        return "none (one file)"
    if db.get("standby"):
        lag = db.get("replication_lag_s")
        return f"standby, {lag:.1f} s behind" if lag is not None else "standby"
    replicas = db.get("replicas")
    if not replicas:
        return "no replicas" if replicas is not None else NO_DATA
    lag = db.get("replication_lag_s")
    return f"{replicas} replica(s), lag {lag:.1f} s" if lag is not None else f"{replicas} replica(s)"


def database_cells(db: dict[str, Any]) -> list[str]:
    """The database row, in words."""
    engine = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(str(db.get("engine")), NO_DATA)
    reachable = db.get("reachable")
    most = db.get("max_connections")
    connections = show(db.get("connections"), number("{:.0f}"))
    if most:
        connections += f" of {most}"
    answers = NO_DATA if reachable is None else ("yes" if reachable else "no: " + str(db.get("reason")))
    rate = number("{:.1f}")
    size = show(db.get("size_bytes"), size_text)
    if db.get("engine") == "sqlite":  # a file: no connections or commit counters to speak of
        return [engine, answers, size, NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, _replication(db)]
    return [engine, answers, size, connections,
            show(db.get("commits_per_s"), rate), show(db.get("rollbacks_per_s"), rate), _replication(db)]


def instance_cells(instance: dict[str, Any]) -> list[str]:
    """An instance's row, in words (figures of a gone instance are its last report)."""
    name = f"{instance.get('host')}:{instance.get('port')}"
    if instance.get("this"):
        name += " (this one)"
    figures = instance.get("figures") or {}
    cells = [name, STATE_WORDS.get(str(instance.get("state")), str(instance.get("state"))),
             human_iso(instance["started"]) if instance.get("started") else NO_DATA,
             human_iso(instance["last_seen"], seconds=True) if instance.get("last_seen") else NO_DATA]
    cells += [show(figures.get(key), fmt) for _, key, fmt in INSTANCE_COLUMNS[4:-1] if key]
    database = str(instance.get("database") or "unknown")
    cells.append({"reachable": "reachable", "unreachable": "unreachable"}.get(database, NO_DATA))
    return cells


class InstancesBox(QGroupBox):
    """The instances table and the database row beneath it."""

    def __init__(self) -> None:
        super().__init__("Instances and database")
        self.instances_table = _table([c[0] for c in INSTANCE_COLUMNS], 0)
        self.instances_table.setObjectName("monitorInstances")
        self.database_table = _table(DATABASE_COLUMNS, len(DATABASE_COLUMNS) - 1)
        self.database_table.setObjectName("monitorDatabase")
        self.database_table.setRowCount(1)
        _fit(self.database_table, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.instances_table)
        layout.addWidget(self.database_table)
        self.set_data([], {})

    def set_data(self, instances: list[dict[str, Any]], database: dict[str, Any]) -> None:
        table = self.instances_table
        table.setRowCount(len(instances))
        for r, instance in enumerate(instances):
            up = instance.get("state") == "up"
            for c, text in enumerate(instance_cells(instance)):
                item = QTableWidgetItem(text)
                if not up:  # figures of an instance not running are its last report: greyed
                    item.setForeground(QColor("#8a9099"))
                if c == 1:
                    item.setForeground(QColor(STATE_COLORS.get(str(instance.get("state")), "#9e9e9e")))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                elif c >= 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        _fit(table, len(instances))
        for c, text in enumerate(database_cells(database)):
            item = QTableWidgetItem(text)
            if c == 1 and database.get("reachable") is not None:
                item.setForeground(QColor("#2e7d32" if database["reachable"] else "#c62828"))
            self.database_table.setItem(0, c, item)
