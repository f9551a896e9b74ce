"""The calendar on the server: recurring series, trainer availability, the booking workflow with
credits and check-in, and per-trainer ICS feeds (see :mod:`.service`)."""

from .service import Calendar

__all__ = ["Calendar"]
