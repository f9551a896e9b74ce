"""The activity feed: every change with who, when and what; filters; activating a row opens the session.

The feed shows its newest page, newest first; scrolling to the bottom (or "Show earlier changes")
pages in the one before, until the first change or the most the feed holds (``ActivityStore.limit``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ...core.collab.activity import KINDS, ActivityStore
from ...core.directory import Directory
from ..tasks import spawn
from .earlier import EarlierRow
from .models import ActivityModel


class ActivityPanel(QWidget):
    def __init__(self, store: ActivityStore, directory: Callable[[], Directory],
                 open_session: Callable[[int], object], parent: QWidget | None = None,
                 load_earlier: Callable[[], Awaitable[int]] | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Activity")
        self.store = store
        self._load_earlier = load_earlier
        self._loading_earlier = False
        self._restoring = False
        self._directory = directory
        self._open = open_session
        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Filter by person")
        self.trainer_combo = QComboBox()
        self.trainer_combo.setAccessibleName("Filter by trainer")
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName("Filter by kind")
        self.kind_combo.addItem("All changes", None)
        for kind in KINDS:
            self.kind_combo.addItem(kind.capitalize(), kind)
        self.model = ActivityModel(self)
        self.view = QTreeView()
        self.view.setAccessibleName("Activity feed")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        header = self.view.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 300)
        header.setStretchLastSection(True)
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.earlier = EarlierRow("changes", self.show_earlier)
        self.earlier_button = self.earlier.button
        self.view.activated.connect(self._activated)
        self.view.doubleClicked.connect(self._activated)
        for combo in (self.person_combo, self.trainer_combo, self.kind_combo):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())

        head = QHBoxLayout()
        title = QLabel("Activity")
        title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        head.addWidget(title)
        head.addStretch(1)
        for combo in (self.person_combo, self.trainer_combo, self.kind_combo):
            head.addWidget(combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(head)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.earlier)
        self._fill_filters()
        self.refresh()

    def _fill_filters(self) -> None:
        directory = self._directory()
        for combo, everyone, items in (
                (self.person_combo, "Everyone", sorted((u.name, u.id) for u in directory.users.values())),
                (self.trainer_combo, "All trainers",
                 sorted((t.name, t.id) for t in directory.trainers.values()))):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everyone, None)
            for name, key in items:
                combo.addItem(name, key)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    def set_filter(self, *, user_id: int | None = None, trainer_id: int | None = None,
                   kind: str | None = None) -> None:
        for combo, value in ((self.person_combo, user_id), (self.trainer_combo, trainer_id),
                             (self.kind_combo, kind)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.refresh()

    def refresh(self) -> None:
        if self.person_combo.count() <= 1:
            self._fill_filters()
        bar = self.view.verticalScrollBar()
        kept = bar.value()
        self._restoring = True
        try:
            self.model.set_entries(self.store.entries(user_id=self.person_combo.currentData(),
                                                      trainer_id=self.trainer_combo.currentData(),
                                                      kind=self.kind_combo.currentData()))
            self.view.doItemsLayout()
            bar.setValue(kept)  # earlier changes came in below: the reader stays where they were
        finally:
            self._restoring = False
        self._show_history_state()

    # -- earlier pages -------------------------------------------------------------------------
    def _scrolled(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if not self._restoring and value == bar.maximum() and bar.maximum() > bar.minimum():
            self.show_earlier()

    def show_earlier(self) -> None:
        """Page in the changes before the oldest shown (once at a time); rows above stay put."""
        if (self._load_earlier is None or self._loading_earlier or not self.store.more
                or self.store.full):
            return
        self._loading_earlier = True
        self._show_history_state()
        spawn(self._page_in(self._load_earlier))

    async def _page_in(self, load: Callable[[], Awaitable[int]]) -> None:
        try:
            await load()
        except Exception as exc:  # noqa: BLE001 - said in the note; the feed keeps what it has
            self.earlier.say(f"Earlier changes could not be loaded: {exc}")
            self._loading_earlier = False
            return
        self._loading_earlier = False
        self.refresh()

    def _show_history_state(self) -> None:
        self.earlier.show_state(more=self.store.more and self._load_earlier is not None, full=self.store.full,
                                loading=self._loading_earlier, kept=f"{self.store.limit:,} changes")

    def _activated(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and entry.kind != "deleted":
            self._open(entry.session_id)
