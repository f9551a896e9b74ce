"""The week view: seven day columns (Monday to Sunday, on the studio's wall clock)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from ...core.directory import Directory
from ...core.wallclock import local_day, today_in
from ...protocol.entities import Session
from ..fit_text import alternatives
from ..session_text import client_label, hm, initials, spoken_summary, tooltip_html
from .item_texts import ItemTexts, Texts
from .time_grid import Column, GridItem, TimeGridView
from .week_summary import summarise
from .working_hours import away_words, off_hours


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


class WeekView(TimeGridView):
    """A Monday-to-Sunday grid; blocks show time, trainer initials and client.

    At a big studio's size an hour with more sessions than fit side by side is
    one summary block (see ``week_summary``); double-clicking it asks for that day.
    """

    dayRequested = Signal(object)  # datetime.date: a summary block was double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, hour_px=52)
        self._directory = Directory()
        self._directory_revision: int | None = None
        self._texts = ItemTexts(_week_texts)
        self.monday = week_start(date.today())
        self.canvas.set_tooltip_provider(lambda s: tooltip_html(s, self._directory))
        self.setAccessibleName("Week schedule")
        self.canvas.base_accessible_name = "Week schedule, one column per day"
        self.canvas.setAccessibleName(self.canvas.base_accessible_name)
        self.canvas.set_summary_provider(lambda s: spoken_summary(s, self._directory))
        self.header.setAccessibleName("Day columns")
        self.canvas.summaryActivated.connect(
            lambda column: self.dayRequested.emit(self.monday + timedelta(days=column)))

    def show_week(self, any_day: date, sessions: Sequence[Session], directory: Directory,
                  trainer_id: int = 0, directory_revision: int | None = None) -> None:
        """Show the week containing ``any_day``; sessions sit on the day they start in the studio.

        ``trainer_id`` (when a trainer filter is on) is what a double-click on
        empty space proposes for a new session. ``directory_revision`` (the
        store's) tells a directory changed in place.
        """
        if (directory is not self._directory or directory_revision is None
                or directory_revision != self._directory_revision):
            self._texts.forget()  # no revision given: nothing worked out earlier is trusted
            self._directory_revision = directory_revision
        self._directory = directory
        zone = directory.zone
        monday = week_start(any_day)
        self.monday = monday
        today = today_in(zone)
        trainer = directory.trainers.get(trainer_id)
        columns = []
        for i in range(7):
            day = monday + timedelta(days=i)
            away = " · away" if away_words(trainer, day) else ""
            columns.append(Column(day=day, title=f"{day:%a}", subtitle=f"{day.day} {day:%b}{away}",
                                  trainer_id=trainer_id, highlight=day == today,
                                  off_hours=off_hours(trainer, day, directory.timezone, zone)))
        summaries = summarise(sessions, monday, zone)
        if summaries is not None:
            self.canvas.set_content(columns, [], zone, summaries)
            self.canvas.setAccessibleDescription(
                f"Week of {monday.day} {monday:%B %Y}: {sum(m.count for m in summaries)} sessions, "
                "shown as busy hours")
            return
        items = []
        for s in sessions:
            col = (local_day(s.start, zone) - monday).days
            if not 0 <= col < 7:
                continue
            lines, color = self._texts(s, directory)
            items.append(GridItem(s, col, lines, color))
        self.canvas.set_content(columns, items, zone)
        self.canvas.setAccessibleDescription(
            f"Week of {monday.day} {monday:%B %Y}: {len(items)} sessions")


def _week_texts(s: Session, directory: Directory) -> Texts:
    """Time first and alone, so it survives in the narrowest lane; client; the trainer's
    name · type where there is room, else their initials."""
    name = directory.trainer_name(s.trainer_id)
    who = initials(name)
    kind = directory.type_name(s.session_type_id)
    trainer_line = alternatives(f"{name} · {kind}" if kind else "", name,
                                f"{who} · {kind}" if kind else "", who)
    return ((hm(s.start, directory.zone), client_label(s, directory), trainer_line),
            directory.type_color(s.session_type_id))
