"""Pure studio rules: overlap detection, permissions. No I/O, no Qt."""
