"""Studio administration on the desktop: the set-up assistant, the Administration
pane (trainers, rooms, session types, staff accounts), "My hours" for trainers,
CSV import and export, and "Change my password"."""
