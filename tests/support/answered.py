"""What reached a real server, read from its own request counters (``swan_requests_total``).

    before = handled(server)
    ...                                     # the desktop does something
    await until(lambda: handled(server).get("client.search", 0) == before.get("client.search", 0) + 1)

A request is counted once answered (ok or refused), just after its reply is sent: wait
for a count, do not read it once right after an answer arrives.
"""

from __future__ import annotations

from collections import Counter

from swan_desktop.server.embedded import EmbeddedServer

#: The link's keep-alive, sent on its own clock: not something a widget asked for.
KEEPALIVE = "heartbeat"


def handled(server: EmbeddedServer) -> Counter[str]:
    """How many requests of each type the server has answered so far, whatever the outcome."""
    counts: Counter[str] = Counter()
    for metric in server.server.metrics.registry.collect():
        if metric.name == "swan_requests":
            for sample in metric.samples:
                if sample.name == "swan_requests_total":
                    counts[sample.labels["type"]] += int(sample.value)
    return counts


def asked_since(server: EmbeddedServer, before: Counter[str]) -> set[str]:
    """The request types answered since ``before`` (the link's keep-alive left out)."""
    now = handled(server)
    return {rtype for rtype in now if now[rtype] > before[rtype] and rtype != KEEPALIVE}
