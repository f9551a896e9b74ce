"""The studio's staff accounts as an admin sees them (``account.list``), kept
current by ``user:created`` / ``user:updated`` events. No passwords are ever
held here: a one-time password travels only in the reply that made it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..protocol.frames import Event


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    name: str
    role: str
    trainer_id: int | None = None
    active: bool = True

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Account:
        trainer = d.get("trainer_id")
        return cls(int(d["id"]), str(d.get("username") or ""), str(d.get("name") or ""),
                   str(d.get("role") or "viewer"), trainer if isinstance(trainer, int) else None,
                   bool(d.get("active", True)))


class AccountStore:
    """Accounts by id, in name order for the list; listeners are told of each change."""

    def __init__(self) -> None:
        self._accounts: dict[int, Account] = {}
        self.listeners: list[Callable[[], None]] = []

    def _changed(self) -> None:
        for fn in list(self.listeners):
            fn()

    def all(self) -> list[Account]:
        return sorted(self._accounts.values(), key=lambda a: (a.name or a.username).lower())

    def get(self, account_id: int) -> Account | None:
        return self._accounts.get(account_id)

    def load(self, accounts: list[Account]) -> None:
        self._accounts = {a.id: a for a in accounts}
        self._changed()

    def put(self, account: Account) -> None:
        if self._accounts.get(account.id) != account:
            self._accounts[account.id] = account
            self._changed()

    def merge_wire(self, wire: dict[str, Any]) -> None:
        """A ``user:*`` event: its user may carry only some account fields."""
        try:
            uid = int(wire["id"])
        except (KeyError, TypeError, ValueError):
            return
        known = self._accounts.get(uid)
        # Events carry no user name; an account first seen in one gets it from the next account.list.
        merged = {**(known.__dict__ if known else {}), **wire}
        self.put(Account.from_wire(merged))

    def apply_event(self, event: Event) -> None:
        if isinstance(event.data.get("user"), dict):
            self.merge_wire(event.data["user"])
