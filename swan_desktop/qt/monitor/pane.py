"""``MonitorPane``: is the studio's system healthy? Services, uptime, figures, charts, this PC's link.

Fed by :class:`~swan_desktop.core.monitor.MonitorStore`; store changes are
coalesced (50 ms) into one repaint. Refreshes run on the asyncio loop (never
blocking the Qt thread), on demand and every 2, 5 (default) or 30 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.monitor import RANGES, MonitorStore, Requester
from ...net.metrics import MetricsSnapshot
from ..human_time import human_iso
from . import export
from .figures import CLIENT_FIGURES, NO_DATA, SERVER_FIGURES, show
from .instances import InstancesBox
from .service_model import ServiceTableModel
from .summary import summary_sentence
from .uptime_bar import UptimeBar

if TYPE_CHECKING:
    from .charts import MetricChart

#: Auto-refresh choices: label → milliseconds (0 = off).
INTERVALS = {"Off": 0, "2 s": 2000, "5 s": 5000, "30 s": 30_000}
RANGE_LABELS = {"5m": "Last 5 minutes", "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days"}
#: Chart title → (series name → legend label, unit, factor).
CHARTS: dict[str, tuple[dict[str, str], str, float]] = {
    "Request latency": (
        {"latency_p50_ms": "p50", "latency_p95_ms": "p95", "latency_p99_ms": "p99"}, "ms", 1.0),
    "Throughput": ({"requests_per_s": "requests/s", "events_per_s": "events/s"}, "per s", 1.0),
    "Errors and refusals": ({"error_rate": "server errors", "refusal_rate": "refused by rule"}, "%", 100.0),
    "Server CPU": ({"cpu_percent": "CPU"}, "%", 1.0),
    "Server memory": ({"memory_rss_bytes": "resident"}, "MiB", 1 / 1024 / 1024),
}


def _figure_grid(items: tuple[tuple[str, str, Any], ...],
                 columns: int) -> tuple[QGridLayout, dict[str, QLabel]]:
    grid = QGridLayout()
    grid.setHorizontalSpacing(18)
    grid.setVerticalSpacing(6)
    labels: dict[str, QLabel] = {}
    for i, (key, label, _) in enumerate(items):
        row, col = divmod(i, columns)
        name = QLabel(label)
        name.setStyleSheet("color: #5f6670;")
        value = QLabel(NO_DATA)
        value.setObjectName(f"figure_{key}")
        font = value.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        value.setFont(font)
        grid.addWidget(name, row * 2, col)
        grid.addWidget(value, row * 2 + 1, col)
        labels[key] = value
    return grid, labels


class MonitorPane(QWidget):
    refreshed = Signal()

    def __init__(self, store: MonitorStore, request: Requester | None = None,
                 client_metrics: Callable[[], MetricsSnapshot] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._request = request
        self._client_metrics = client_metrics
        self._busy = False
        self._task: asyncio.Future[Any] | None = None

        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(50)
        self._coalesce.timeout.connect(self.redraw)
        store.add_listener(self._coalesce.start)
        self._auto = QTimer(self)
        self._auto.timeout.connect(self._tick)

        self.range_box = QComboBox()
        for key in RANGES:
            self.range_box.addItem(RANGE_LABELS[key], key)
        self.range_box.setCurrentIndex(RANGES.index(store.range))
        self.range_box.currentIndexChanged.connect(self._range_chosen)
        self.interval_box = QComboBox()
        self.interval_box.addItems(list(INTERVALS))
        self.interval_box.currentTextChanged.connect(self.set_interval)
        self.refresh_button = QPushButton("Refresh now")
        self.refresh_button.clicked.connect(self.request_refresh)
        self.export_button = QPushButton("Export…")
        self.export_button.clicked.connect(self.open_export_dialog)
        self.status_label = QLabel("Not loaded yet")
        self.status_label.setObjectName("monitorStatus")
        self.overall_label = QLabel()
        font = self.overall_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.overall_label.setFont(font)
        #: The first thing read: health and what was refused, in one sentence.
        self.summary_label = QLabel("Not loaded yet")
        self.summary_label.setObjectName("monitorSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName("Summary")
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.summary_label.setFont(font)
        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolTip("Services, figures, latency and charts")
        self.details_button.toggled.connect(self.show_details)

        bar = QHBoxLayout()
        bar.addWidget(self.overall_label)
        bar.addSpacing(16)
        bar.addWidget(self.status_label, 1)
        bar.addWidget(QLabel("Range"))
        bar.addWidget(self.range_box)
        bar.addWidget(QLabel("Auto-refresh"))
        bar.addWidget(self.interval_box)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)

        self.services_model = ServiceTableModel(store)
        self.services_view = QTableView()
        self.services_view.setModel(self.services_model)
        self.services_view.verticalHeader().setVisible(False)
        self.services_view.verticalHeader().setDefaultSectionSize(26)
        self.services_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.services_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.services_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.services_view.setColumnWidth(0, 190)
        self.services_view.setColumnWidth(1, 95)
        self.services_view.setColumnWidth(3, 130)
        self.services_view.setFixedHeight(26 * 4 + 30)

        self.uptime_box = QGroupBox("Uptime over the range")
        self._uptime_grid = QGridLayout(self.uptime_box)
        self.uptime_bars: dict[str, tuple[QLabel, UptimeBar, QLabel]] = {}

        #: A row per server instance (several in a studio group) and one for the database.
        self.instances_box = InstancesBox()

        server_box = QGroupBox("This server instance")
        grid, self.figure_labels = _figure_grid(SERVER_FIGURES, 5)
        server_box.setLayout(grid)
        client_box = QGroupBox("This PC's connection")
        grid, self.client_labels = _figure_grid(CLIENT_FIGURES, 3)
        client_box.setLayout(grid)

        latency_box = QGroupBox("Latency by request type (last 5 minutes)")
        self.latency_table = QTableWidget(0, 5)
        self.latency_table.setHorizontalHeaderLabels(["Request", "Requests", "p50 ms", "p95 ms", "p99 ms"])
        self.latency_table.verticalHeader().setVisible(False)
        self.latency_table.verticalHeader().setDefaultSectionSize(24)
        self.latency_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.latency_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.latency_table.setMinimumHeight(150)
        QVBoxLayout(latency_box).addWidget(self.latency_table)

        # The charts (QtCharts, several MiB) are made when "Details" first opens.
        self._charts: dict[str, MetricChart] | None = None
        self._charts_grid = charts = QGridLayout()

        left = QVBoxLayout()
        left.addWidget(self.services_view)
        left.addWidget(self.uptime_box)
        left.addWidget(client_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(server_box)
        right.addWidget(latency_box)
        top = QHBoxLayout()
        top.addLayout(left, 5)
        top.addLayout(right, 6)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.instances_box)
        column.addLayout(top)
        column.addLayout(charts)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.details = scroll
        outer = QVBoxLayout(self)
        outer.addWidget(self.summary_label)
        outer.addLayout(bar)
        outer.addWidget(self.details_button)
        outer.addWidget(scroll, 1)
        outer.addStretch(0)
        scroll.setVisible(False)

        self.interval_box.setCurrentText("5 s")
        self.redraw()

    @property
    def charts(self) -> dict[str, MetricChart]:
        return self._made_charts()

    def _made_charts(self) -> dict[str, MetricChart]:
        if self._charts is None:
            from .charts import MetricChart

            self._charts = {title: MetricChart(title, names, unit, factor)
                            for title, (names, unit, factor) in CHARTS.items()}
            for i, chart in enumerate(self._charts.values()):
                self._charts_grid.addWidget(chart, i // 3, i % 3)
            self._render_charts()
        return self._charts

    def show_details(self, shown: bool) -> None:
        """The technical figures, charts and tables stay under "Details" until asked for."""
        if shown:
            self._made_charts()
        self.details_button.setChecked(shown)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.details.setVisible(shown)

    # -- refreshing ----------------------------------------------------------------
    def set_interval(self, label: str) -> None:
        ms = INTERVALS[label]
        if ms:
            self._auto.start(ms)
        else:
            self._auto.stop()

    @property
    def interval_ms(self) -> int:
        return self._auto.interval() if self._auto.isActive() else 0

    def _range_chosen(self, index: int) -> None:
        self.store.set_range(str(self.range_box.itemData(index)))
        self.request_refresh()

    def _tick(self) -> None:
        if self.isVisible():  # a hidden tab costs the server nothing
            self.request_refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.store.snapshot is None:
            self.request_refresh()

    def request_refresh(self) -> None:
        if self._request is not None and not self._busy:
            self._task = asyncio.ensure_future(self.refresh_now())

    async def refresh_now(self) -> bool:
        """Fetch snapshot and history now (the store keeps the figures shown on failure)."""
        if self._request is None:
            return False
        self._busy = True
        self.refresh_button.setEnabled(False)
        try:
            ok = await self.store.refresh(self._request)
        finally:
            self._busy = False
            self.refresh_button.setEnabled(True)
        self.redraw()
        self.refreshed.emit()
        return ok

    def stop(self) -> None:
        """Stop refreshing and listening (before the pane goes away)."""
        self._auto.stop()
        self._coalesce.stop()
        with contextlib.suppress(ValueError):
            self.store.remove_listener(self._coalesce.start)
        if self._task is not None:
            self._task.cancel()

    # -- showing -----------------------------------------------------------------------
    def redraw(self) -> None:
        self._coalesce.stop()
        store = self.store
        self.services_model.refresh()
        status = (store.snapshot or {}).get("status")
        self.overall_label.setText(f"System: {status}" if status else "System: no data")
        self.summary_label.setText(summary_sentence(store.snapshot, store.error or ""))
        if store.error:
            self.status_label.setText(store.error)
            self.status_label.setStyleSheet("color: #c62828;")
        else:
            self.status_label.setStyleSheet("")
            sampled = (store.snapshot or {}).get("sampled_at")
            self.status_label.setText(f"Measured {human_iso(sampled, seconds=True)}" if sampled
                                      else "Not loaded yet")
        figures = store.figures
        for key, _, fmt in SERVER_FIGURES:
            self.figure_labels[key].setText(show(figures.get(key), fmt))
        self.instances_box.set_data(store.instances, store.database)
        self._render_client()
        self._render_latency()
        self._render_uptime()
        self._render_charts()

    def _render_charts(self) -> None:
        charts = self._charts
        if charts is None:
            return
        store = self.store
        history = store.history or {}
        times = history.get("t") or [0]
        for names, chart in zip((c[0] for c in CHARTS.values()), charts.values(), strict=True):
            chart.set_points({name: store.series(name) for name in names}, int(times[0]), int(times[-1]),
                             store.range)

    def _render_client(self) -> None:
        snap = self._client_metrics() if self._client_metrics is not None else None
        for key, _, fmt in CLIENT_FIGURES:
            self.client_labels[key].setText(show(getattr(snap, key, None), fmt))

    def _render_latency(self) -> None:
        table = self.latency_table
        rows = sorted(self.store.latency_by_type.items())
        table.setRowCount(len(rows))
        for r, (rtype, figures) in enumerate(rows):
            cells = [rtype, show(figures.get("requests"), "{:.0f}".format)]
            cells += [show(figures.get(k), "{:.2f}".format) for k in ("p50_ms", "p95_ms", "p99_ms")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)

    def _render_uptime(self) -> None:
        for i, svc in enumerate(self.store.services):
            name = str(svc.get("name"))
            if name not in self.uptime_bars:
                label, bar, share = QLabel(), UptimeBar(), QLabel()
                share.setMinimumWidth(70)
                share.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._uptime_grid.addWidget(label, i, 0)
                self._uptime_grid.addWidget(bar, i, 1)
                self._uptime_grid.addWidget(share, i, 2)
                self.uptime_bars[name] = (label, bar, share)
            label, bar, share = self.uptime_bars[name]
            label.setText(str(svc.get("label") or name))
            statuses, uptime = self.store.uptime(name)
            bar.set_statuses(statuses)
            share.setText(NO_DATA if uptime is None else f"{uptime * 100:.2f} %")

    # -- export -------------------------------------------------------------------------
    def export_document(self) -> dict[str, Any]:
        """What the pane shows, as one document (see :mod:`.export`)."""
        store = self.store
        services = []
        for svc in store.services:
            _, uptime = store.uptime(str(svc.get("name")))
            services.append({**svc, "uptime": uptime})
        snap = self._client_metrics() if self._client_metrics is not None else None
        client: dict[str, Any] = {}
        for key, _, _ in CLIENT_FIGURES:
            value = getattr(snap, key, None)
            client[key] = getattr(value, "value", value)
        history = store.history or {}
        return {
            "range": store.range,
            "resolution_s": history.get("resolution_s"),
            "sampled_at": (store.snapshot or {}).get("sampled_at"),
            "status": (store.snapshot or {}).get("status"),
            "services": services,
            "instances": store.instances,
            "database": store.database,
            "figures": {key: store.figures.get(key) for key, _, _ in SERVER_FIGURES},
            "latency_by_type": store.latency_by_type,
            "history": {"series": {name: store.series(name) for names, _, _ in CHARTS.values()
                                   for name in names}},
            "client": client,
        }

    def export_to(self, path: str | Path) -> Path:
        return export.write(path, self.export_document())

    def open_export_dialog(self) -> QFileDialog:
        dialog = QFileDialog(self, "Export monitor data", str(Path.home() / "swan-monitor.csv"),
                             "CSV (*.csv);;JSON (*.json)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(self._export_chosen)
        dialog.open()
        return dialog

    def _export_chosen(self, path: str) -> None:
        try:
            written = self.export_to(path)
        except OSError as exc:
            self.status_label.setText(f"Could not export: {exc.strerror or exc}")
            self.status_label.setStyleSheet("color: #c62828;")
            return
        self.status_label.setText(f"Exported to {written}")
