"""The Qt front end: bridge, models, views, dialogs, tray and the composition root."""
