"""Email delivery over SMTP (STARTTLS, SSL or plain on loopback), with retries and a digest.

Credentials come from configuration (CLI flags or environment) and are never
logged: :class:`SmtpConfig`'s ``repr`` hides the password. Sending runs in a
thread so the server's loop never waits on a mail server; a failed email is
retried with backoff and its outcome recorded per recipient, and it never
blocks or loses the notification itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

log = logging.getLogger(__name__)

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = "swan@localhost"
    timeout: float = 10.0
    #: Waits between attempts; one attempt more than there are delays.
    retry_delays: tuple[float, ...] = (2.0, 10.0, 60.0)
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise ValueError(f"security must be one of {', '.join(SECURITY)}")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpConfig | None:
        """``SWAN_SMTP_HOST`` (required), ``_PORT``, ``_SECURITY``, ``_USER``, ``_PASSWORD``, ``_FROM``."""
        env = dict(os.environ) if env is None else env
        host = env.get("SWAN_SMTP_HOST", "")
        if not host:
            return None
        return cls(host=host, port=int(env.get("SWAN_SMTP_PORT", "587")),
                   security=env.get("SWAN_SMTP_SECURITY", "starttls"),
                   username=env.get("SWAN_SMTP_USER", ""), password=env.get("SWAN_SMTP_PASSWORD", ""),
                   sender=env.get("SWAN_SMTP_FROM", "swan@localhost"))


def build_message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def send_sync(config: SmtpConfig, msg: EmailMessage) -> None:
    """Send one message (blocking; call in a thread). Raises on any failure."""
    context = config.ssl_context or ssl.create_default_context()
    client: smtplib.SMTP
    if config.security == "ssl":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        if config.security == "starttls":
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password)
        client.send_message(msg)


Sender = Callable[[SmtpConfig, EmailMessage], None]
Recorder = Callable[[str, int, str], Awaitable[None]]  # (status, attempts, detail)


async def send_with_retries(config: SmtpConfig, msg: EmailMessage, record: Recorder,
                            sender: Sender = send_sync,
                            sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> bool:
    """Try, wait, try again; record ``retrying``/``sent``/``failed`` as it goes. True when sent."""
    delays: Sequence[float] = config.retry_delays
    attempts = 0
    while True:
        attempts += 1
        try:
            await asyncio.to_thread(sender, config, msg)
        except (OSError, smtplib.SMTPException) as err:
            detail = f"{type(err).__name__}: {err}"
            if attempts > len(delays):
                log.warning("email to %s failed after %d attempts: %s", msg["To"], attempts, detail)
                await record("failed", attempts, detail)
                return False
            log.info("email to %s failed (attempt %d), retrying: %s", msg["To"], attempts, detail)
            await record("retrying", attempts, detail)
            await sleep(delays[attempts - 1])
        else:
            await record("sent", attempts, "")
            return True
