"""The set-up assistant's pages that save one thing on Next: the studio's name, its
time zone and its opening hours — and what every page shares (Next saves first,
without blocking; a refusal stays on the page next to its field)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from ...core.outcomes import FAILURES
from ...core.wallclock import local_zone
from ..settings_pages.form import error
from ..tasks import spawn
from .field_errors import FieldErrors
from .hours_editor import HoursEditor
from .zone_picker import ZonePicker

if TYPE_CHECKING:
    from .setup_wizard import SetupWizard


LATER = "You can skip this and change it later under Administration."


class EnterAdds(QObject):
    """Enter in an entry field adds the entry (and does not press Next)."""

    def __init__(self, field: QLineEdit, add: Callable[[], None]) -> None:
        super().__init__(field)
        self.add = add
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.add()
            return True
        return False


class AssistantPage(QWizardPage):
    """A page whose Next first saves it (``save`` returns the request, or None for nothing to send)."""

    def __init__(self, wizard: SetupWizard, title: str, subtitle: str) -> None:
        super().__init__()
        self.assistant = wizard
        self.admin = wizard.admin
        self.setTitle(title)
        self.setSubTitle(f"{subtitle} {LATER}")
        self.errors = FieldErrors(error())
        self.body = QVBoxLayout(self)
        self._saved = False

    def finish_layout(self) -> None:
        self.body.addWidget(self.errors.general)
        self.errors.clear()

    def save(self) -> Awaitable[Any] | None:
        return None

    def initializePage(self) -> None:
        self._saved = False

    def validatePage(self) -> bool:
        if self._saved or self.assistant.skipping:
            return True
        self.errors.clear()
        try:
            request = self.save()
        except ValueError:
            return False  # shown on the page already
        if request is None:
            return True
        self.assistant.busy(True)
        spawn(self._send(request))
        return False

    async def _send(self, request: Awaitable[Any]) -> None:
        try:
            await request
        except FAILURES as exc:
            self.errors.show(exc)
            self.assistant.busy(False)
            return
        self.assistant.busy(False)
        self._saved = True
        if self.assistant.currentPage() is self:
            self.assistant.next_or_finish()


class NamePage(AssistantPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Your studio", "The name shown at the top of schedules and printouts.")
        self.name = QLineEdit(self.admin.feed.directory.studio.name)
        self.name.setPlaceholderText("e.g. Swan Personal Training")
        self.name.setAccessibleName("Studio name")
        self.body.addWidget(QLabel("Studio name:"))
        self.body.addWidget(self.name)
        self.body.addWidget(self.errors.add("name", error(), self.name))
        self.body.addStretch(1)
        self.finish_layout()

    def save(self) -> Awaitable[Any] | None:
        name = self.name.text().strip()
        if not name:
            self.errors.say("Type the studio's name, or press Skip.", "name")
            raise ValueError
        return self.admin.set_studio(name=name)


class ZonePage(AssistantPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Time zone",
                         "Sessions are shown on the studio's clock, on every computer, even across "
                         "daylight-saving changes.")
        here = local_zone()
        guess = self.admin.feed.directory.studio.timezone or (
            here.key if isinstance(here, zoneinfo.ZoneInfo) else "")
        self.picker = ZonePicker(guess)
        self.body.addWidget(self.picker, 1)
        self.body.addWidget(self.errors.add("timezone", error(), self.picker))
        self.finish_layout()

    def save(self) -> Awaitable[Any] | None:
        zone = self.picker.zone()
        if not zone:
            self.errors.say("Choose the studio's time zone from the list, or press Skip.", "timezone")
            raise ValueError
        return self.admin.set_studio(timezone=zone)


class OpeningPage(AssistantPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__(wizard, "Opening hours",
                         "When the studio is open. Leave a day empty when it is closed.")
        self.hours = HoursEditor("e.g. 07:00–21:00 (empty: closed)")
        self.hours.set_hours(self.admin.feed.directory.studio.opening_hours)
        quick = QPushButton("Weekdays 07:00–21:00")
        quick.clicked.connect(lambda: self.hours.fill_weekdays("07:00–21:00"))
        row = QHBoxLayout()
        row.addWidget(quick)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addWidget(self.hours)
        self.body.addWidget(self.errors.add("opening_hours", error(), self.hours))
        self.body.addStretch(1)
        self.finish_layout()

    def save(self) -> Awaitable[Any] | None:
        hours = self.hours.hours()
        if hours is None:
            raise ValueError
        return self.admin.set_studio(opening_hours=hours) if hours else None
