"""The desktop's sign-in dialog filled in and sent as a user would: ``submit`` types the user name
and password, sets "remember me" and presses OK."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from swan_desktop.qt.login_dialog import LoginDialog


async def submit(dialog: LoginDialog, username: str, password: str, remember: bool) -> None:
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.remember.setChecked(remember)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
