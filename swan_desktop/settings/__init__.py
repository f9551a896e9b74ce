"""Typed settings, the paths the app uses, and secrets kept in the OS keyring."""
