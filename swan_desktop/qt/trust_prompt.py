""""Trust this studio server?": the studio CA's fingerprint, to compare before trusting it on first use.

:func:`trust_on_first_use` fetches the CA the server offers (asynchronously: the
Qt thread never waits on the network), asks, and on "Trust" pins it to the
server's host and port (``settings/trusted_servers.py``). The fingerprint is
shown in groups, in the same ``AA:BB`` form ``swan-server`` prints.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ..net.studio_ca import OfferedCa, StudioCaUnavailable, fetch_offered_ca
from ..settings import trusted_servers

#: Where the administrator sees the fingerprint to compare with.
WHERE_ADMIN_SEES = ("swan-server prints it when it starts (“studio CA SHA-256 fingerprint”), "
                    "“swan-server tls fingerprint” shows it on the server, and an administrator's "
                    "desktop shows it in Settings → Connection.")


def grouped(fingerprint: str, per_group: int = 4, per_line: int = 4) -> str:
    """``AA:BB:CC:DD  EE:FF:…`` — groups of ``per_group`` bytes, ``per_line`` groups a line."""
    octets = fingerprint.split(":")
    groups = [":".join(octets[i:i + per_group]) for i in range(0, len(octets), per_group)]
    return "\n".join("  ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line))


class TrustPrompt(QDialog):
    """Accept: trust the offered CA for this server; Cancel: connect nothing."""

    def __init__(self, offered: OfferedCa, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offered = offered
        self.setWindowTitle("Trust this studio server?")
        self.setObjectName("trustPrompt")
        where = f"{offered.host}:{offered.port}"
        intro = QLabel(f"<b>{where}</b> uses the studio's own certificate authority, which this "
                       "computer does not trust yet. Its fingerprint (SHA-256) is:")
        self.intro = intro
        intro.setWordWrap(True)
        self.fingerprint = QLabel(grouped(offered.fingerprint))
        self.fingerprint.setObjectName("trustFingerprint")
        self.fingerprint.setAccessibleName("Studio certificate fingerprint")
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint.setStyleSheet("font-size: 11pt; padding: 8px; background: palette(base);")
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        warning = QLabel("<b>Accept only if this matches the fingerprint your studio's administrator "
                         "sees.</b> If it does not, someone may be impersonating the studio server: "
                         "cancel and tell the administrator.")
        warning.setWordWrap(True)
        where_label = QLabel(WHERE_ADMIN_SEES)
        where_label.setWordWrap(True)
        where_label.setStyleSheet("color: palette(placeholder-text);")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.trust_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.trust_button.setText("Trust this studio")
        self.trust_button.setAutoDefault(False)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)  # Enter does not trust by accident
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.fingerprint)
        layout.addWidget(warning)
        layout.addWidget(where_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)


async def _answer(prompt: QDialog) -> bool:
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def finished(result: int) -> None:
        if not done.done():
            done.set_result(result == QDialog.DialogCode.Accepted)

    prompt.finished.connect(finished)
    prompt.open()
    return await done


async def trust_on_first_use(url: str, parent: QWidget | None = None) -> str:
    """Offer to trust ``url``'s studio CA; "" when trusted (and pinned), else why not, in words."""
    try:
        offered = await fetch_offered_ca(url)
    except StudioCaUnavailable as exc:
        return (f"The server's certificate is not trusted by this computer, and Swan cannot offer to "
                f"trust it: {exc}. Ask your administrator for the studio's certificate authority file "
                "(Settings → Connection).")
    prompt = TrustPrompt(offered, parent)
    try:
        if not await _answer(prompt):
            return "Not signed in: the studio server's certificate was not trusted."
    finally:
        prompt.deleteLater()
    trusted_servers.pin(offered.host, offered.port, offered.pem)
    return ""
