"""Telling the user about a newer Swan Desktop: a notice in the status bar when one is available
(the ``update`` the server put in the sign-in reply), and the sign-in dialog's words when the
server refuses this version (``UpdateRequired``)."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow

from .. import __version__


def available_text(update: dict[str, Any] | None) -> str | None:
    """"Swan Desktop 0.2.0 is available (this is 0.1.0): <url>", or None when there is nothing to say."""
    if not update or update.get("required") or not update.get("latest"):
        return None
    where = f": {update['url']}" if update.get("url") else "; ask your administrator for the installer"
    return f"Update available: Swan Desktop {update['latest']} (this is {__version__}){where}"


def show_available(window: QMainWindow, update: dict[str, Any] | None) -> QLabel | None:
    """A permanent status-bar notice, the installer's address a link; None when there is no update."""
    text = available_text(update)
    if text is None or update is None:
        return None
    label = QLabel()
    label.setObjectName("updateNotice")
    html = escape(text)
    if update.get("url"):
        url = escape(str(update["url"]))
        html = html.replace(url, f'<a href="{url}">{url}</a>')
    label.setText(html)
    label.setOpenExternalLinks(True)
    label.setToolTip(text)
    window.statusBar().addPermanentWidget(label)
    return label
