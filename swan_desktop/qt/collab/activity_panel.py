"""The activity feed: every change with who, when and what; filters; activating a row opens the session."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QHeaderView, QLabel, QTreeView, QVBoxLayout, QWidget

from ...core.collab.activity import KINDS, ActivityStore
from ...core.directory import Directory
from .models import ActivityModel


class ActivityPanel(QWidget):
    def __init__(self, store: ActivityStore, directory: Callable[[], Directory],
                 open_session: Callable[[int], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Activity")
        self.store = store
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
        self.model.set_entries(self.store.entries(user_id=self.person_combo.currentData(),
                                                  trainer_id=self.trainer_combo.currentData(),
                                                  kind=self.kind_combo.currentData()))

    def _activated(self, index: QModelIndex) -> None:
        entry = self.model.entry(index.row())
        if entry is not None and entry.kind != "deleted":
            self._open(entry.session_id)
