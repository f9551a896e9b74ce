"""@mentions as the server reads them (``@FirstName`` or ``@username``, case-insensitive):
who can be named, which @words in a text name nobody, and the text with mentions marked."""

from __future__ import annotations

import html
import re

from ...core.directory import Directory

MENTION = re.compile(r"@([\w.\-]+)")


def people(directory: Directory, me: int | None) -> list[str]:
    """Full names of everyone one can mention (not oneself), sorted."""
    return sorted({u.name for u in directory.users.values() if u.name and u.id != me}, key=str.lower)


def handle(full_name: str) -> str:
    """What to type for a person: their first name."""
    return full_name.split()[0]


def unknown(text: str, directory: Directory) -> list[str]:
    """The @words in ``text`` that match nobody's first name."""
    firsts = {u.name.split()[0].lower() for u in directory.users.values() if u.name}
    out: list[str] = []
    for word in MENTION.findall(text):
        if word.lower() not in firsts and word not in out:
            out.append(word)
    return out


def marked_html(text: str, color: str) -> str:
    """``text`` as HTML with each @mention in bold and ``color``."""
    parts: list[str] = []
    last = 0
    for m in MENTION.finditer(text):
        parts.append(html.escape(text[last:m.start()]))
        parts.append(f'<b style="color:{color}">{html.escape(m.group(0))}</b>')
        last = m.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)
