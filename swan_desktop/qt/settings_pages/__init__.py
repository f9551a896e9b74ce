"""The settings dialog's own pages (connection, appearance, start-up)."""
