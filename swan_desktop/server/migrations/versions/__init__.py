"""One Alembic revision per file, oldest first by ``down_revision``."""
