"""Client side of the wire: one connection to swan-server. No Qt."""
