"""Connection page rows about the server's address: the studio certificate trusted for it (its
fingerprint, what administrators read out to the staff; "Forget" to stop trusting it) and, for a
plain ws:// address of another computer, "Allow signing in without encryption to HOST"."""

from __future__ import annotations

import ssl
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QPushButton

from ...net.cleartext import unencrypted_host
from ...net.tls import address, fingerprint
from ...settings import trusted_servers
from ...settings.config import Settings
from ..trust_prompt import grouped
from .form import hint


def _file_fingerprint(path: str) -> str:
    """The fingerprint of the first certificate in a CA file ("" when unreadable)."""
    try:
        text = Path(path).read_text("ascii")
        start = text.index("-----BEGIN CERTIFICATE-----")
        end = text.index("-----END CERTIFICATE-----", start) + len("-----END CERTIFICATE-----")
        return fingerprint(text[start:end])
    except (OSError, ValueError, UnicodeDecodeError, ssl.SSLError):
        return ""


class ServerTrustRows:
    """Adds its rows to ``form``; :meth:`show_address` follows the address being edited."""

    def __init__(self, config: Settings, form: QFormLayout) -> None:
        self.config = config
        self.url = ""
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("studioFingerprint")
        self.fingerprint.setAccessibleName("Studio certificate fingerprint")
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.forget_button = QPushButton("Forget this certificate")
        self.forget_button.setAccessibleName("Forget the trusted studio certificate")
        self.forget_button.clicked.connect(self.forget)
        row = QHBoxLayout()
        row.addWidget(self.forget_button)
        row.addStretch(1)
        self.fingerprint_hint = hint()
        form.addRow("Studio certificate", self.fingerprint)
        form.addRow("", row)
        form.addRow("", self.fingerprint_hint)
        self.plain = QCheckBox()
        self.plain.setAccessibleName("Allow signing in without encryption")
        self.plain.toggled.connect(self._plain_toggled)
        self.plain_hint = hint("Your password and sign-in then cross the network unencrypted: only on a "
                               "network you trust. A wss:// address needs no such permission.")
        form.addRow("Encryption", self.plain)
        form.addRow("", self.plain_hint)
        self._plain_label = form.labelForField(self.plain)

    def show_address(self, url: str) -> None:
        self.url = url.strip()
        host = unencrypted_host(self.url)
        for widget in (self.plain, self.plain_hint, self._plain_label):
            if widget is not None:
                widget.setVisible(bool(host))
        self.plain.blockSignals(True)
        self.plain.setText(f"Allow signing in without encryption to {host}")
        self.plain.setChecked(bool(host) and host in self.config.plain_hosts)
        self.plain.blockSignals(False)
        self._show_fingerprint()

    def _show_fingerprint(self) -> None:
        pinned = None
        if self.url.startswith("wss://") and not self.config.ca_file:
            pinned = trusted_servers.pinned(*address(self.url))
        if self.config.ca_file:
            found = _file_fingerprint(self.config.ca_file)
            self.fingerprint.setText(grouped(found) if found else "—")
            self.fingerprint_hint.setText("From the studio CA file below. Staff signing in to this server "
                                          "are asked to compare this fingerprint.")
        elif pinned is not None:
            self.fingerprint.setText(grouped(fingerprint(pinned)))
            host, port = address(self.url)
            self.fingerprint_hint.setText(f"Trusted for {host}:{port} since the first sign-in. Staff "
                                          "signing in to this server are asked to compare this fingerprint.")
        else:
            self.fingerprint.setText("—")
            self.fingerprint_hint.setText("No studio certificate is trusted for this address: a wss:// "
                                          "server with its own certificate authority asks at sign-in.")
        self.forget_button.setVisible(pinned is not None)

    def forget(self) -> None:
        """Stop trusting this server's studio certificate: the next sign-in asks again."""
        trusted_servers.forget(*address(self.url))
        self._show_fingerprint()

    def _plain_toggled(self, on: bool) -> None:
        host = unencrypted_host(self.url)
        if host:
            self.config.allow_plain(host, on)
            self.config.save()
