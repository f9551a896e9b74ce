"""Status moves: staff correct freely, except where credits hang on the move."""

from __future__ import annotations

import pytest

from swan_desktop.domain.workflow import may_move
from swan_desktop.protocol.entities import Status as S


@pytest.mark.parametrize(("current", "target"), [
    (S.SCHEDULED, S.REQUESTED), (S.CONFIRMED, S.REQUESTED), (S.SCHEDULED, S.AVAILABLE),
    (S.BLOCKED, S.SCHEDULED), (S.CANCELLED, S.CONFIRMED), (S.CONFIRMED, S.COMPLETED),
    (S.COMPLETED, S.CANCELLED),
])
def test_ordinary_moves_and_corrections_are_allowed(current: S, target: S) -> None:
    assert may_move(current, target)


@pytest.mark.parametrize(("current", "target"), [
    (S.AVAILABLE, S.COMPLETED), (S.BLOCKED, S.COMPLETED), (S.CANCELLED, S.COMPLETED),
    (S.COMPLETED, S.SCHEDULED), (S.COMPLETED, S.CONFIRMED),
])
def test_moves_that_would_spend_or_unspend_credits_wrongly_are_refused(current: S, target: S) -> None:
    assert not may_move(current, target)
