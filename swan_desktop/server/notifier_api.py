"""The seam between server features and the notification service.

Features that have something to tell people (the monitor when a service
degrades, chat when someone is @mentioned, the schedule when a session is
booked) call :meth:`Notifier.notify`; the notification service decides who
gets what on which channel. Until a real notifier is installed the server
uses :class:`LogNotifier`, which only logs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)

CATEGORIES = ("schedule", "system", "user", "financial", "security", "content", "performance")
PRIORITIES = ("low", "normal", "high", "critical")


@dataclass(frozen=True)
class Recipients:
    """Who should hear about it: explicit user ids and/or every user of some roles."""

    user_ids: frozenset[int] = frozenset()
    roles: frozenset[str] = frozenset()

    @classmethod
    def admins(cls) -> Recipients:
        return cls(roles=frozenset({"admin"}))


@dataclass(frozen=True)
class Notice:
    title: str
    message: str
    category: str = "system"
    priority: str = "normal"
    source: str = "server"
    links: dict[str, int] = field(default_factory=dict)  # e.g. {"session": 12, "user": 3}
    #: A key that makes the notice happen at most once: one whose key was used already is not
    #: made again (kept in the database, so across restarts and every instance of a studio group).
    once: str | None = None

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.priority not in PRIORITIES:
            raise ValueError(f"unknown priority {self.priority!r}")


class Notifier(Protocol):
    async def notify(self, recipients: Recipients, notice: Notice) -> None: ...


class LogNotifier:
    """Stand-in until the notification service is installed: says it in the log."""

    async def notify(self, recipients: Recipients, notice: Notice) -> None:
        log.info("notice for %s: [%s/%s] %s — %s", recipients, notice.category, notice.priority,
                 notice.title, notice.message)
