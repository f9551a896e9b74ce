"""Administration ▸ Client emails against a real server and a real SMTP server (aiosmtpd): an
admin sets the studio's mail server and the reminders, the server keeps them, and "Send test
email" delivers one; a refused host is said under its field; a password typed here signs in to
a mail server that wants one (kept by the server in its keyring: the tests' in-memory one)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from aiosmtpd.controller import Controller
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget, QWidget

from swan_desktop.qt.clients.emails_page import ClientEmailsPage
from swan_desktop.qt.clients.install import ClientsArea
from swan_desktop.qt.main_window import MainWindow
from swan_desktop.qt.schedule_pane import SchedulePane
from swan_desktop.server.clients import mail_password
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.notifications import SmtpConfig
from tests.support.desktops import SignIn
from tests.support.mail import MAIL_PASSWORD, MAIL_USER, Inbox, signing_smtp_server
from tests.support.memory_keyring import MemoryKeyring
from tests.support.poll import until
from tests.support.server import free_port


async def test_an_admin_sets_the_mail_server_and_reminders_and_a_test_email_arrives(
        qtbot, on_server: SignIn, smtpd: tuple[Controller, Inbox]) -> None:
    controller, inbox = smtpd
    boss = await on_server("boss")
    page = ClientEmailsPage(boss.clients)
    qtbot.addWidget(page)
    page.show()
    page.load()
    await until(lambda: page.loaded is not None and page.loaded.source == "none", what="the settings read")
    assert page.hours.value() == 24 and page.enabled.isChecked(), "reminders a day before by default"

    page.security.setCurrentIndex(page.security.findData("ssl"))
    assert page.port.value() == 465, "the usual port follows the security chosen"
    page.security.setCurrentIndex(page.security.findData("none"))
    page.host.setText("127.0.0.1")
    page.port.setValue(controller.port)
    page.from_address.setText("desk@studio.test")
    page.hours.setValue(6)
    page.confirmations.setChecked(False)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.status.text() == "The email settings were saved.", what="saved")
    kept = await boss.link.request("reminder.settings.get", {})
    assert kept["settings"] == {"hours_before": 6, "confirmations": False, "cancellations": True,
                                "enabled": True}
    assert kept["smtp"] == {"host": "127.0.0.1", "port": controller.port, "security": "none", "user": "",
                            "from": "desk@studio.test", "password_set": False, "password_kept": False,
                            "source": "studio"}
    assert page.source.text() == "These settings are the studio's."

    page.test_to.setText("boss@studio.test")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    await until(lambda: len(inbox.messages) == 1, what="the test email")
    await until(lambda: page.status.text() == "A test email was sent to boss@studio.test.")
    [(rcpt, message)] = inbox.messages
    assert rcpt == ["boss@studio.test"] and message["From"] == "desk@studio.test"

    page.enabled.setChecked(False)
    assert not page.hours.isEnabled()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.loaded is not None and not page.loaded.enabled, what="reminders off")

    page.host.setText("mail server")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    host_error = page.errors.labels["smtp.host"]
    await until(lambda: host_error.isVisible(), what="the refusal under the host")
    assert "not a host name" in host_error.text()
    assert (await boss.link.request("reminder.settings.get", {}))["smtp"]["host"] == "127.0.0.1"


async def test_a_test_email_the_mail_server_refuses_is_said_in_words(qtbot, on_server: SignIn) -> None:
    boss = await on_server("boss")
    page = ClientEmailsPage(boss.clients)
    qtbot.addWidget(page)
    page.show()
    page.host.setText("127.0.0.1")
    page.security.setCurrentIndex(page.security.findData("none"))
    page.port.setValue(free_port())  # nothing listens there
    page.test_to.setText("boss@studio.test")
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    label = page.errors.labels["to"]
    await until(lambda: label.isVisible(), what="the failure said")
    assert label.text().startswith("The test email was not sent: ")


async def test_a_password_typed_here_is_kept_by_the_server_and_signs_in_to_the_mail_server(
        qtbot, on_server: SignIn, empty_server: EmbeddedServer, memory_keyring: MemoryKeyring,
        tmp_path: Path) -> None:
    boss = await on_server("boss")
    page = ClientEmailsPage(boss.clients)
    qtbot.addWidget(page)
    page.show()
    page.load()
    await until(lambda: page.loaded is not None, what="the settings read")
    assert page.password.text() == "" and page.forget_button.isHidden()
    assert page.password_note.text().startswith("None is kept")
    with signing_smtp_server(tmp_path / "pki") as (controller, inbox, context):
        # the server's own settings carry only its trust in the test CA; the studio's host comes first
        empty_server.server.notifications.smtp_config = SmtpConfig("127.0.0.1", 1, ssl_context=context)
        page.host.setText("127.0.0.1")
        page.security.setCurrentIndex(page.security.findData("starttls"))
        page.port.setValue(controller.port)
        page.user.setText(MAIL_USER)
        page.from_address.setText("desk@studio.test")
        page.password.setText(MAIL_PASSWORD)
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        await until(lambda: page.status.text() == "The email settings and the password were saved.",
                    what="settings and password saved")
        assert page.password.text() == "", "never shown again"
        assert page.password_note.text().startswith("Kept on the server's machine")
        assert page.forget_button.isVisible()
        epoch = empty_server.server.store.epoch
        assert memory_keyring.store[(mail_password.SERVICE, f"smtp-password:{epoch}")] == MAIL_PASSWORD

        page.test_to.setText("boss@studio.test")
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
        await until(lambda: len(inbox.messages) == 1, what="the test email, sent as the signed-in user")

        qtbot.mouseClick(page.forget_button, Qt.MouseButton.LeftButton)
        await until(lambda: page.status.text() == "The mail server's password was forgotten.")
        assert memory_keyring.store == {} and page.forget_button.isHidden()
        assert page.password_note.text().startswith("None is kept")
        qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
        label = page.errors.labels["to"]
        await until(lambda: label.isVisible(), what="the failure said")
        assert "no password is set" in label.text()


async def test_only_admins_get_the_page_in_the_administration_tab(qtbot, on_server: SignIn) -> None:
    for username, expected in (("boss", ["Studio", "Client emails"]), ("vic", ["Studio"])):
        desktop = await on_server(username)
        schedule = SchedulePane(desktop.store, desktop)
        window = MainWindow(schedule)
        qtbot.addWidget(window)
        administration = QTabWidget()
        administration.addTab(QWidget(), "Studio")
        area = ClientsArea(window, schedule, desktop, administration)
        area.start()
        assert [administration.tabText(i) for i in range(administration.count())] == expected, username
        if area.emails is not None:
            await until(partial(_read, area.emails), what="the settings read once installed")
        area.stop()


def _read(page: ClientEmailsPage) -> bool:
    return page.loaded is not None and page.loaded.source == "none"
