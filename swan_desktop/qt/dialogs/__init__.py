"""Dialogs: the session editor and the side-by-side version-conflict resolver."""
