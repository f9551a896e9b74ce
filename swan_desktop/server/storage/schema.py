"""Every table of the server, gathered into the one metadata (the migrations' target).

Importing this module imports each feature's ``tables`` module, so
``metadata.sorted_tables`` names them all.
"""

from __future__ import annotations

from .. import tables as core_tables
from ..admin import tables as admin_tables
from ..calendar import tables as calendar_tables
from ..clients import tables as clients_tables
from ..collab import tables as collab_tables
from ..group import tables as group_tables
from ..monitor import tables as monitor_tables
from ..notifications import tables as notification_tables
from . import dialect
from .metadata import metadata

#: The search indexes (revision 0004_clients) over sessions' client name and notes, and over clients'
#: ``search_text``: the dialect's own tables, not the metadata's.
SEARCH_INDEX = "sessions_search"
CLIENT_INDEX = "clients_search"

#: Each feature's table module (its tables are all in :data:`metadata`).
FEATURES = (core_tables, collab_tables, calendar_tables, notification_tables, monitor_tables,
            admin_tables, clients_tables, group_tables)



def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's comparisons: leave out the tables behind the dialect's full-text index, and
    on PostgreSQL the indexes of its words (revision 0010)."""
    own = (*dialect.text_index_tables(SEARCH_INDEX), *dialect.text_index_tables(CLIENT_INDEX))
    words = (f"{SEARCH_INDEX}_words", f"{CLIENT_INDEX}_words")
    return not ((type_ == "table" and name in own) or (type_ == "index" and name in words))


__all__ = ["CLIENT_INDEX", "FEATURES", "SEARCH_INDEX", "include_name", "metadata"]
