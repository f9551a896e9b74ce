"""Preferences persist in QSettings, refuse invalid values in words, and apply
live: the theme, start at login; the dialog hosts feature pages."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from swan_desktop.qt import live_settings
from swan_desktop.qt.preferences import Preferences
from swan_desktop.qt.settings_dialog import SettingsDialog
from swan_desktop.qt.settings_pages.connection import Account
from swan_desktop.qt.theme import apply_theme
from swan_desktop.settings import autostart, schema, secrets
from swan_desktop.settings.config import Settings


@pytest.fixture
def dialog(qtbot, prefs):
    d = SettingsDialog(prefs, Settings.load(), Account("Ana Kowalski", "ana", "ws://studio:8765/"))
    qtbot.addWidget(d)
    yield d
    apply_theme("system")


def test_preferences_survive_a_restart(prefs, config_home) -> None:
    prefs.set("appearance/theme", "dark")
    prefs.set("startup/minimized", True)
    again = Preferences()  # a new QSettings on the same INI file, as after a restart
    assert again.get("appearance/theme") == "dark"
    assert again.get("startup/minimized") is True
    assert (config_home / "Swan" / "Swan Desktop.ini").exists()


def test_invalid_values_are_refused_with_a_reason_and_not_stored(prefs) -> None:
    with pytest.raises(schema.InvalidSetting, match="Theme must be one of"):
        prefs.set("appearance/theme", "purple")
    with pytest.raises(schema.InvalidSetting):
        prefs.set("startup/minimized", "sometimes?")
    assert prefs.get("appearance/theme") == "system"
    prefs.store.setValue("appearance/theme", "purple")  # damaged by hand: the default is used
    assert prefs.get("appearance/theme") == "system"


@pytest.mark.parametrize(("url", "reason"), [
    ("http://studio:8765/", "must start with ws:// or wss://"),
    ("ws://:8765/", "needs a host name"),
    ("ws://studio:99999/", "not a valid address"),
])
def test_server_address_must_be_ws_or_wss_with_a_host(url: str, reason: str) -> None:
    with pytest.raises(schema.InvalidSetting, match=reason):
        schema.check_server_url(url)


def test_server_address_page_saves_valid_addresses_and_explains_invalid_ones(dialog, data_dir) -> None:
    page = dialog.connection_page
    page.server_edit.setText("studio-pc:8765")
    assert page.commit_server() is False
    assert not page.server_error.isHidden()
    assert "ws://" in page.server_error.text()
    assert Settings.load().server_url == ""
    page.server_edit.setText("wss://studio-pc:8765/")
    assert page.commit_server() is True
    assert page.server_error.isHidden()
    assert Settings.load().server_url == "wss://studio-pc:8765/"


def test_sign_out_forgets_the_remembered_sign_in(dialog, qtbot) -> None:
    secrets.save_token("ws://studio:8765/", "ana", "tok")
    page = dialog.connection_page
    assert "Signed in as Ana Kowalski" in page.account_label.text()
    with qtbot.waitSignal(page.signOutRequested):
        page.sign_out_button.click()
    assert secrets.load_token("ws://studio:8765/", "ana") is None


def test_choosing_dark_applies_at_once_and_is_stored(dialog, prefs) -> None:
    live_settings.connect(prefs)
    dialog.appearance_page.buttons["dark"].click()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 60
    assert "QMenu" in app.styleSheet()
    assert Preferences().get("appearance/theme") == "dark"
    dialog.appearance_page.buttons["light"].click()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_start_at_login_checkbox_writes_and_removes_the_entry(dialog, prefs) -> None:
    live_settings.connect(prefs)
    page = dialog.startup_page
    page.at_login.setChecked(True)
    assert autostart.is_enabled()
    assert "--minimized" not in autostart.xdg_entry_path().read_text("utf-8")
    page.minimized.setChecked(True)  # rewrites the entry to start in the tray
    assert "--minimized" in autostart.xdg_entry_path().read_text("utf-8")
    page.at_login.setChecked(False)
    assert not autostart.is_enabled()


def test_features_add_their_own_pages(dialog) -> None:
    index = dialog.add_page("Notifications", QLabel("quiet hours"))
    assert dialog.page_titles() == ["Connection", "Appearance", "Start-up", "Notifications"]
    dialog.show_page("Notifications")
    assert dialog.stack.currentIndex() == index


def test_the_studio_ca_file_is_chosen_checked_and_kept(dialog, data_dir, tmp_path, qtbot) -> None:
    from PySide6.QtWidgets import QFileDialog

    from tests.support.tls import make_studio_pki

    pki = make_studio_pki(tmp_path / "pki")
    page = dialog.connection_page
    broken = tmp_path / "notes.pem"
    broken.write_text("not a certificate")
    page.ca_edit.setText(str(broken))
    assert page.commit_ca_file() is False
    assert "cannot use the certificate authority file" in page.ca_error.text()
    assert not page.ca_error.isHidden() and Settings.load().ca_file == ""

    chooser = page.choose_ca_file()
    assert isinstance(chooser, QFileDialog) and chooser.isVisible()
    chooser.fileSelected.emit(str(pki.ca))  # the user picks the studio's CA
    chooser.close()
    assert page.ca_error.isHidden() and page.ca_edit.text() == str(pki.ca)
    assert Settings.load().ca_file == str(pki.ca)  # used by the next sign-in
    page.ca_edit.setText("")
    assert page.commit_ca_file() is True and Settings.load().ca_file == ""
