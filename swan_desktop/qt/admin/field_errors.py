"""Refusals shown in words next to the field the server named.

A :class:`FieldErrors` knows, for each wire field of a form (``name``,
``color``, ``capacity``, ``hours[2]`` …), the error label under its widget, and
a general label for everything else. :meth:`FieldErrors.show` takes any
failure of an administration request and puts the server's words where they
belong; :meth:`FieldErrors.clear` hides them all again.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from ...core.outcomes import Invalid, Outcome, outcome_of


class FieldErrors:
    def __init__(self, general: QLabel) -> None:
        self.general = general
        self.labels: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

    def add(self, field: str, label: QLabel, widget: QWidget | None = None) -> QLabel:
        self.labels[field] = label
        if widget is not None:
            self.widgets[field] = widget
        return label

    def clear(self) -> None:
        for label in (*self.labels.values(), self.general):
            label.clear()
            label.hide()

    def label_for(self, field: str | None) -> QLabel:
        if field:
            for name in (field, field.removeprefix("changes."), field.split("[")[0], field.split(".")[0]):
                if name in self.labels:
                    return self.labels[name]
        return self.general

    def say(self, text: str, field: str | None = None) -> None:
        label = self.label_for(field)
        label.setText(text)
        label.show()
        widget = self.widgets.get(field or "")
        if widget is not None:
            widget.setFocus()

    def show(self, failure: BaseException | Outcome) -> Outcome:
        """Show a refusal (or a link failure) in words; returns it as a typed outcome."""
        outcome = outcome_of(failure) if isinstance(failure, BaseException) else failure
        if isinstance(outcome, Invalid):
            self.say(outcome.message, outcome.field)
        else:
            self.say(outcome.message)
        return outcome

