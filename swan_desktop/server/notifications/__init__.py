"""The notification service: persistent notices with per-recipient state, triggers, email."""

from .service import NotificationService
from .smtp import SmtpConfig

__all__ = ["NotificationService", "SmtpConfig"]
