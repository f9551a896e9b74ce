"""Reading a clients CSV for ``client.import``: which column holds which field, the
rows as records, each row's problems, and duplicates by email; and writing one
(``client.export``) that the import reads back as it was (``write``).

Columns are mapped by their header (``guess``) and the user may change any of
them. A row with a problem is never sent: the import is all or nothing, so the
preview must be clean first. An email seen twice in the file, or already held
by a client this desktop knows, is flagged as a duplicate; the server, which
knows every client, has the last word (its refused rows come back as
``Invalid.rows`` and are shown on the same preview).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.email_address import is_email_address
from .client_records import ClientRecord

IGNORE = ""
#: Target field → what the mapping combo says.
FIELDS: dict[str, str] = {
    IGNORE: "— not imported —", "name": "Name", "first_name": "First name", "last_name": "Last name",
    "email": "Email", "phone": "Phone", "birthday": "Birthday (YYYY-MM-DD)",
    "emergency_contact": "Emergency contact", "notes": "Notes", "tags": "Tags (comma separated)",
    "consent_reminders": "Consents to reminders", "consent_marketing": "Consents to marketing",
}
ALIASES = {"name": ("name", "full name", "client", "client name"), "first_name": ("first name", "firstname",
           "given name"), "last_name": ("last name", "lastname", "surname", "family name"),
           "email": ("email", "e-mail", "mail", "email address"), "phone": ("phone", "mobile", "telephone",
           "phone number", "tel"), "birthday": ("birthday", "born", "birth date", "date of birth", "dob"),
           "emergency_contact": ("emergency contact", "emergency"), "notes": ("notes", "note", "comments"),
           "tags": ("tags", "labels", "groups"), "consent_reminders": ("reminders", "consent reminders"),
           "consent_marketing": ("marketing", "newsletter", "consent marketing")}
YES = {"yes", "y", "true", "1", "x", "ja", "oui"}


@dataclass
class Row:
    line: int                                  # 1-based line in the file (the header is line 1)
    record: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    duplicate: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def read(text: str) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows (blank lines left out); the delimiter is sniffed."""
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [r for r in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in r)]
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], rows[1:]


def guess(headers: Sequence[str]) -> list[str]:
    """A target field per column, from its header (``IGNORE`` when it says nothing we know)."""
    taken: set[str] = set()
    mapping = []
    for header in headers:
        key = header.strip().lower().replace("_", " ")
        target = next((f for f, names in ALIASES.items() if key in names and f not in taken), IGNORE)
        taken.add(target)
        mapping.append(target)
    return mapping


def build(data: Sequence[Sequence[str]], mapping: Sequence[str],
          known_emails: Iterable[str] = ()) -> list[Row]:
    known = {e.lower() for e in known_emails if e}
    seen: dict[str, int] = {}
    rows = []
    for i, cells in enumerate(data):
        row = _row(i + 2, cells, mapping)
        email = str(row.record.get("email") or "").lower()
        if email:
            if email in known:
                row.duplicate = True
                row.problems.append("a client with this email exists already")
            elif email in seen:
                row.duplicate = True
                row.problems.append(f"same email as line {seen[email]}")
            else:
                seen[email] = row.line
        rows.append(row)
    return rows


def _row(line: int, cells: Sequence[str], mapping: Sequence[str]) -> Row:
    values: dict[str, str] = {}
    for target, cell in zip(mapping, cells, strict=False):
        if target and cell.strip():
            values[target] = _as_typed(cell.strip())
    record: dict[str, Any] = {}
    problems = []
    name = values.get("name") or " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)
    if not name:
        problems.append("no name")
    record["name"] = name
    for key in ("email", "phone", "emergency_contact", "notes"):
        if key in values:
            record[key] = values[key]
    if "email" in values and not is_email_address(values["email"]):
        problems.append(f"“{values['email']}” is not an email address")
    if "birthday" in values:
        try:
            record["birthday"] = date.fromisoformat(values["birthday"]).isoformat()
        except ValueError:
            problems.append(f"birthday “{values['birthday']}” is not YYYY-MM-DD")
    if "tags" in values:
        record["tags"] = [t.strip() for t in re.split(r"[,;|]", values["tags"]) if t.strip()]
    if "consent_reminders" in values or "consent_marketing" in values:
        record["consent"] = {"reminders": values.get("consent_reminders", "").lower() in YES,
                             "marketing": values.get("consent_marketing", "").lower() in YES}
    return Row(line, record, problems)


#: What ``write`` puts in each column: headers the import's ``guess`` maps back to their field,
#: then three it leaves out (a balance comes from the ledger, not from a file).
EXPORT_HEADERS = ("Name", "Email", "Phone", "Birthday", "Emergency contact", "Notes", "Tags", "Reminders",
                  "Marketing", "Balance", "Archived", "Added")


def write(records: Iterable[ClientRecord]) -> str:
    """The clients as CSV text (a header, then a row each)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")  # the platform's own line ends when written as text
    writer.writerow(EXPORT_HEADERS)
    for r in records:
        writer.writerow([_inert(cell) for cell in (
            r.name, r.email, r.phone, r.birthday or "", r.emergency_contact, r.notes, ", ".join(r.tags))]
            + [_yes(r.consent.reminders), _yes(r.consent.marketing), r.balance, _yes(r.archived),
               r.created_at.date().isoformat() if r.created_at else ""])
    return out.getvalue()


#: What a spreadsheet takes a cell starting with for a formula (``=HYPERLINK(…)`` in a note
#: anyone may type would run on the admin's computer that opens the export).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: str) -> str:
    """``cell`` with a leading ``'`` when a spreadsheet would read it as a formula (read back
    without it by the import)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _as_typed(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def _yes(value: bool) -> str:
    return "yes" if value else "no"
