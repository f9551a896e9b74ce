"""The Clients pane: search, the client card, packages and credits, group bookings,
reports and the clients CSV import (CLIENTS protocol)."""
