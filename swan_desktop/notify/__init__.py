"""Desktop delivery of notifications: one router, four channels (toast, sound, desktop, tray), fallback."""
