"""Administration ▸ Client emails (admins): reminders before sessions (on or off, how many
hours before), confirmations and cancellation notices, the studio's mail server, and a test
email. Saved together with ``reminder.settings``; read with ``reminder.settings.get``.

The password is typed here and handed to the server with ``reminder.mail_password`` when
the page is saved; the server keeps it in its machine's keyring and never sends it back, so
the field is always empty when shown, and the line under it says whether one is kept (or
the server's own ``SWAN_SMTP_PASSWORD`` is used). "Forget password" removes the kept one.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import MailSettings
from ...core.clients import ClientsClient
from ...core.outcomes import FAILURES
from ..admin.field_errors import FieldErrors
from ..settings_pages.form import error
from ..tasks import spawn

SECURITY = (("STARTTLS (port 587)", "starttls"), ("SSL/TLS (port 465)", "ssl"),
            ("None (a mail server on this network only)", "none"))
#: The usual port of each kind of security, put in when the kind changes and the port was the other's.
PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SOURCES = {
    "studio": "These settings are the studio's.",
    "server": "The server's own mail settings (--smtp-host) are in use; saving here makes these "
              "the studio's.",
    "none": "No mail server is set yet: emails to clients wait until one is.",
}

#: The password field's placeholder and the line under it, by what the server says it has.
PASSWORD_HINTS = {
    "kept": ("kept on the server: type a new one to replace it",
             "Kept on the server's machine, in its keyring; never shown or sent back."),
    "server": ("type one to use instead of the server's own",
               "The server's own password (SWAN_SMTP_PASSWORD) is used."),
    "none": ("the mail account's password (or app password)",
             "None is kept: most providers take mail only from a signed-in user. Saving keeps the "
             "password typed here on the server's machine, in its keyring."),
}


def _password_state(settings: MailSettings) -> str:
    if settings.password_kept:
        return "kept"
    return "server" if settings.password_set else "none"


class ClientEmailsPage(QWidget):
    #: ``(text, error)``: what happened, for the status bar.
    told = Signal(str, bool)

    def __init__(self, clients: ClientsClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Client emails")
        self.clients = clients
        #: The settings as the server last answered them (None until read).
        self.loaded: MailSettings | None = None
        title = QLabel("Emails to clients")
        title.setStyleSheet("font-size: 13pt; font-weight: 600;")
        intro = QLabel("Clients with an email address who agreed to reminders get these emails.")
        intro.setWordWrap(True)
        self.errors = FieldErrors(error())

        self.enabled = QCheckBox("Send a reminder before each session")
        self.hours = QSpinBox()
        self.hours.setRange(1, 168)
        self.hours.setValue(24)
        self.hours.setSuffix(" hours before")
        self.hours.setAccessibleName("Hours before the session")
        self.hours.setMaximumWidth(180)
        self.enabled.toggled.connect(self.hours.setEnabled)
        self.confirmations = QCheckBox("Booking confirmations and change notices "
                                       "(with a calendar attachment)")
        self.cancellations = QCheckBox("Cancellation notices")
        sending = QGroupBox("What is sent")
        what = QFormLayout(sending)
        what.addRow(self.enabled)
        what.addRow("Reminder:", self.hours)
        what.addRow("", self.errors.add("hours_before", error(), self.hours))
        what.addRow(self.confirmations)
        what.addRow(self.cancellations)

        self.host = QLineEdit()
        self.host.setPlaceholderText("smtp.example.com")
        self.host.setAccessibleName("SMTP host")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.port.setAccessibleName("SMTP port")
        self.port.setMaximumWidth(100)
        self.security = QComboBox()
        for text, value in SECURITY:
            self.security.addItem(text, value)
        self.security.setAccessibleName("Security")
        self.security.currentIndexChanged.connect(self._security_changed)
        self.user = QLineEdit()
        self.user.setPlaceholderText("empty: no sign-in")
        self.user.setAccessibleName("SMTP user name")
        self.from_address = QLineEdit()
        self.from_address.setPlaceholderText("studio@example.com")
        self.from_address.setAccessibleName("From address")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("SMTP password")
        self.forget_button = QPushButton("Forget password")
        self.forget_button.clicked.connect(self.forget_password)
        password_row = QHBoxLayout()
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.forget_button)
        self.password_note = QLabel()
        self.password_note.setWordWrap(True)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("font-style: italic;")
        server = QGroupBox("Mail server (SMTP)")
        form = QFormLayout(server)
        form.addRow("Host:", self.host)
        form.addRow("", self.errors.add("smtp.host", error(), self.host))
        form.addRow("Port:", self.port)
        form.addRow("Security:", self.security)
        form.addRow("User name:", self.user)
        form.addRow("From:", self.from_address)
        form.addRow("", self.errors.add("smtp.from", error(), self.from_address))
        form.addRow("Password:", password_row)
        form.addRow("", self.password_note)
        form.addRow("", self.source)

        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.test_to = QLineEdit()
        self.test_to.setPlaceholderText("you@example.com")
        self.test_to.setAccessibleName("Send the test email to")
        self.test_button = QPushButton("Send test email")
        self.test_button.clicked.connect(self.send_test)
        test_row = QHBoxLayout()
        test_row.addWidget(QLabel("Test email to:"))
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)
        self.test_error = self.errors.add("to", error(), self.test_to)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(sending)
        layout.addWidget(server)
        layout.addWidget(self.errors.general)
        layout.addLayout(buttons)
        layout.addLayout(test_row)
        layout.addWidget(self.test_error)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.told.connect(lambda text, _e: self.status.setText(text))
        self.errors.clear()
        self.show_settings(MailSettings())
        self.loaded = None  # until the server's are read

    # -- what is shown -----------------------------------------------------------------------
    def show_settings(self, settings: MailSettings) -> None:
        self.loaded = settings
        self.enabled.setChecked(settings.enabled)
        self.hours.setValue(settings.hours_before)
        self.hours.setEnabled(settings.enabled)
        self.confirmations.setChecked(settings.confirmations)
        self.cancellations.setChecked(settings.cancellations)
        self.host.setText(settings.host)
        self.port.blockSignals(True)
        self.port.setValue(settings.port)
        self.port.blockSignals(False)
        self.security.blockSignals(True)
        self.security.setCurrentIndex(max(0, self.security.findData(settings.security)))
        self.security.blockSignals(False)
        self.user.setText(settings.user)
        self.from_address.setText(settings.sender)
        self.password.clear()
        self.password.setPlaceholderText(PASSWORD_HINTS[_password_state(settings)][0])
        self.password_note.setText(PASSWORD_HINTS[_password_state(settings)][1])
        self.forget_button.setVisible(settings.password_kept)
        self.source.setText(SOURCES.get(settings.source, ""))

    def form(self) -> MailSettings:
        """The settings as the form has them now."""
        return MailSettings(self.hours.value(), self.enabled.isChecked(), self.confirmations.isChecked(),
                            self.cancellations.isChecked(), self.host.text().strip(), self.port.value(),
                            str(self.security.currentData()), self.user.text().strip(),
                            self.from_address.text().strip())

    def _security_changed(self) -> None:
        kind = str(self.security.currentData())
        if self.port.value() in PORTS.values():
            self.port.setValue(PORTS[kind])

    # -- requests ------------------------------------------------------------------------------
    def load(self) -> None:
        spawn(self._load())

    async def _load(self) -> None:
        try:
            settings = await self.clients.load_reminder_settings()
        except FAILURES as exc:
            self.errors.show(exc)
            return
        self.show_settings(settings)

    def save(self) -> None:
        self.errors.clear()
        spawn(self._save())

    async def _save(self, quiet: bool = False) -> bool:
        """The settings, then the password typed (if any): saved together, as one Save."""
        typed = self.password.text()
        if not await self._save_settings(quiet):
            return False
        if typed:
            return await self._give_password(typed, "The email settings and the password were saved.")
        return True

    async def _save_settings(self, quiet: bool) -> bool:
        wanted = self.form()
        self.save_button.setEnabled(False)
        try:
            saved = await self.clients.reminder_settings(
                hours_before=wanted.hours_before, enabled=wanted.enabled, confirmations=wanted.confirmations,
                cancellations=wanted.cancellations, smtp=wanted.smtp_wire())
        except FAILURES as exc:
            self.errors.show(exc)
            return False
        finally:
            self.save_button.setEnabled(True)
        self.show_settings(saved)
        if not quiet:
            self.told.emit("The email settings were saved.", False)
        return True

    async def _give_password(self, password: str, said: str) -> bool:
        """Hand ``password`` ("" forgets it) to the server, which keeps it in its machine's keyring;
        the field keeps what was typed when that is refused."""
        self.save_button.setEnabled(False)
        self.forget_button.setEnabled(False)
        try:
            saved = await self.clients.set_mail_password(password)
        except FAILURES as exc:
            self.errors.show(exc)
            return False
        finally:
            self.save_button.setEnabled(True)
            self.forget_button.setEnabled(True)
        self.show_settings(saved)
        self.told.emit(said, False)
        return True

    def forget_password(self) -> None:
        self.errors.clear()
        spawn(self._give_password("", "The mail server's password was forgotten."))

    def send_test(self) -> None:
        self.errors.clear()
        to = self.test_to.text().strip()
        if not to:
            self.errors.say("Give the address to send the test email to.", "to")
            return
        spawn(self._send_test(to))

    async def _send_test(self, to: str) -> None:
        """The form is saved first, so the test tries the settings on the screen."""
        if not await self._save(quiet=True):
            return
        self.test_button.setEnabled(False)
        self.status.setText(f"Sending a test email to {to}…")
        try:
            sent, detail = await self.clients.send_test_email(to)
        except FAILURES as exc:
            self.status.clear()
            self.errors.show(exc)
            return
        finally:
            self.test_button.setEnabled(True)
        if sent:
            self.told.emit(f"A test email was sent to {to}.", False)
        else:
            self.status.clear()
            self.errors.say(f"The test email was not sent: {detail}", "to")
            self.told.emit(f"The test email was not sent: {detail}", True)
