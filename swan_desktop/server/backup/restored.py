"""What a restored database must forget: the event history desktops hold, and every sign-in.

A backup is the studio as it was at one moment. Once it replaces the database,
the server numbers its events on from that moment, but the desktops saw the
events made after it, under the same numbers. A desktop that saw event 1,030
before the restore, and signs in again once the restored server has numbered
events up to 1,030 again, would ask for "what came after 1,030" and keep
showing sessions that are gone while missing the new ones. So a restored
database gets a new event epoch: every desktop's next ``sync`` is answered
``"recovered": false`` and it loads the schedule again.

Tokens revoked after the backup (a desk signed out, a lost laptop's sign-in
ended, a password changed) would be valid again, so every token is deleted:
each desktop signs in again with a password. The accounts and passwords
themselves are as they were at the backup; :func:`start_over` says when that
was, so whoever restores knows what to check.

``swan-server restore`` does this to the copy before it takes the database's
place. ``swan-server db restored`` does it after a restore made another way
(``pg_restore``, a file copied by hand), with every server stopped.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update

from ..storage import dialect
from ..tables import events, meta, tokens


@dataclass(frozen=True, slots=True)
class StartedOver:
    epoch: str
    #: Sign-ins (tokens) ended.
    sign_ins: int
    #: The time of the newest event the database holds: when the backup's studio last changed.
    last_change: str | None

    def describe(self) -> str:
        """What whoever restored must know, a line each (for a terminal)."""
        when = (f"Its last change was made at {self.last_change}: anything done after that is not in it."
                if self.last_change else "It holds no change.")
        return "\n".join((
            when,
            "Accounts and passwords are as they were then: deactivate again anyone deactivated since, and "
            "change again any password changed since.",
            f"Every desktop signs in again ({self.sign_ins} sign-in(s) ended) and loads the schedule afresh "
            f"(new event epoch {self.epoch})."))


def start_over(target: str | Path) -> StartedOver:
    """Give the database at ``target`` (a SQLite file or a ``postgresql://`` URL, no server using it)
    a new event epoch and end every sign-in, in one transaction."""
    engine = dialect.open_engine(target)
    try:
        with engine.connect() as raw:
            db = dialect.autocommit(raw)
            epoch = secrets.token_hex(8)
            with dialect.write_transaction(db):
                db.execute(update(meta).where(meta.c.key == "epoch").values(value=epoch))
                ended = db.execute(delete(tokens)).rowcount
                last = db.execute(select(func.max(events.c.ts))).scalar()
    finally:
        engine.dispose()
    return StartedOver(epoch, int(ended or 0), last)
