"""Collaboration on the client: presence, edit locks, chat and the activity feed (plain Python)."""

from .activity import ActivityEntry, ActivityStore
from .chat import ChatMessage, ChatStore
from .client import CollabClient
from .locks import LockInfo, LockStore
from .presence import PresenceEntry, PresenceStore

__all__ = ["ActivityEntry", "ActivityStore", "ChatMessage", "ChatStore", "CollabClient", "LockInfo",
           "LockStore", "PresenceEntry", "PresenceStore"]
