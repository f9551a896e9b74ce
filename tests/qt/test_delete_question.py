"""The question before a session is deleted says, when the session has a client booked ahead, that
the client is not told of a deletion and that cancelling is what tells them (the server emails a
cancellation notice, and nothing for a session that is gone)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from swan_desktop.core.directory import Directory
from swan_desktop.protocol.entities import Session, Status
from swan_desktop.qt.session_text import clients_not_told, delete_question

NOW = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
TOLD = "Its client is not told of a deletion: to tell them, cancel it instead."


def _session(hours: float, **fields: object) -> Session:
    start = NOW + timedelta(hours=hours)
    return Session(id=1, start=start, end=start + timedelta(hours=1), trainer_id=1, **fields)  # type: ignore[arg-type]


def test_a_client_booked_ahead_is_said_not_to_be_told() -> None:
    directory = Directory(timezone="UTC")
    ahead = _session(2, client_id=5, client_name="Rita Lobo")
    text = delete_question(ahead, directory, NOW)
    assert text.startswith("Delete the session with Rita Lobo on Mon 3 Mar?") and text.endswith(TOLD)
    for nobody_waits in (_session(-2, client_id=5, client_name="Rita Lobo"),  # already past
                         _session(2, client_id=5, client_name="Rita Lobo", status=Status.CANCELLED),
                         _session(2, status=Status.BLOCKED)):
        assert TOLD not in delete_question(nobody_waits, directory, NOW), nobody_waits
    assert clients_not_told([_session(-2, client_id=5), ahead], NOW)
    assert not clients_not_told([_session(2)], NOW)
