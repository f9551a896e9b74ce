"""What the clients protocol carries, as typed values (docs/protocol.md, "Clients").

Client records, package definitions and sales, credit-ledger entries, waitlist
entries, a client's card (``client.get``) and a report (``report.run``), each
read from its wire form once, here. Money is integer cents; credits are ints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..protocol.entities import Session
from ..protocol.timefmt import parse_ts

#: Record fields a desktop may send in ``client.create``/``client.update``/``client.import``.
EDITABLE = ("name", "email", "phone", "birthday", "emergency_contact", "notes", "tags", "consent")


def money(cents: int, currency: str = "EUR") -> str:
    """``1234`` → ``"12.34 EUR"`` (money travels in integer cents)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d} {currency}"


def cents_of(text: str) -> int | None:
    """``"12.5"`` or ``"12,50"`` → ``1250``; None when it is not an amount of money."""
    cleaned = text.strip().replace(",", ".")
    whole, _, frac = cleaned.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        return None
    return int(whole) * 100 + int((frac + "00")[:2])


def _ts(value: Any) -> datetime | None:
    return parse_ts(value) if isinstance(value, str) and value else None


def _opt_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Consent:
    reminders: bool = False
    marketing: bool = False

    def to_wire(self) -> dict[str, bool]:
        return {"reminders": self.reminders, "marketing": self.marketing}


@dataclass(frozen=True)
class ClientRecord:
    id: int
    name: str
    email: str = ""
    phone: str = ""
    birthday: str | None = None
    emergency_contact: str = ""
    notes: str = ""
    tags: tuple[str, ...] = ()
    consent: Consent = Consent()
    archived: bool = False
    balance: int = 0
    created_at: datetime | None = None
    #: Erased on request (``client.erase``): the record stays, emptied, and cannot change.
    erased: bool = False

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> ClientRecord:
        consent: dict[str, Any] = d["consent"] if isinstance(d.get("consent"), dict) else {}
        return cls(int(d["id"]), str(d.get("name") or ""), str(d.get("email") or ""),
                   str(d.get("phone") or ""), d.get("birthday") or None,
                   str(d.get("emergency_contact") or ""), str(d.get("notes") or ""),
                   tuple(str(t) for t in d.get("tags") or ()),
                   Consent(bool(consent.get("reminders")), bool(consent.get("marketing"))),
                   bool(d.get("archived")), int(d.get("balance") or 0), _ts(d.get("created_at")),
                   bool(d.get("erased")))

    def editable_wire(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "phone": self.phone, "birthday": self.birthday,
                "emergency_contact": self.emergency_contact, "notes": self.notes,
                "tags": list(self.tags), "consent": self.consent.to_wire()}


@dataclass(frozen=True)
class Found:
    """One ``client.search`` hit: the record with its next and last session."""

    client: ClientRecord
    next_session: Session | None = None
    last_session: Session | None = None


@dataclass(frozen=True)
class SearchResult:
    query: str
    clients: tuple[Found, ...] = ()
    sessions: tuple[Session, ...] = ()


@dataclass(frozen=True)
class Package:
    id: int
    name: str
    credits: int
    price_cents: int
    validity_days: int
    active: bool = True

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Package:
        return cls(int(d["id"]), str(d.get("name") or ""), int(d.get("credits") or 0),
                   int(d.get("price_cents") or 0), int(d.get("validity_days") or 0),
                   bool(d.get("active", True)))


@dataclass(frozen=True)
class Sale:
    id: int
    client_id: int
    package_id: int
    credits: int
    price_paid_cents: int
    sold_at: datetime | None
    expires_at: datetime | None
    package_name: str = ""            # in client.get's packages
    #: A sale made by mistake, undone (``package.void``): when, and why.
    voided_at: datetime | None = None
    void_reason: str = ""
    #: The credits it still holds (client.get's packages; None where the server does not say).
    holds: int | None = None
    #: Its unused part given back (``package.refund``): when, the credits and money, and why.
    refunded_at: datetime | None = None
    refund_credits: int = 0
    refund_cents: int = 0
    refund_reason: str = ""

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Sale:
        holds = d.get("holds")
        return cls(int(d["id"]), int(d["client_id"]), int(d["package_id"]), int(d.get("credits") or 0),
                   int(d.get("price_paid_cents") or 0), _ts(d.get("sold_at")), _ts(d.get("expires_at")),
                   str(d.get("package_name") or ""), _ts(d.get("voided_at")), str(d.get("void_reason") or ""),
                   holds if isinstance(holds, int) and not isinstance(holds, bool) else None,
                   _ts(d.get("refunded_at")), int(d.get("refund_credits") or 0),
                   int(d.get("refund_cents") or 0), str(d.get("refund_reason") or ""))

    @property
    def closed(self) -> bool:
        """Voided or refunded: nothing more can be taken back from it."""
        return self.voided_at is not None or self.refunded_at is not None

    def spent(self) -> int | None:
        """How many of its credits are gone (spent, or lapsed), if the server said what it holds."""
        return None if self.holds is None or self.closed else self.credits - self.holds


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    client_id: int
    delta: int
    balance_after: int
    reason: str                      # sale | booking | completion | refund | adjustment | expiry
    session_id: int | None = None
    sale_id: int | None = None
    actor: str = ""
    note: str = ""
    at: datetime | None = None

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> LedgerEntry:
        actor: dict[str, Any] = d["actor"] if isinstance(d.get("actor"), dict) else {}
        return cls(int(d["id"]), int(d["client_id"]), int(d.get("delta") or 0),
                   int(d.get("balance_after") or 0), str(d.get("reason") or ""),
                   _opt_int(d.get("session_id")), _opt_int(d.get("sale_id")), str(actor.get("name") or ""),
                   str(d.get("note") or ""), _ts(d.get("at")))


