"""Delivery channels for notifications (toast, sound, desktop, tray)."""
