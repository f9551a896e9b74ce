"""Client state stores fed by server events. Plain Python, no Qt."""
