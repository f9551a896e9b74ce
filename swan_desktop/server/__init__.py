"""swan-server: the real-time WebSocket server of Swan Desktop.

Layers: ``gateway`` (WebSocket + HTTP) → ``handlers`` (dispatch, roles) →
``schedule``/``auth`` (rules) → ``store`` (SQLite on one worker thread) and
``hub`` (fan-out of committed events in ``seq`` order).
"""
