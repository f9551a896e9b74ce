"""Settings → Connection before anyone is signed in (opened from the sign-in dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from ..settings.config import Settings
from .settings_pages.connection import Account, ConnectionPage


class ConnectionSettingsDialog(QDialog):
    """The Connection page alone, showing the address typed in the sign-in dialog."""

    def __init__(self, config: Settings, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Swan Desktop settings — Connection")
        self.page = ConnectionPage(config, Account(server_url=url))
        self.page.show_address(url)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page)
        layout.addWidget(buttons)
        self.resize(620, 460)
