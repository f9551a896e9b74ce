"""Collaboration on the server: presence, edit locks, conflict strategies, chat, activity, admin."""

from .service import CollabConfig, Collaboration

__all__ = ["CollabConfig", "Collaboration"]
