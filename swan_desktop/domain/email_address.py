"""What counts as an email address, the same on the desktop and the server: one ``@`` with
something on each side, a dot in the domain, and no spaces. Deliberately loose (the mail server
is the judge of the rest); strict enough to catch a typo or a name typed into the wrong field."""

from __future__ import annotations

import re

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_email_address(text: str) -> bool:
    return _ADDRESS.match(text) is not None
