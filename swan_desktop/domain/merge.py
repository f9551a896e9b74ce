"""Field-level merge rules for concurrent session edits (pure; no I/O).

A client edits a session it saw at some *base* version; meanwhile others may
have moved the stored session on (*theirs*). Given base, theirs and the
client's changes (*mine*), :func:`resolve` decides under one of the studio's
conflict strategies what is written and what was overwritten or discarded —
so that no value disappears without being reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

AUTO_MERGE = "auto-merge"
MANUAL_REVIEW = "manual-review"
LAST_WRITE_WINS = "last-write-wins"
FIRST_WRITE_WINS = "first-write-wins"
STRATEGIES = (AUTO_MERGE, MANUAL_REVIEW, LAST_WRITE_WINS, FIRST_WRITE_WINS)
DEFAULT_STRATEGY = AUTO_MERGE

#: Fields a client edits (bookkeeping such as version and updated_at is never merged).
MERGE_FIELDS = (
    "start", "end", "trainer_id", "client_id", "client_name", "location",
    "session_type_id", "status", "notes", "cancel_reason",
)


@dataclass(frozen=True)
class Resolution:
    """What to do with a change made against an older version.

    ``apply`` is written on top of theirs. ``conflicts`` non-empty means the
    change is refused and the client must decide (``auto-merge`` on a clash,
    ``manual-review`` always). ``overwritten`` maps a field to the value of
    theirs that ``apply`` replaces (last-write-wins); ``discarded`` maps a
    field to the value of mine that was dropped (first-write-wins).
    """

    apply: dict[str, Any] = field(default_factory=dict)
    conflicts: tuple[str, ...] = ()
    overwritten: dict[str, Any] = field(default_factory=dict)
    discarded: dict[str, Any] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.conflicts)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Fields (of :data:`MERGE_FIELDS`) whose value differs, with the value of ``after``."""
    return {f: after.get(f) for f in MERGE_FIELDS if before.get(f) != after.get(f)}


def resolve(
    strategy: str, base: Mapping[str, Any], theirs: Mapping[str, Any], mine: Mapping[str, Any]
) -> Resolution:
    """Decide how ``mine`` (changed fields) lands on ``theirs``, both descended from ``base``."""
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown conflict strategy {strategy!r}")
    theirs_changed = changed_fields(base, theirs)
    # A field both changed to the same value is agreement, not a clash.
    clashes = tuple(f for f in mine if f in theirs_changed and theirs.get(f) != mine[f])
    if strategy == MANUAL_REVIEW and theirs_changed:
        touched = tuple(f for f in MERGE_FIELDS if f in theirs_changed or f in mine)
        return Resolution(conflicts=touched)
    if not clashes:
        return Resolution(apply=dict(mine))
    if strategy == AUTO_MERGE:
        return Resolution(conflicts=clashes)
    if strategy == LAST_WRITE_WINS:
        return Resolution(apply=dict(mine), overwritten={f: theirs.get(f) for f in clashes})
    keep = {f: v for f, v in mine.items() if f not in clashes}
    return Resolution(apply=keep, discarded={f: mine[f] for f in clashes})
