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
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from ...protocol.timefmt import now_utc

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
    """A message as RFC 5322 wants it: ``Date`` and a unique ``Message-ID`` (in the sender's
    domain), CRLF line ends; a body that is not ASCII goes as 8-bit UTF-8 (see :func:`send_sync`)."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now_utc())
    domain = sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid("swan", domain=domain.strip("<> ") or "localhost")
    msg.set_content(body)
    return msg


def _eight_bit(msg: EmailMessage) -> bool:
    return any(str(part.get("Content-Transfer-Encoding", "")).lower() == "8bit" for part in msg.walk())


def _seven_bit(msg: EmailMessage) -> EmailMessage:
    """The single-part text message :func:`build_message` makes, as quoted-printable, for a server
    that does not offer 8BITMIME."""
    copy = EmailMessage(policy=policy.SMTP)
    for name, value in msg.items():
        if name.lower() not in ("content-type", "content-transfer-encoding", "mime-version"):
            copy[name] = value
    text = msg.get_content()
    copy.set_content(text, subtype=msg.get_content_subtype(), cte="quoted-printable")
    return copy


def send_sync(config: SmtpConfig, msg: EmailMessage) -> None:
    """Send one message (blocking; call in a thread). Raises on any failure."""
    if config.username and not config.password:  # no provider takes a sign-in without one
        raise ValueError(f"the mail server's user name is {config.username!r} but no password is set")
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
        client.ehlo_or_helo_if_needed()
        if not _eight_bit(msg):
            client.send_message(msg)
        elif client.has_extn("8bitmime"):
            client.send_message(msg, mail_options=["BODY=8BITMIME"])
        else:
            client.send_message(_seven_bit(msg))


#: How long a request waits for :func:`send_now`. A connection answers its requests one at a
#: time, so a slow mail server must not keep that desktop's heartbeat waiting past its 10 s.
SEND_NOW_S = 8.0


async def send_now(config: SmtpConfig, msg: EmailMessage, within: float | None = None) -> str:
    """One attempt, now, in a thread (the loop never waits on the mail server): ``""`` when
    sent, else what went wrong (the mail server's words). After ``within`` seconds
    (:data:`SEND_NOW_S`) the answer is that it is still on its way (the attempt goes on in its
    thread)."""
    within = SEND_NOW_S if within is None else within
    attempt = asyncio.ensure_future(asyncio.to_thread(send_sync, config, msg))
    done, _ = await asyncio.wait({attempt}, timeout=within)
    if not done:
        attempt.add_done_callback(_late)
        return (f"the mail server had not answered after {within:g} s; the email may still arrive "
                "in a while")
    try:
        attempt.result()
    except (OSError, smtplib.SMTPException, ValueError) as exc:  # the mail server's failure is the answer
        text = in_words(exc)
        return text if len(text) <= 300 else text[:300] + "…"
    return ""


def _late(attempt: asyncio.Future[None]) -> None:
    """How a send that outlasted its request ended (logged: nobody waits for it any more)."""
    if attempt.cancelled():
        return
    error = attempt.exception()
    if error is None:
        log.info("an email the request stopped waiting for was sent after all")
    else:
        log.warning("an email the request stopped waiting for failed: %s", error)


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}".strip()


def in_words(err: BaseException) -> str:
    """What went wrong, said so that the office can act on it (the mail server's own answer kept,
    and the error's name last, for whoever looks further)."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(_said(code, text) for code, text in err.recipients.values())
        verdict = "refused the address" if permanent(err) else "asked to try the address later"
        words = f"the mail server {verdict}: {answers}"
    elif isinstance(err, smtplib.SMTPAuthenticationError):
        words = f"the mail server refused the user name or password: {_said(err.smtp_code, err.smtp_error)}"
    elif isinstance(err, smtplib.SMTPSenderRefused):
        words = f"the mail server refused the sender address: {_said(err.smtp_code, err.smtp_error)}"
    elif isinstance(err, smtplib.SMTPResponseException):
        words = f"the mail server answered {_said(err.smtp_code, err.smtp_error)}"
    elif isinstance(err, smtplib.SMTPServerDisconnected):
        words = "the mail server closed the connection"
    elif isinstance(err, TimeoutError):
        words = "the mail server did not answer in time"
    elif isinstance(err, ssl.SSLError):
        words = f"the secure connection to the mail server failed: {err.reason or err}"
    elif isinstance(err, OSError):
        words = f"could not reach the mail server: {err.strerror or err}"
    else:
        words = str(err)
    return f"{words} ({type(err).__name__})"


def permanent(err: BaseException) -> bool:
    """Whether trying again could not help: the settings are wrong (``ValueError``), or the mail
    server refused for good (a 5xx answer; 4xx ones are "try later")."""
    if isinstance(err, ValueError):
        return True
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return all(int(code) >= 500 for code, _ in err.recipients.values())
    return isinstance(err, smtplib.SMTPResponseException) and int(err.smtp_code) >= 500


Sender = Callable[[SmtpConfig, EmailMessage], None]
Recorder = Callable[[str, int, str], Awaitable[None]]  # (status, attempts, detail)


async def send_with_retries(config: SmtpConfig, msg: EmailMessage, record: Recorder,
                            sender: Sender = send_sync,
                            sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> bool:
    """Try, wait, try again (not after a :func:`permanent` failure); record ``retrying``/``sent``/
    ``failed`` as it goes. True when sent."""
    delays: Sequence[float] = config.retry_delays
    attempts = 0
    while True:
        attempts += 1
        try:
            await asyncio.to_thread(sender, config, msg)
        except (OSError, smtplib.SMTPException, ValueError) as err:
            detail = in_words(err)
            # the log names the email, not the person: a client's address (which the mail server's
            # answer may quote) stays in the database, where erasing the client reaches it
            logged = detail.replace(str(msg["To"]), "<recipient>") if msg["To"] else detail
            if attempts > len(delays) or permanent(err):
                log.warning("email %s failed after %d attempts: %s", msg["Message-ID"], attempts, logged)
                await record("failed", attempts, detail)
                return False
            log.info("email %s failed (attempt %d), retrying: %s", msg["Message-ID"], attempts, logged)
            await record("retrying", attempts, detail)
            await sleep(delays[attempts - 1])
        else:
            await record("sent", attempts, "")
            return True
