"""Draws a chat row: the header line, then the message with its @mentions highlighted."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ...core.collab.chat import ChatMessage
from .mentions import marked_html
from .models import MessageRole

MENTION_COLOR = "#1a5fb4"
MENTION_COLOR_DARK = "#8cb4ff"


def row_html(display: str, msg: ChatMessage | None, mention_color: str) -> str:
    head, _, body = display.partition("\n")
    text = msg.text.replace("\n", " ") if msg is not None and not msg.deleted else body
    body_html = marked_html(text, mention_color) if msg is not None and not msg.deleted \
        else html.escape(body)
    return f"{html.escape(head)}<br>{body_html}"


class ChatDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        display = str(index.data(Qt.ItemDataRole.DisplayRole) or "")  # opt.text has \n turned into U+2028
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        palette: QPalette = opt.palette
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        msg = index.data(MessageRole)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(2)
        mention = palette.color(QPalette.ColorRole.HighlightedText).name() if selected else \
            (MENTION_COLOR_DARK if dark else MENTION_COLOR)
        doc.setHtml(row_html(display, msg if isinstance(msg, ChatMessage) else None, mention))
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        doc.setTextWidth(rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        if foreground is not None and not selected:
            context.palette.setColor(QPalette.ColorRole.Text, foreground)
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()
