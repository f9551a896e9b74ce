"""Qt item models: thin adapters over lists the stores produce."""
