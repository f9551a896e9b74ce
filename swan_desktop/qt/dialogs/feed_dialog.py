""""Phone calendar feeds…": the read-only ICS feeds the signed-in user may manage.

Lists the feeds (trainer, created, by whom, active or revoked), creates one for a
trainer (an admin chooses the trainer; a trainer gets their own), shows the new
feed's full address once with a Copy button and a plain word on what it is, and
revokes a feed after asking. Every request runs on the loop; the dialog never
blocks. Signals: ``loaded(int)`` (feeds listed), ``created(object)`` (a
:class:`~swan_desktop.core.feeds.NewFeed`), ``revoked(int)`` (a feed id),
``failed(str)`` (a message shown to the user).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.directory import Directory
from ...core.feeds import Feed, FeedClient, FeedListing, NewFeed
from ...protocol.entities import Role, User
from ...protocol.errors import ProtocolError
from ..style import ERROR_TEXT, GREY_TEXT
from ..tasks import spawn

log = logging.getLogger(__name__)

INTRO = ("A feed lets a phone's calendar app show one trainer's sessions, read-only, "
         "and keep them up to date.")
EXPLANATION = ("Add this address as a subscribed calendar on your phone (on an iPhone: Settings → "
               "Calendar → Accounts → Add Subscribed Calendar; in Google Calendar: From URL). "
               "Anyone with it can read this trainer's schedule; revoke it if it leaks. "
               "It is shown only now — the server keeps no copy.")
NO_TRAINER = ("Your account is not linked to a trainer, so there is no feed to create for you. "
              "An administrator can create one.")
FAILURES = (ProtocolError, ConnectionError, OSError, TimeoutError)
COLUMNS = ("Trainer", "Created", "Created by", "Status")


def _when(feed_time: Any) -> str:
    return str(feed_time.astimezone().strftime("%-d %b %Y, %H:%M"))


def _day(feed_time: Any) -> str:
    return str(feed_time.astimezone().strftime("%-d %b %Y"))


def _reason(err: BaseException) -> str:
    return err.message if isinstance(err, ProtocolError) else (str(err) or type(err).__name__)


class FeedDialog(QDialog):
    loaded = Signal(int)
    created = Signal(object)
    revoked = Signal(int)
    failed = Signal(str)

    def __init__(self, feeds: FeedClient, directory: Directory, user: User | None, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Phone calendar feeds")
        self._feeds, self._directory = feeds, directory
        self._is_admin = user is not None and user.role is Role.ADMIN
        self._listing = FeedListing([], None)
        self._shown_feed_id: int | None = None
        self.confirm_box: QMessageBox | None = None

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHeaderLabels(list(COLUMNS))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            self.table.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty_label = QLabel("No feeds yet.")
        self.empty_label.setStyleSheet(f"color: {GREY_TEXT.name()}")
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.clicked.connect(self.ask_revoke)
        list_row = QHBoxLayout()
        list_row.addWidget(self.empty_label, 1)
        list_row.addWidget(self.revoke_button)

        self.trainer_combo = QComboBox()
        self.trainer_combo.setMinimumContentsLength(18)
        self.create_button = QPushButton("Create feed")
        self.create_button.clicked.connect(self.create_feed)
        create_row = QHBoxLayout()
        create_row.addWidget(QLabel("New feed for"))
        create_row.addWidget(self.trainer_combo, 1)
        create_row.addWidget(self.create_button)
        self.no_trainer_label = QLabel(NO_TRAINER)
        self.no_trainer_label.setWordWrap(True)
        self.no_trainer_label.setStyleSheet(f"color: {GREY_TEXT.name()}")
        self.no_trainer_label.hide()

        self.url_panel = QFrame()
        self.url_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.url_title = QLabel()
        self.url_title.setStyleSheet("font-weight: bold")
        self.url_edit = QLineEdit()
        self.url_edit.setReadOnly(True)
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(self.copy_url)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_edit, 1)
        url_row.addWidget(self.copy_button)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        panel = QVBoxLayout(self.url_panel)
        panel.addWidget(self.url_title)
        panel.addLayout(url_row)
        panel.addWidget(explanation)
        self.url_panel.hide()

        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(list_row)
        layout.addSpacing(6)
        layout.addLayout(create_row)
        layout.addWidget(self.no_trainer_label)
        layout.addWidget(self.url_panel)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(620, 460)
        self._fill_trainers()
        self._update_buttons()

    # -- state ---------------------------------------------------------------
    def feeds(self) -> list[Feed]:
        """The feeds as listed: active ones first, newest first."""
        return sorted(self._listing.feeds, key=lambda f: (not f.active, -f.created_at.timestamp()))

    def selected_feed(self) -> Feed | None:
        items = self.table.selectedItems()
        if not items:
            return None
        fid = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((f for f in self._listing.feeds if f.id == fid), None)

    def shown_url(self) -> str | None:
        return self.url_edit.text() if self.url_panel.isVisibleTo(self) else None

    def _fill_trainers(self) -> None:
        chosen = self.trainer_combo.currentData()
        self.trainer_combo.clear()
        if self._is_admin:
            for t in self._directory.sorted_trainers():
                self.trainer_combo.addItem(t.name, t.id)
        elif self._listing.own_trainer_id is not None:
            tid = self._listing.own_trainer_id
            self.trainer_combo.addItem(self._directory.trainer_name(tid), tid)
        if chosen is not None and (index := self.trainer_combo.findData(chosen)) >= 0:
            self.trainer_combo.setCurrentIndex(index)
        self.trainer_combo.setEnabled(self._is_admin)

    def _update_buttons(self) -> None:
        feed = self.selected_feed()
        self.revoke_button.setEnabled(feed is not None and feed.active)
        self.create_button.setEnabled(self.trainer_combo.count() > 0)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet(f"color: {ERROR_TEXT}" if error else "")
        self.status.setText(text)
        if error:
            self.failed.emit(text)

    def _fill_table(self) -> None:
        selected = self.selected_feed()
        self.table.clear()
        grey = QBrush(GREY_TEXT)
        for feed in self.feeds():
            status = "Active" if feed.revoked_at is None else f"Revoked {_day(feed.revoked_at)}"
            item = QTreeWidgetItem([self._directory.trainer_name(feed.trainer_id), _when(feed.created_at),
                                    self._directory.user_name(feed.created_by), status])
            item.setData(0, Qt.ItemDataRole.UserRole, feed.id)
            if not feed.active:
                for col in range(len(COLUMNS)):
                    item.setForeground(col, grey)
            self.table.addTopLevelItem(item)
            if selected is not None and selected.id == feed.id:
                item.setSelected(True)
        self.empty_label.setText("No feeds yet." if not self._listing.feeds else "")

    # -- requests ------------------------------------------------------------
    async def _guarded(self, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        try:
            return await call()
        except FAILURES as err:
            log.warning("%s failed: %s", what, _reason(err))
            self._say(f"{what} failed: {_reason(err)}", error=True)
            return None

    def refresh(self) -> None:
        spawn(self._refresh())

    async def _refresh(self) -> None:
        listing = await self._guarded("Loading the feeds", self._feeds.listing)
        if listing is None:
            return
        self._listing = listing
        self._fill_trainers()
        self.no_trainer_label.setVisible(not self._is_admin and listing.own_trainer_id is None)
        self._fill_table()
        self._update_buttons()
        self.loaded.emit(len(listing.feeds))

    def create_feed(self) -> None:
        tid = self.trainer_combo.currentData()
        if tid is not None:
            self.create_button.setEnabled(False)
            spawn(self._create(int(tid)))

    async def _create(self, trainer_id: int) -> None:
        made: NewFeed | None = await self._guarded("Creating the feed",
                                                   lambda: self._feeds.create(trainer_id))
        self._update_buttons()
        if made is None:
            return
        name = self._directory.trainer_name(trainer_id)
        self.url_title.setText(f"New feed for {name} — copy the address now")
        self.url_edit.setText(made.url)
        self.url_edit.setCursorPosition(0)
        self.url_panel.show()
        self._shown_feed_id = made.feed.id
        self._say("")
        await self._refresh()
        self.created.emit(made)

    def copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.url_edit.text())
        self._say("Address copied.")

    def ask_revoke(self) -> None:
        feed = self.selected_feed()
        if feed is None or not feed.active:
            return
        name = self._directory.trainer_name(feed.trainer_id)
        box = QMessageBox(QMessageBox.Icon.Question, "Revoke feed",
                          f"Revoke the feed for {name} created {_when(feed.created_at)}?\n\n"
                          "Phones subscribed to it stop getting updates. This cannot be undone; "
                          "you can create a new feed later.", QMessageBox.StandardButton.NoButton, self)
        revoke = box.addButton("Revoke", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def clicked(button: QAbstractButton) -> None:
            if button is revoke:
                spawn(self._revoke(feed.id))
        box.buttonClicked.connect(clicked)
        self.confirm_box = box
        box.open()

    async def _revoke(self, feed_id: int) -> None:
        done: Feed | None = await self._guarded("Revoking the feed", lambda: self._feeds.revoke(feed_id))
        if done is None:
            return
        if self._shown_feed_id == feed_id:
            self.url_panel.hide()
            self.url_edit.clear()
            self._shown_feed_id = None
        self._say(f"Feed for {self._directory.trainer_name(done.trainer_id)} revoked.")
        await self._refresh()
        self.revoked.emit(feed_id)
