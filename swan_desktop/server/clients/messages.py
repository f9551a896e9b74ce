"""The clients feature's request payloads (see /docs/protocol.md, Clients)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from ...protocol.messages import Id, Message, Name, Text

Tag = Annotated[str, Meta(max_length=50)]
Tags = Annotated[list[Tag], Meta(max_length=30)]
DateText = Annotated[str, Meta(max_length=10)]
Query = Annotated[str, Meta(max_length=200)]
Cents = Annotated[int, Meta(ge=0, le=10**9)]
MAX_IMPORT = 5000


class Consent(Message):
    reminders: bool = False
    marketing: bool = False


class ClientFields(Message):
    """A client record's fields as ``client.create`` takes them (and ``client.import`` rows)."""

    name: Name
    email: Name = ""
    phone: Name = ""
    birthday: DateText | None = None
    emergency_contact: Name = ""
    notes: Text = ""
    tags: Tags = msgspec.field(default_factory=list)
    consent: Consent = msgspec.field(default_factory=Consent)
    archived: bool = False


class ClientChanges(Message):
    name: Name | UnsetType = UNSET
    email: Name | UnsetType = UNSET
    phone: Name | UnsetType = UNSET
    birthday: DateText | UnsetType | None = UNSET
    emergency_contact: Name | UnsetType = UNSET
    notes: Text | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    consent: Consent | UnsetType = UNSET
    archived: bool | UnsetType = UNSET


class ClientUpdate(Message):
    id: Id
    changes: ClientChanges


class ClientErase(Message):
    """Erase an archived client's personal data (:mod:`.erasure`); ``name`` is the client's name as
    it is, typed by the admin, so a wrong id erases nobody."""

    id: Id
    name: Name


class ClientImport(Message):
    clients: Annotated[list[dict[str, Any]], Meta(max_length=MAX_IMPORT)]
    on_duplicate_email: Literal["skip", "refuse"] = "refuse"


class ClientSearch(Message):
    q: Query
    limit: Annotated[int, Meta(ge=1, le=100)] = 20
    include_archived: bool = False


class ClientGet(Message):
    id: Id


class ClientExport(Message):
    """A page of every client record, in id order, archived ones too (``client.export``)."""

    after_id: Annotated[int, Meta(ge=0)] = 0
    limit: Annotated[int, Meta(ge=1, le=1000)] = 500


# -- packages and credits ------------------------------------------------------------------
class PackageCreate(Message):
    name: Name
    credits: Annotated[int, Meta(ge=1, le=1000)]
    price_cents: Cents = 0
    validity_days: Annotated[int, Meta(ge=0, le=3650)] = 0
    active: bool = True


class PackageChanges(Message):
    name: Name | UnsetType = UNSET
    credits: Annotated[int, Meta(ge=1, le=1000)] | UnsetType = UNSET
    price_cents: Cents | UnsetType = UNSET
    validity_days: Annotated[int, Meta(ge=0, le=3650)] | UnsetType = UNSET
    active: bool | UnsetType = UNSET


class PackageUpdate(Message):
    id: Id
    changes: PackageChanges


class PackageSell(Message):
    client_id: Id
    package_id: Id
    price_paid_cents: Cents | None = None
    sold_at: Name | None = None


class PackageVoid(Message):
    """A sale made by mistake undone: its credits taken back, left out of the reports."""

    sale_id: Id
    reason: Text


class PackageRefund(Message):
    """The unused part of a sale given back: the credits it still holds, and ``refund_cents``."""

    sale_id: Id
    refund_cents: Cents
    reason: Text


class CreditsAdjust(Message):
    client_id: Id
    delta: Annotated[int, Meta(ge=-10000, le=10000)]
    reason: Text


class CreditsLedger(Message):
    client_id: Id
    before: Id | None = None
    limit: Annotated[int, Meta(ge=1, le=200)] = 50


# -- group sessions and waitlists ----------------------------------------------------------
class WaitlistJoin(Message):
    session_id: Id
    client_id: Id


class WaitlistLeave(Message):
    id: Id


class WaitlistGet(Message):
    session_id: Id


class BookingAdd(Message):
    session_id: Id
    client_id: Id


class BookingRemove(Message):
    session_id: Id
    client_id: Id
    reason: Text = ""


# -- reports and reminders -----------------------------------------------------------------
class ReportRun(Message):
    kind: Literal["utilisation", "attendance", "cancellations", "credits", "revenue"]
    start: DateText
    end: DateText
    by: Literal["week", "month"] = "month"
    trainer_id: Id | None = None


class SmtpFields(Message):
    """The studio's mail server for emails to clients (``host`` empty: the server's own settings).
    Its password is given apart (:class:`MailPassword`), never with these settings."""

    host: Annotated[str, Meta(max_length=253)] = ""
    port: Annotated[int, Meta(ge=1, le=65535)] = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: Name = ""
    sender: Name = msgspec.field(default="", name="from")


class ReminderSettings(Message):
    hours_before: Annotated[int, Meta(ge=1, le=168)] | UnsetType = UNSET
    confirmations: bool | UnsetType = UNSET
    cancellations: bool | UnsetType = UNSET
    #: Reminders before sessions on or off.
    enabled: bool | UnsetType = UNSET
    smtp: SmtpFields | UnsetType = UNSET


class MailPassword(Message):
    """The password the studio's mail server signs in with, kept in the server machine's keyring
    (:mod:`.mail_password`); "" forgets it. Write-only: no reply or event carries it."""

    password: Annotated[str, Meta(max_length=1024)]


class ReminderTest(Message):
    """Send a test email now to ``to`` through the mail server emails to clients use."""

    to: Name
