"""The server measuring itself: service health, figures, a rolling history, /metrics extras.

- :mod:`.services` — the :class:`ServiceHealth` registry every service reports through;
- :mod:`.probes` — the gateway's and the database's own probes;
- :mod:`.sampler` — one :class:`~.sampler.Sample` of every figure every few seconds;
- :mod:`.history` — the history on disk, downsampled, surviving restarts;
- :mod:`.exposition` — extra Prometheus families on the server's registry;
- :mod:`.monitor` — :class:`Monitor`, which ties them together and answers ``monitor.*``.
"""

from .monitor import Monitor
from .services import Health, ServiceHealth, ServiceReport, ServiceState

__all__ = ["Health", "Monitor", "ServiceHealth", "ServiceReport", "ServiceState"]
