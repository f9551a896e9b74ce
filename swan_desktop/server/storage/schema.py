"""Every table of the server, gathered into the one metadata (the migrations' target).

Importing this module imports each feature's ``tables`` module, so
``metadata.sorted_tables`` names them all.
"""

from __future__ import annotations

from .. import tables as core_tables
from ..admin import tables as admin_tables
from ..calendar import tables as calendar_tables
from ..collab import tables as collab_tables
from ..monitor import tables as monitor_tables
from ..notifications import tables as notification_tables
from .metadata import metadata

#: Each feature's table module (its tables are all in :data:`metadata`).
FEATURES = (core_tables, collab_tables, calendar_tables, notification_tables, monitor_tables,
            admin_tables)

__all__ = ["FEATURES", "metadata"]
