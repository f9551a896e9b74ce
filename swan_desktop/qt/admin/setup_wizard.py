"""The set-up assistant: a new studio's first steps, page by page.

Opened (with ``open()``) when an admin signs in and ``studio.setup.get`` says
set-up is needed. Pages: the studio's name; its time zone; opening hours;
rooms; session types; trainers with their working hours; staff accounts. Every
page can be skipped and everything is editable later under Administration.
Next saves the page first (without blocking: the page moves on when the server
has it, or shows the refusal next to the field); rooms, types, trainers and
accounts are saved one by one as they are added. Finish marks set-up complete
(``studio.setup.set {setup_complete: true}``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from ...core.admin import AdminClient
from .setup_lists import AccountsStep, RoomsPage, TrainersPage, TypesPage
from .setup_pages import AssistantPage, NamePage, OpeningPage, ZonePage


class SetupWizard(QWizard):
    """``completed`` is emitted once the server has set-up marked complete."""

    completed = Signal()

    def __init__(self, admin: AdminClient, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.admin = admin
        self.setWindowTitle("Set up your studio")
        self.setAccessibleName("Set up your studio")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(QWizard.WizardButton.CustomButton1, "Skip")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.customButtonClicked.connect(lambda _which: self.skip())
        self.skipping = False
        self.name_page = NamePage(self)
        self.zone_page = ZonePage(self)
        self.opening_page = OpeningPage(self)
        self.rooms_page = RoomsPage(self)
        self.types_page = TypesPage(self)
        self.trainers_page = TrainersPage(self)
        self.accounts_page = AccountsStep(self)
        self.steps: list[AssistantPage] = [self.name_page, self.zone_page, self.opening_page, self.rooms_page,
                                           self.types_page, self.trainers_page, self.accounts_page]
        for page in self.steps:
            self.addPage(page)
        self.currentIdChanged.connect(lambda _id: self._skip_shown())
        self.resize(720, 600)
        self._skip_shown()

    def _skip_shown(self) -> None:
        last = self.currentPage() is self.accounts_page
        self.button(QWizard.WizardButton.CustomButton1).setVisible(not last)

    def busy(self, on: bool) -> None:
        for which in (QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton,
                      QWizard.WizardButton.CustomButton1):
            self.button(which).setEnabled(not on)

    def skip(self) -> None:
        """Leave this page as it is and go on."""
        self.skipping = True
        try:
            self.next()
        finally:
            self.skipping = False

    def next_or_finish(self) -> None:
        if self.currentPage() is self.accounts_page:
            self.completed.emit()
            self.accept()
        else:
            self.next()

    def page_titles(self) -> list[str]:
        return [p.title() for p in self.steps]


