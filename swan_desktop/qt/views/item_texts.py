"""What a grid block says, worked out once per session rather than at every refresh.

Under a stream of events the views refresh many times a second, while most of
their sessions did not change: the store hands back the very same ``Session``
object until an event replaces it, so the lines are kept by session id and
reused while the object (and the directory) is the same.
"""

from __future__ import annotations

from collections.abc import Callable

from ...core.directory import Directory
from ...protocol.entities import Session

Texts = tuple[tuple[str, ...], str]  # the block's lines and its colour
#: Emptied when it would hold more (a view shows a few thousand at most).
CACHE_SIZE = 20_000


class ItemTexts:
    def __init__(self, make: Callable[[Session, Directory], Texts]) -> None:
        self._make = make
        self._directory: Directory | None = None
        self._cache: dict[int, tuple[Session, Texts]] = {}

    def forget(self) -> None:
        """The directory changed in place (a trainer renamed, a type recoloured)."""
        self._cache.clear()

    def __call__(self, session: Session, directory: Directory) -> Texts:
        if directory is not self._directory or len(self._cache) > CACHE_SIZE:
            self._cache.clear()
            self._directory = directory
        hit = self._cache.get(session.id)
        if hit is not None and hit[0] is session:
            return hit[1]
        texts = self._make(session, directory)
        self._cache[session.id] = (session, texts)
        return texts
