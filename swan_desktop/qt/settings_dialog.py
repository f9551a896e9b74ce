"""The settings dialog: a list of pages on the left, the chosen page on the right.

Changes apply at once (no OK/Apply): each page validates and stores through
:class:`Preferences`, whose ``changed`` signal the app turns into effects
(``qt/live_settings.py``). Features add their own pages with :meth:`add_page`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..settings.config import Settings
from .preferences import Preferences
from .resources import app_icon
from .settings_pages.appearance import AppearancePage
from .settings_pages.connection import Account, ConnectionPage
from .settings_pages.startup import StartupPage


class SettingsDialog(QDialog):
    """Hosts the pages; owns nothing they store."""

    def __init__(self, prefs: Preferences, config: Settings, account: Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Swan Desktop settings")
        self.setWindowIcon(app_icon())
        self.setAccessibleName("Settings")
        self.resize(760, 500)
        self.pages = QListWidget()
        self.pages.setObjectName("settingsPages")
        self.pages.setAccessibleName("Settings pages")
        self.pages.setFixedWidth(180)
        self.stack = QStackedWidget()
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addLayout(body, 1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 12, 0)
        row.addWidget(buttons)
        layout.addLayout(row)

        self.connection_page = ConnectionPage(config, account)
        self.appearance_page = AppearancePage(prefs)
        self.startup_page = StartupPage(prefs)
        self.add_page("Connection", self.connection_page)
        self.add_page("Appearance", self.appearance_page)
        self.add_page("Start-up", self.startup_page)
        self.pages.setCurrentRow(0)

    def add_page(self, title: str, widget: QWidget) -> int:
        """Add a page (scrolls when tall); returns its index for :meth:`show_page`."""
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(widget)
        scroll.setAccessibleName(title)
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title} settings")
        self.pages.addItem(item)
        return self.stack.addWidget(scroll)

    def page_titles(self) -> list[str]:
        return [self.pages.item(i).text() for i in range(self.pages.count())]

    def show_page(self, title: str) -> None:
        self.pages.setCurrentRow(self.page_titles().index(title))
