"""Print the version from pyproject.toml (the installer takes it as /DAppVersion=…)."""

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def version() -> str:
    return str(tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["version"])


if __name__ == "__main__":
    print(version())
