"""Server features react to committed events without disturbing delivery."""

from __future__ import annotations

from swan_desktop.protocol.frames import Event
from swan_desktop.server.hub import Hub
from swan_desktop.server.store import HubEvent


class Collect:
    def __init__(self) -> None:
        self.got: list[int] = []

    def deliver(self, events: list[HubEvent]) -> None:
        self.got.extend(e.event.seq for e in events)


def batch(*seqs: int) -> list[HubEvent]:
    return [HubEvent(Event("e", s, "session:created", "", None, {}), None) for s in seqs]


def test_reactions_see_every_batch_and_a_failing_one_stops_nothing(caplog) -> None:
    hub = Hub()
    client = Collect()
    hub.add(client)
    seen: list[list[int]] = []

    def broken(events: list[HubEvent]) -> None:
        raise RuntimeError("notifier down")

    hub.react(broken)
    hub.react(lambda events: seen.append([e.event.seq for e in events]))
    hub.publish(batch(1, 2))
    hub.publish(batch(3))
    assert client.got == [1, 2, 3]
    assert seen == [[1, 2], [3]]
    assert "reaction to events failed" in caplog.text
