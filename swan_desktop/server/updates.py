"""What the server says about desktop updates when a desktop signs in.

``serve --min-desktop-version`` is the oldest Swan Desktop this server works
with: an older one is refused at ``authenticate`` with ``forbidden`` (reason
``update_required``), in words, never silently. ``--latest-desktop-version``
and ``--installer-url`` say what to install; an older desktop gets
``"update": {"required": false, "latest", "url"}`` in the reply. A client that
does not say its version (another program, or a desktop older than this
field) is neither refused nor told.

Whatever the minimum given, a desktop older than :data:`READS_PAGES` is refused
too: it reads only the first page of a paged reply (``schedule.query``,
``directory.clients``), so at a busy studio it would show part of a month, or
of the clients, without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..protocol.errors import ErrorCode, ProtocolError
from ..protocol.messages import ClientInfo
from ..protocol.versions import version_key

DESKTOP = "swan-desktop"
UPDATE_REQUIRED = "update_required"
#: The first Swan Desktop that reads every page of a paged reply.
READS_PAGES = "0.2.0"


@dataclass(frozen=True)
class DesktopUpdates:
    minimum: str | None = None
    latest: str | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        for value in (self.minimum, self.latest):
            if value is not None:
                version_key(value)  # raises ValueError in words
        if self.minimum and self.latest and version_key(self.latest) < version_key(self.minimum):
            raise ValueError("the latest desktop version cannot be older than the minimum")

    def check(self, client: ClientInfo | None) -> dict[str, Any] | None:
        """The reply's ``update`` for this client, or None; raises for a desktop that must update."""
        if client is None or client.app != DESKTOP:
            return None
        try:
            mine = version_key(client.version)
        except ValueError:
            return None
        minimum = max(self.minimum or READS_PAGES, READS_PAGES, key=version_key)
        if mine < version_key(minimum):
            newest = max(self.latest or minimum, minimum, key=version_key)
            update = {"required": True, "minimum": minimum, "latest": newest, "url": self.url}
            where = f" from {self.url}" if self.url else ""
            raise ProtocolError(
                ErrorCode.FORBIDDEN,
                f"Update required: this Swan Desktop ({client.version}) is older than this studio's "
                f"server works with ({minimum} or newer). Install Swan Desktop {newest}{where}.",
                {"reason": UPDATE_REQUIRED, "update": update})
        if self.latest and mine < version_key(self.latest):
            return {"required": False, "latest": self.latest, "url": self.url}
        return None
