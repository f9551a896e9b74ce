"""SessionTableModel: a thin, well-behaved adapter over the store's list.

The model only shows what it is given: here the desktop's own ScheduleStore holding the sample
(conftest.py SAMPLE_SESSIONS), with no server behind it.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon

from swan_desktop.qt.models.session_table_model import Column, SessionRole, SessionTableModel
from tests.support.sample import DAY, at


def _model(store, days: int = 14) -> SessionTableModel:
    model = SessionTableModel(store.directory)
    model.set_sessions(store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=days)))
    return model


def test_empty_model_passes_the_model_tester(qtmodeltester) -> None:
    model = SessionTableModel()
    qtmodeltester.check(model)
    assert model.rowCount() == 0
    assert model.columnCount() == len(Column)


def test_filled_model_passes_the_model_tester(qtmodeltester, store) -> None:
    model = _model(store)
    qtmodeltester.check(model)
    assert model.rowCount() == 6


def test_rows_follow_the_order_the_store_gave(store) -> None:
    model = _model(store)
    ids = [model.index(r, 0).data(SessionRole.SessionIdRole) for r in range(model.rowCount())]
    assert ids == [s.id for s in store.between(at(DAY, 0), at(DAY, 0) + timedelta(days=14))]


def test_cells_show_names_not_ids(store) -> None:
    model = _model(store)
    row = model.row_of(1)
    assert row is not None
    text = {c: model.index(row, c).data() for c in Column}
    assert text[Column.TRAINER] == "Ana Kowalski"
    assert text[Column.CLIENT] == "Dana Whitfield"
    assert text[Column.TYPE] == "Personal training"
    assert text[Column.LOCATION] == "Studio A"
    assert text[Column.STATUS] == "Confirmed"
    assert text[Column.TIME] == "09:00–10:00"


def test_status_has_a_swatch_type_has_its_colour_and_rows_have_tooltips(store) -> None:
    model = _model(store)
    row = model.row_of(1)
    assert row is not None
    assert isinstance(model.index(row, Column.STATUS).data(Qt.ItemDataRole.DecorationRole), QIcon)
    colour = model.index(row, Column.TYPE).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(colour, QColor) and colour.name() == "#5b8db8"
    assert "Ana Kowalski" in model.index(row, Column.CLIENT).data(Qt.ItemDataRole.ToolTipRole)


def test_set_sessions_resets_the_model(qtbot, store) -> None:
    model = _model(store)
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_sessions([])
    assert model.rowCount() == 0
