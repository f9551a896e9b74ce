"""Entry point of the frozen app (PyInstaller needs a script, not a module path)."""

import sys

from swan_desktop.qt.app import main

if __name__ == "__main__":
    sys.exit(main())
