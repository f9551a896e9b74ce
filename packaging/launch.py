"""Entry point of the frozen app (PyInstaller needs a script, not a module path).

The same executable runs the embedded server's process when the desktop starts it
(``--embedded-server``), before any Qt module is imported.
"""

import sys

from swan_desktop.server.embedded_process import FROZEN_FLAG

if __name__ == "__main__":
    if sys.argv[1:2] == [FROZEN_FLAG]:
        from swan_desktop.server.embedded_child import main as serve

        sys.exit(serve(sys.argv[2:]))
    from swan_desktop.qt.app import main

    sys.exit(main())
