"""The notification center: pane, list model, toast pop-ups, analytics and the settings page."""
