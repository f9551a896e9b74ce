"""The day view: one column per trainer, sessions placed on the studio's wall clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QWidget

from ...core.directory import Directory
from ...core.wallclock import today_in
from ...protocol.entities import Session, Status
from ..session_text import client_label, long_date, spoken_summary, time_range, tooltip_html
from .item_texts import ItemTexts, Texts
from .time_grid import Column, GridItem, TimeGridView
from .working_hours import away_words, off_hours


class DayView(TimeGridView):
    """Trainer columns for one local day. Emits the ``TimeGridView`` signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, hour_px=64)
        self._directory = Directory()
        self._directory_revision: int | None = None
        self._texts = ItemTexts(_day_texts)
        self.day = date.today()
        self.canvas.set_tooltip_provider(lambda s: tooltip_html(s, self._directory))
        self.setAccessibleName("Day schedule")
        self.canvas.base_accessible_name = "Day schedule, one column per trainer"
        self.canvas.setAccessibleName(self.canvas.base_accessible_name)
        self.canvas.set_summary_provider(lambda s: spoken_summary(s, self._directory))
        self.header.setAccessibleName("Trainer columns")

    def show_day(self, day: date, sessions: Sequence[Session], directory: Directory,
                 trainer_ids: Sequence[int] | None = None, directory_revision: int | None = None) -> None:
        """Show ``sessions`` (already limited to ``day``) in trainer columns.

        ``trainer_ids`` fixes the columns (e.g. one trainer when filtered);
        otherwise every trainer in the directory gets a column, plus any
        trainer a session names that the directory does not know yet.
        ``directory_revision`` (the store's) tells a directory changed in place.
        """
        if (directory is not self._directory or directory_revision is None
                or directory_revision != self._directory_revision):
            self._texts.forget()  # no revision given: nothing worked out earlier is trusted
            self._directory_revision = directory_revision
        self._directory = directory
        self.day = day
        if trainer_ids is None:
            ids = [t.id for t in directory.sorted_trainers()]
            known = set(ids)
            ids += sorted({s.trainer_id for s in sessions} - known)
        else:
            ids = list(trainer_ids)
        zone = directory.zone
        today = day == today_in(zone)
        columns = []
        for tid in ids:
            trainer = directory.trainers.get(tid)
            columns.append(Column(day=day, title=directory.trainer_name(tid),
                                  subtitle=away_words(trainer, day)
                                  or (", ".join(trainer.specialties[:2]) if trainer else ""),
                                  trainer_id=tid, accent=trainer.color if trainer else None,
                                  highlight=False,
                                  off_hours=off_hours(trainer, day, directory.timezone, zone)))
        index = {tid: i for i, tid in enumerate(ids)}
        items = []
        for s in sessions:
            col = index.get(s.trainer_id)
            if col is None:
                continue
            lines, color = self._texts(s, directory)
            items.append(GridItem(s, col, lines, color))
        self.canvas.set_content(columns, items, zone)
        self.canvas.setAccessibleDescription(
            f"{long_date(day)}{' (today)' if today else ''}: {len(items)} sessions, "
            f"{len(columns)} trainers")


def _day_texts(s: Session, directory: Directory) -> Texts:
    """Time range, client, and type · room (a blocked slot: its note)."""
    if s.status is Status.BLOCKED:
        third = s.notes
    else:
        third = " · ".join(x for x in (directory.type_name(s.session_type_id), s.location) if x)
    return ((time_range(s, directory.zone), client_label(s, directory), third),
            directory.type_color(s.session_type_id))
