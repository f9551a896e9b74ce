"""Collaboration on the desktop: avatars, outlines, chat, the activity feed and edit locks."""
