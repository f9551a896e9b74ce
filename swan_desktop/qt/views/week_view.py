"""The week view: seven day columns (Monday to Sunday, on the studio's wall clock)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtWidgets import QWidget

from ...core.directory import Directory
from ...core.wallclock import local_day, today_in
from ...protocol.entities import Session
from ..fit_text import alternatives
from ..session_text import client_label, hm, initials, spoken_summary, tooltip_html
from .time_grid import Column, GridItem, TimeGridView
from .working_hours import away_words, off_hours


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


class WeekView(TimeGridView):
    """A Monday-to-Sunday grid; blocks show time, trainer initials and client."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, hour_px=52)
        self._directory = Directory()
        self.monday = week_start(date.today())
        self.canvas.set_tooltip_provider(lambda s: tooltip_html(s, self._directory))
        self.setAccessibleName("Week schedule")
        self.canvas.base_accessible_name = "Week schedule, one column per day"
        self.canvas.setAccessibleName(self.canvas.base_accessible_name)
        self.canvas.set_summary_provider(lambda s: spoken_summary(s, self._directory))
        self.header.setAccessibleName("Day columns")

    def show_week(self, any_day: date, sessions: Sequence[Session], directory: Directory,
                  trainer_id: int = 0) -> None:
        """Show the week containing ``any_day``; sessions sit on the day they start in the studio.

        ``trainer_id`` (when a trainer filter is on) is what a double-click on
        empty space proposes for a new session.
        """
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
        items = []
        for s in sessions:
            col = (local_day(s.start, zone) - monday).days
            if not 0 <= col < 7:
                continue
            name = directory.trainer_name(s.trainer_id)
            who = initials(name)
            kind = directory.type_name(s.session_type_id)
            # time first and alone, so it survives in the narrowest lane; the trainer's
            # name where there is room, else their initials
            trainer_line = alternatives(f"{name} · {kind}" if kind else "", name,
                                        f"{who} · {kind}" if kind else "", who)
            items.append(GridItem(s, col, (hm(s.start, zone), client_label(s, directory), trainer_line),
                                  directory.type_color(s.session_type_id)))
        self.canvas.set_content(columns, items, zone)
        self.canvas.setAccessibleDescription(
            f"Week of {monday.day} {monday:%B %Y}: {len(items)} sessions")
