"""The system monitor pane (admins only): service grid, uptime bars, charts, figures, export."""

from .pane import MonitorPane

__all__ = ["MonitorPane"]
