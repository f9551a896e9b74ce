"""The main window: layout and wiring only (the schedule pane, menus, status bar)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from ..protocol.entities import User


class MainWindow(QMainWindow):
    """Hosts the feature panes as tabs and shows who is signed in where."""

    closed = Signal()

    def __init__(self, schedule: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Swan Desktop")
        self.resize(1400, 900)
        self.schedule = schedule
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(schedule, "Schedule")
        self.setCentralWidget(self.tabs)

        self.user_label = QLabel()
        self.server_label = QLabel()
        status = self.statusBar()
        status.addPermanentWidget(self.user_label)
        status.addPermanentWidget(self.server_label)
        self._build_menus()

    def add_pane(self, pane: QWidget, title: str) -> int:
        """Add a feature's pane as a tab; returns its index (for badges in the title)."""
        return self.tabs.addTab(pane, title)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        pane = self.schedule
        for text, shortcut, slot_name, arg in (
            ("&Today", "Ctrl+T", "go_today", None),
            ("&Previous", "Alt+Left", "go_previous", None),
            ("&Next", "Alt+Right", "go_next", None),
            ("&Day", "Ctrl+1", "set_view", "day"),
            ("&Week", "Ctrl+2", "set_view", "week"),
            ("&Agenda", "Ctrl+3", "set_view", "agenda"),
        ):
            slot = getattr(pane, slot_name, None)
            if slot is None:
                continue
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            if arg is None:
                action.triggered.connect(lambda _=False, s=slot: s())
            else:
                action.triggered.connect(lambda _=False, s=slot, a=arg: s(a))
            view_menu.addAction(action)

    def set_user(self, user: User, server: str) -> None:
        self.user_label.setText(f"{user.name} ({user.role.value})")
        self.server_label.setText(server)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
