"""Themes: follow the system, light or dark — applied live to the whole app.

Light and dark set an explicit Fusion palette plus a small stylesheet for the
chrome (``resources/styles``); "system" restores the platform's own palette.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from .resources import stylesheet

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_system_style: str | None = None


def dark_palette() -> QPalette:
    p = QPalette()
    window, base, text = QColor("#1b2128"), QColor("#12171c"), QColor("#e8ecf1")
    for role, color in ((Role.Window, window), (Role.WindowText, text), (Role.Base, base),
                        (Role.AlternateBase, QColor("#1f262d")), (Role.ToolTipBase, QColor("#27313b")),
                        (Role.ToolTipText, text), (Role.PlaceholderText, QColor("#7d8894")),
                        (Role.Text, text), (Role.Button, QColor("#27313b")), (Role.ButtonText, text),
                        (Role.BrightText, QColor("#ff8a80")), (Role.Light, QColor("#3d4a57")),
                        (Role.Midlight, QColor("#323d48")), (Role.Mid, QColor("#2a333d")),
                        (Role.Dark, QColor("#0e1216")), (Role.Shadow, QColor("#000000")),
                        (Role.Highlight, QColor("#2f6f9f")), (Role.HighlightedText, QColor("#ffffff")),
                        (Role.Link, QColor("#79b8ff")), (Role.LinkVisited, QColor("#b392f0"))):
        p.setColor(role, color)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor("#6b7480"))
    return p


def light_palette() -> QPalette:
    p = QPalette()
    for role, color in ((Role.Window, QColor("#f6f7f9")), (Role.WindowText, QColor("#1f2a33")),
                        (Role.Base, QColor("#ffffff")), (Role.AlternateBase, QColor("#f4f6f8")),
                        (Role.ToolTipBase, QColor("#ffffdc")), (Role.ToolTipText, QColor("#1f2a33")),
                        (Role.PlaceholderText, QColor("#8a94a0")), (Role.Text, QColor("#1f2a33")),
                        (Role.Button, QColor("#eef1f4")), (Role.ButtonText, QColor("#1f2a33")),
                        (Role.BrightText, QColor("#b3261e")), (Role.Light, QColor("#ffffff")),
                        (Role.Midlight, QColor("#e3e7ec")), (Role.Mid, QColor("#c5ccd4")),
                        (Role.Dark, QColor("#9aa4ae")), (Role.Shadow, QColor("#4a5560")),
                        (Role.Highlight, QColor("#2f6f9f")), (Role.HighlightedText, QColor("#ffffff")),
                        (Role.Link, QColor("#2f6f9f")), (Role.LinkVisited, QColor("#6f4f9f"))):
        p.setColor(role, color)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor("#a0a8b0"))
    return p


def effective(mode: str) -> str:
    """"light" or "dark": what ``mode`` means on this desktop right now."""
    if mode in ("light", "dark"):
        return mode
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def apply_theme(mode: str, app: QApplication | None = None) -> str:
    """Apply "system", "light" or "dark" to the running app; returns the effective look."""
    global _system_style
    app = app or QApplication.instance()  # type: ignore[assignment]
    assert isinstance(app, QApplication)
    if _system_style is None:
        _system_style = app.style().name()
    if mode == "system":
        app.setStyle(QStyleFactory.create(_system_style) or app.style())
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet("")
        app.setProperty("swanTheme", "system")
        return effective(mode)
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if mode == "dark" else light_palette())
    app.setStyleSheet(stylesheet(mode))
    app.setProperty("swanTheme", mode)
    return mode
