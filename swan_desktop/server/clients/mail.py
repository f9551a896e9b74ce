"""The studio's mail server for emails to clients (``reminder.settings``'s ``smtp``) and the test
email (``reminder.test``).

Host, port, security, user and sender are studio settings an admin sets from a
desktop (``smtp_*`` rows, never sent with the studio settings every role reads).
The password is never stored in the database and never sent back: an admin may give
one from a desktop, which the server keeps in its machine's keyring
(:mod:`.mail_password`); otherwise it is the server's own (``SWAN_SMTP_PASSWORD``, as
for the server's ``--smtp-*`` settings). With no host set here, emails to clients go
through the server's settings, as before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from ...domain.email_address import is_email_address
from ...protocol.errors import invalid
from ..collab.tables import studio_settings
from ..notifications import smtp
from ..storage import dialect
from ..store import Store
from .messages import SmtpFields

PREFIX = "smtp_"
FIELDS = ("host", "port", "security", "user", "from")
_SET = dialect.upsert(studio_settings, ("value",))
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]+$")


def studio_smtp(store: Store) -> dict[str, Any]:
    """The studio's mail server as set by an admin (``host`` empty: none set)."""
    query = select(studio_settings.c.key, studio_settings.c.value)
    rows = dict(store.db.execute(query.where(studio_settings.c.key.like(PREFIX + "%"))).all())
    return {
        "host": rows.get(PREFIX + "host", ""),
        "port": int(rows.get(PREFIX + "port") or 587),
        "security": rows.get(PREFIX + "security") or "starttls",
        "user": rows.get(PREFIX + "user", ""),
        "from": rows.get(PREFIX + "from", ""),
    }


def write(store: Store, fields: SmtpFields) -> None:
    host, sender = fields.host.strip(), fields.sender.strip()
    if host and not _HOST.match(host):
        raise invalid(f"{host!r} is not a host name or address", field="smtp.host")
    if sender and not is_email_address(sender):
        raise invalid(f"{sender!r} is not an email address", field="smtp.from")
    values = {"host": host, "port": str(fields.port), "security": fields.security,
              "user": fields.user.strip(), "from": sender}
    for key in FIELDS:
        store.db.execute(_SET, {"key": PREFIX + key, "value": values[key]})


def effective(studio: Mapping[str, Any], server: smtp.SmtpConfig | None, kept: str = "",
              env: Mapping[str, str] | None = None) -> smtp.SmtpConfig | None:
    """The mail server emails to clients use: the studio's when it has a host, else the server's.
    The studio's signs in with the password kept from a desktop (``kept``), else the server's."""
    if not studio.get("host"):
        return server
    env = os.environ if env is None else env
    password = kept or (server.password if server is not None else env.get("SWAN_SMTP_PASSWORD", ""))
    sender = studio.get("from") or (server.sender if server is not None else "swan@localhost")
    extra: dict[str, Any] = {}
    if server is not None:
        extra = {"timeout": server.timeout, "retry_delays": server.retry_delays,
                 "ssl_context": server.ssl_context}
    return smtp.SmtpConfig(host=studio["host"], port=int(studio["port"]), security=studio["security"],
                           username=studio.get("user", ""), password=password, sender=sender, **extra)


def wire(studio: Mapping[str, Any], server: smtp.SmtpConfig | None, kept: str = "") -> dict[str, Any]:
    """What an admin sees: the mail server in use, where its settings come from (``studio``,
    ``server`` or ``none``), whether it signs in with a password and whether that password is
    the one kept from a desktop (never the password)."""
    used = effective(studio, server, kept)
    source = "studio" if studio.get("host") else "server" if server is not None else "none"
    if used is None:
        return {**dict(studio), "password_set": False, "password_kept": bool(kept), "source": source}
    return {"host": used.host, "port": used.port, "security": used.security, "user": used.username,
            "from": used.sender, "password_set": bool(used.password), "password_kept": bool(kept),
            "source": source}


async def send_test(config: smtp.SmtpConfig | None, to: str, studio_name: str) -> dict[str, Any]:
    """One attempt, now, in a thread (the loop never waits on the mail server). The outcome is the
    reply: ``sent`` and the ``Message-ID``, or what went wrong in ``detail``."""
    to = to.strip()
    if not is_email_address(to):
        raise invalid(f"{to!r} is not an email address", field="to")
    if config is None:
        return {"sent": False, "to": to, "message_id": None,
                "detail": "no mail server is set: give the studio's SMTP host first"}
    body = (f"Hello,\n\nthis is a test email from {studio_name}: emails to clients (booking "
            f"confirmations, reminders, cancellations) reach this address through {config.host}.\n")
    msg = smtp.build_message(config.sender, to, f"{studio_name}: test email", body)
    detail = await smtp.send_now(config, msg)
    if detail:
        return {"sent": False, "to": to, "message_id": None, "detail": detail}
    return {"sent": True, "to": to, "message_id": str(msg["Message-ID"]), "detail": ""}
