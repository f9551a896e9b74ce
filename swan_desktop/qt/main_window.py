"""The main window: layout and wiring only (the schedule pane, menus, status bar)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from ..protocol.entities import User


class MainWindow(QMainWindow):
    """Hosts the feature panes as tabs and shows who is signed in where."""

    closed = Signal()
    hiddenToTray = Signal()  # closed while a tray exists: the app keeps running
    settingsRequested = Signal()

    def __init__(self, schedule: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Swan Desktop")
        self.resize(1400, 900)
        self.setAccessibleName("Swan Desktop")
        #: Set by the tray: closing the window hides it instead of quitting.
        self.hide_on_close = False
        self._quitting = False
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
        file_menu = self.file_menu = self.menuBar().addMenu("&File")
        settings_action = QAction("&Settings…", self)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        settings_action.triggered.connect(self.settingsRequested)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        pane = self.schedule
        for text, shortcut, slot_name, arg in (
            ("&Today", "Ctrl+T", "go_today", None),
            ("&Previous", "Alt+Left", "go_previous", None),
            ("&Next", "Alt+Right", "go_next", None),
            ("&Day", "Ctrl+1", "set_view", "day"),
            ("&Week", "Ctrl+2", "set_view", "week"),
            ("&Month", "Ctrl+3", "set_view", "month"),
            ("&Agenda", "Ctrl+4", "set_view", "agenda"),
            ("&New session", "Ctrl+N", "open_new", None),
            ("&Search", "Ctrl+F", "focus_search", None),
        ):
            slot = getattr(pane, slot_name, None) or getattr(self, slot_name, None)
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

    def focus_search(self) -> None:
        search = getattr(getattr(self.schedule, "toolbar", None), "search_edit", None)
        if isinstance(search, QWidget):
            self.tabs.setCurrentWidget(self.schedule)
            search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            if hasattr(search, "selectAll"):
                search.selectAll()

    def quit(self) -> None:
        """Close for good, even when closing would otherwise hide to the tray."""
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.hide_on_close and not self._quitting:
            event.ignore()
            self.hide()
            self.hiddenToTray.emit()
            return
        self.closed.emit()
        super().closeEvent(event)
