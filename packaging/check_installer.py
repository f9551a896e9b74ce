"""Check installer.iss against a bundle: every ``Source:`` it takes exists there, and every
``[Run]``/``[Icons]``/``[UninstallRun]`` target under ``{app}`` is a file the ``[Files]`` entries
install (Inno Setup's own constants such as ``{uninstallexe}`` and ``{cmd}`` are its own).

    python packaging/check_installer.py BUNDLE_DIR [--iss installer.iss] [--exe swan-desktop.exe]

``--exe`` names the program as the bundle has it (``swan-desktop`` in a Linux bundle, where the
script's ``{#AppExe}`` is the Windows name). Prints each problem; exit status 1 when there is one.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path, PureWindowsPath

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = ("{uninstallexe}", "{cmd}", "{sys}", "{win}", "{syswow64}")


def _defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, flags=re.MULTILINE))


def _section(text: str, name: str) -> list[str]:
    match = re.search(rf"^\[{name}\]\s*$(.*?)(?=^\[|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    body = match.group(1) if match else ""
    return [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith(";")]


def _field(line: str, name: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{name}:\s*"((?:[^"]|"")*)"', line)
    return match.group(1).replace('""', '"') if match else None


def check(iss: Path, bundle: Path, exe: str | None = None) -> list[str]:
    text = iss.read_text("utf-8")
    defines = _defines(text)
    app_exe = defines.get("AppExe", "")
    problems: list[str] = []
    installed: set[str] = set()  # paths under {app}, lower case, "/"-separated

    def expand(value: str) -> str:
        for name, replacement in defines.items():
            value = value.replace("{#" + name + "}", replacement)
        return value

    for line in _section(text, "Files"):
        source, dest = _field(line, "Source"), _field(line, "DestDir")
        if source is None or dest is None:
            continue
        parts = PureWindowsPath(expand(source.replace("{#BundleDir}", "\x00"))).parts
        if parts[:1] != ("\x00",):
            problems.append(f"[Files] {source}: not taken from the bundle")
            continue
        rel = "/".join(parts[1:])
        if exe and app_exe:
            rel = rel.replace(app_exe, exe)
        matches = [p for p in bundle.glob(rel) if p.is_file() or "*" in rel]
        if not matches:
            problems.append(f"[Files] {source}: no {rel} in {bundle}")
            continue
        base = expand(dest).replace("\\", "/").lower()
        star = rel.find("*")
        root = bundle / rel[:rel.rfind("/", 0, star)] if star >= 0 else None
        for path in matches:
            files = [f for f in path.rglob("*") if f.is_file()] if path.is_dir() else [path]
            for f in files:
                inner = f.relative_to(root).as_posix() if root is not None else f.name
                if exe and f.name == exe:
                    inner = inner[: -len(exe)] + app_exe
                installed.add(f"{base}/{inner}".lower())

    for section in ("Run", "Icons", "UninstallRun"):
        for line in _section(text, section):
            target = _field(line, "Filename")
            if target is None:
                continue
            target = expand(target).replace("\\", "/")
            if target.startswith(BUILTIN):
                continue
            if not target.lower().startswith("{app}/"):
                problems.append(f"[{section}] {target}: not a file the installer puts in {{app}}")
            elif target.lower() not in installed:
                problems.append(f"[{section}] {target}: no such file among what [Files] installs")
    for name in re.findall(r"^(?:SetupIconFile)=(.+)$", text, flags=re.MULTILINE):
        if not (iss.parent / name.strip().replace("\\", "/")).is_file():
            problems.append(f"SetupIconFile {name.strip()}: missing")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--iss", type=Path, default=ROOT / "installer.iss")
    parser.add_argument("--exe", help="the program's name in this bundle (default: the script's AppExe)")
    args = parser.parse_args(argv)
    problems = check(args.iss, args.bundle, args.exe)
    for problem in problems:
        print(f"installer.iss: {problem}")
    if not problems:
        print(f"installer.iss: every file it takes is in {args.bundle}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