@dataclass(frozen=True)
class WaitlistEntry:
    id: int
    session_id: int
    client_id: int
    position: int
    created_at: datetime | None = None

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> WaitlistEntry:
        return cls(int(d["id"]), int(d["session_id"]), int(d["client_id"]), int(d.get("position") or 0),
                   _ts(d.get("created_at")))


@dataclass(frozen=True)
class MailSettings:
    """Emails to clients (``reminder.settings``): what is sent and the studio's mail server.

    ``source`` says where the mail server's settings come from: ``studio`` (set
    here), ``server`` (the server's own ``--smtp-*``) or ``none``. The password is
    never read back: ``password_set`` says whether the mail server in use signs in
    with one, ``password_kept`` whether it is one given from a desktop (kept in the
    server machine's keyring) rather than the server's ``SWAN_SMTP_PASSWORD``."""

    hours_before: int = 24
    enabled: bool = True
    confirmations: bool = True
    cancellations: bool = True
    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    sender: str = ""
    password_set: bool = False
    source: str = "none"
    password_kept: bool = False

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> MailSettings:
        rules: dict[str, Any] = d["settings"] if isinstance(d.get("settings"), dict) else {}
        mail: dict[str, Any] = d["smtp"] if isinstance(d.get("smtp"), dict) else {}
        return cls(int(rules.get("hours_before") or 24), bool(rules.get("enabled", True)),
                   bool(rules.get("confirmations", True)), bool(rules.get("cancellations", True)),
                   str(mail.get("host") or ""), int(mail.get("port") or 587),
                   str(mail.get("security") or "starttls"), str(mail.get("user") or ""),
                   str(mail.get("from") or ""), bool(mail.get("password_set")),
                   str(mail.get("source") or "none"), bool(mail.get("password_kept")))

    def smtp_wire(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "security": self.security, "user": self.user,
                "from": self.sender}


@dataclass(frozen=True)
class SentEmail:
    """An email to the client: confirmation, reminder, cancellation or offer, and where it stands."""

    kind: str
    subject: str
    to: str
    at: datetime | None               # sent, or (not sent yet) due
    session_id: int | None = None
    status: str = "sent"              # pending | sending | sent | failed | dropped
    detail: str = ""                  # why it failed or was dropped (the mail server's answer)

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> SentEmail:
        return cls(str(d.get("kind") or ""), str(d.get("subject") or ""), str(d.get("to") or ""),
                   _ts(d.get("sent_at") or d.get("due_at")), _opt_int(d.get("session_id")),
                   str(d.get("status") or "sent"), str(d.get("detail") or ""))


@dataclass(frozen=True)
class Stats:
    attended: int = 0
    no_shows: int = 0
    late_cancellations: int = 0
    timely_cancellations: int = 0

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Stats:
        return cls(*(int(d.get(k) or 0) for k in
                     ("attended", "no_shows", "late_cancellations", "timely_cancellations")))


@dataclass(frozen=True)
class ClientCard:
    """Everything ``client.get`` tells about one client."""

    client: ClientRecord
    upcoming: tuple[Session, ...] = ()
    past: tuple[Session, ...] = ()
    stats: Stats = Stats()
    ledger: tuple[LedgerEntry, ...] = ()
    packages: tuple[Sale, ...] = ()
    messages: tuple[SentEmail, ...] = ()

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> ClientCard:
        def many(key: str, read: Any) -> tuple[Any, ...]:
            return tuple(read(x) for x in d.get(key) or () if isinstance(x, dict))

        return cls(ClientRecord.from_wire(d["client"]), many("upcoming", Session.from_wire),
                   many("past", Session.from_wire), Stats.from_wire(dict(d.get("stats") or {})),
                   many("ledger", LedgerEntry.from_wire), many("packages", Sale.from_wire),
                   many("messages", SentEmail.from_wire))


#: A report row's keys that say what the row is about (the rest are figures).
ROW_KEYS = ("period", "trainer_id", "room", "package_id", "package")
#: Totals that are no column: what the figures leave out (said under the table).
ASIDE = ("voided_sales", "voided_cents")


@dataclass(frozen=True)
class Report:
    kind: str
    by: str
    rows: tuple[dict[str, Any], ...] = ()
    totals: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Report:
        return cls(str(d.get("kind") or ""), str(d.get("by") or ""),
                   tuple(dict(r) for r in d.get("rows") or () if isinstance(r, dict)),
                   dict(d.get("totals") or {}))

    def figures(self) -> list[str]:
        """The numeric columns, in the order the server sent them."""
        names: list[str] = []
        for row in self.rows:
            for key, value in row.items():
                if key not in ROW_KEYS and key not in names \
                        and isinstance(value, int | float) and not isinstance(value, bool):
                    names.append(key)
        for key, value in self.totals.items():
            if key not in names and key not in ASIDE and isinstance(value, int | float) \
                    and not isinstance(value, bool):
                names.append(key)
        return names
