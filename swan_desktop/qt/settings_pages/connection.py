"""Connection page: the server address (ws:// or wss://, validated), the studio's
certificate authority file for a wss:// server with its own CA (checked before it is
kept; ``--ca-file`` still wins for one run), the studio certificate trusted for the
address and the permission to sign in without encryption (``server_trust.py``), and
the account (who is signed in; sign out forgets the remembered sign-in from the keyring)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from ...net.tls import TrustFileError, client_context
from ...settings import schema, secrets
from ...settings.config import Settings
from .form import Page, error, hint
from .server_trust import ServerTrustRows


@dataclass(frozen=True)
class Account:
    """Who is signed in where; ``embedded`` means the studio on this computer (no sign-in)."""

    user_name: str = ""
    username: str = ""
    server_url: str = ""
    embedded: bool = False


class ConnectionPage(Page):
    serverChanged = Signal(str)
    signOutRequested = Signal()

    def __init__(self, config: Settings, account: Account, parent: QWidget | None = None) -> None:
        super().__init__("Connection", parent)
        self.config = config
        self.account = account
        self.server_edit = QLineEdit(config.server_url)
        self.server_edit.setPlaceholderText("ws://studio-pc:8765/  (empty: the studio on this computer)")
        self.server_edit.setAccessibleName("Server address")
        self.server_edit.editingFinished.connect(self.commit_server)
        self.server_error = error()
        self.server_hint = hint("Swan Desktop connects to a new address the next time it signs in.")
        self.form.addRow("Server address", self.server_edit)
        self.form.addRow("", self.server_error)
        self.form.addRow("", self.server_hint)
        self._add_ca_row(config)
        self.trust = ServerTrustRows(config, self.form)
        self.server_edit.textChanged.connect(
            lambda text: self.trust.show_address(text or self.account.server_url))

        self.account_label = QLabel()
        self.account_label.setWordWrap(True)
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setAccessibleName("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out)
        row = QHBoxLayout()
        row.addWidget(self.sign_out_button)
        row.addStretch(1)
        self.form.addRow("Account", self.account_label)
        self.form.addRow("", row)
        self.keyring_hint = hint()
        self.form.addRow("", self.keyring_hint)
        self.finish()
        self.show_account(account)
        self.trust.show_address(config.server_url or account.server_url)

    def show_account(self, account: Account) -> None:
        self.account = account
        if account.embedded:
            self.account_label.setText("Using the demo studio on this computer (no sign-in needed).")
            self.sign_out_button.setVisible(False)
        elif account.username:
            self.account_label.setText(f"Signed in as {account.user_name or account.username} "
                                       f"at {account.server_url}.")
            self.sign_out_button.setVisible(True)
        else:
            self.account_label.setText("Not signed in.")
            self.sign_out_button.setVisible(False)
        self.keyring_hint.setText(
            "“Remember me” keeps the sign-in in this system's keyring." if secrets.keyring_available()
            else "This system has no keyring: sign-ins are not remembered and you are asked each time.")

    def commit_server(self) -> bool:
        """Validate the address; store it when valid, say why not otherwise."""
        try:
            url = schema.check_server_url(self.server_edit.text())
        except schema.InvalidSetting as exc:
            self.server_error.setText(str(exc))
            self.server_error.setVisible(True)
            return False
        self.server_error.setVisible(False)
        if url != self.config.server_url:
            self.config.server_url = url
            self.config.save()
            self.serverChanged.emit(url)
        return True

    # -- the studio's certificate authority ------------------------------------------
    def _add_ca_row(self, config: Settings) -> None:
        self.ca_edit = QLineEdit(config.ca_file)
        self.ca_edit.setPlaceholderText("empty: only certificates this system trusts")
        self.ca_edit.setAccessibleName("Studio certificate authority file")
        self.ca_edit.editingFinished.connect(self.commit_ca_file)
        self.ca_choose = QPushButton("Choose…")
        self.ca_choose.setAccessibleName("Choose the studio certificate authority file")
        self.ca_choose.clicked.connect(self.choose_ca_file)
        self.ca_chooser: QFileDialog | None = None
        row = QHBoxLayout()
        row.addWidget(self.ca_edit, 1)
        row.addWidget(self.ca_choose)
        self.ca_error = error()
        self.ca_hint = hint("For a wss:// server whose certificate comes from the studio's own "
                            "authority (a .pem or .crt file from your administrator). Used from the "
                            "next sign-in.")
        self.form.addRow("Studio CA file", row)
        self.form.addRow("", self.ca_error)
        self.form.addRow("", self.ca_hint)

    def choose_ca_file(self) -> QFileDialog:
        """A non-modal file chooser; the chosen file is checked and kept like a typed one."""
        start = self.ca_edit.text() or ""
        chooser = QFileDialog(self, "Studio certificate authority file", start,
                              "Certificates (*.pem *.crt *.cer);;All files (*)")
        chooser.setFileMode(QFileDialog.FileMode.ExistingFile)
        chooser.fileSelected.connect(self._ca_chosen)
        self.ca_chooser = chooser
        chooser.open()
        return chooser

    def _ca_chosen(self, path: str) -> None:
        self.ca_edit.setText(path)
        self.commit_ca_file()

    def commit_ca_file(self) -> bool:
        """Keep the file if it holds certificates TLS can use (or clear it); say why not otherwise."""
        path = self.ca_edit.text().strip()
        try:
            if path:
                client_context(path)
        except TrustFileError as exc:
            self.ca_error.setText(str(exc))
            self.ca_error.setVisible(True)
            return False
        self.ca_error.setVisible(False)
        if path != self.config.ca_file:
            self.config.ca_file = path
            self.config.save()
            self.trust.show_address(self.trust.url)
        return True

    def show_address(self, url: str) -> None:
        """Edit ``url`` (not yet kept): its certificate and encryption rows follow it."""
        self.server_edit.setText(url)

    def sign_out(self) -> None:
        """Forget the remembered sign-in; the app then asks to sign in again."""
        account = self.account
        if account.username and account.server_url:
            secrets.forget_token(account.server_url, account.username)
        self.signOutRequested.emit()
