"""The client card: contact details (editable), tags, consent and notes; upcoming and
past sessions; attendance, no-shows and cancellations; balance and ledger;
packages; emails sent. Its buttons ask the pane to book, sell or adjust."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.client_records import ClientCard, ClientRecord, Consent, LedgerEntry, Sale, money
from ...core.directory import Directory
from ...protocol.entities import Session
from ..session_text import client_label, local, short_date, time_range
from ..style import status_label

REASONS = {"opening": "Opening balance", "sale": "Package sold", "booking": "Booked",
           "completion": "Completed", "refund": "Refund", "adjustment": "Adjustment", "expiry": "Expired",
           "void": "Sale voided", "returned": "Refunded"}
ERROR_STYLE = "color: #b3261e;"


def error_label() -> QLabel:
    """Where a page or dialog of the Clients tab says what the server refused: red, wrapped,
    hidden until there is something to say."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label
VOID_TIP = ("Undo a sale made by mistake: its credits are taken back and it leaves the reports. "
            "Only while none of its credits were spent.")
#: ``client.get`` sends at most this many ledger entries; older ones come from ``credits.ledger``.
LEDGER_PAGE = 200


def _table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], empty: str) -> None:
    table.setRowCount(0)
    if not rows:
        table.setRowCount(1)
        item = QTableWidgetItem(empty)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        table.setItem(0, 0, item)
        table.setSpan(0, 0, 1, table.columnCount())
        return
    table.clearSpans()
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class ClientCardView(QWidget):
    #: ``(client_id, changes)``: the details were edited and Save pressed.
    saveRequested = Signal(int, dict)
    bookRequested = Signal(int)
    sellRequested = Signal(int)
    adjustRequested = Signal(int)
    #: ``(client_id, before_entry_id)``: the ledger's older entries are wanted.
    olderRequested = Signal(int, int)
    #: ``(client_id, archived)``
    archiveRequested = Signal(int, bool)
    #: ``client_id``: erase the (archived) client's personal data, once confirmed.
    eraseRequested = Signal(int)
    #: The sale (a :class:`Sale`) chosen on the Packages tab is to be voided (admins).
    voidRequested = Signal(object)
    #: The sale chosen on the Packages tab is to be refunded, its unused part (admins).
    refundRequested = Signal(object)

    def __init__(self, zone: tzinfo, *, can_adjust: bool = False, can_edit: bool = True,
                 currency: str = "EUR", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Client card")
        self.zone = zone
        self.currency = currency
        self.directory = Directory()
        self.card: ClientCard | None = None
        #: Package names by id (the pane keeps it current).
        self.package_names: dict[int, str] = {}
        self.title = QLabel("No client chosen")
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.balance = QLabel()
        self.balance.setStyleSheet("font-size: 12pt;")
        self.balance.setAccessibleName("Balance")
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.phone = QLineEdit()
        self.birthday = QLineEdit()
        self.birthday.setPlaceholderText("YYYY-MM-DD")
        self.emergency = QLineEdit()
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("comma separated, e.g. morning, rehab")
        self.reminders = QCheckBox("Reminders and confirmations by email")
        self.marketing = QCheckBox("News and offers")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(64)
        self.error = error_label()
        self.fields = {"name": self.name, "email": self.email, "phone": self.phone,
                       "birthday": self.birthday, "emergency_contact": self.emergency, "tags": self.tags}
        form = QFormLayout()
        for label, widget in (("Name", self.name), ("Email", self.email), ("Phone", self.phone),
                              ("Birthday", self.birthday), ("Emergency contact", self.emergency),
                              ("Tags", self.tags)):
            form.addRow(label, widget)
        consent = QVBoxLayout()
        consent.addWidget(self.reminders)
        consent.addWidget(self.marketing)
        form.addRow("Consent", consent)
        form.addRow("Notes", self.notes)
        self.save_button = QPushButton("Save details")
        self.save_button.clicked.connect(self._save)
        self.book_button = QPushButton("Book for this client…")
        self.sell_button = QPushButton("Sell a package…")
        self.adjust_button = QPushButton("Adjust credits…")
        self.adjust_button.setVisible(can_adjust)
        self.archive_button = QPushButton("Archive client")
        self.archive_button.setToolTip("Archived clients are left out of searches and pickers; "
                                       "their history stays")
        self.archive_button.clicked.connect(self._archive)
        self.erase_button = QPushButton("Erase personal data…")
        self.erase_button.setToolTip("On the client's request: their details are removed wherever the "
                                     "studio's server keeps them; sessions and credits stay, unnamed. "
                                     "Archive the client first.")
        self.erase_button.setVisible(can_adjust)  # admins
        self.erase_button.clicked.connect(lambda: self._ask(self.eraseRequested))
        self.book_button.clicked.connect(lambda: self._ask(self.bookRequested))
        self.sell_button.clicked.connect(lambda: self._ask(self.sellRequested))
        self.adjust_button.clicked.connect(lambda: self._ask(self.adjustRequested))
        editable: tuple[QWidget, ...] = (*self.fields.values(), self.reminders, self.marketing, self.notes,
                                         self.save_button, self.book_button, self.sell_button,
                                         self.archive_button)
        self.can_edit = can_edit
        self._editable = editable
        for part in editable:
            part.setEnabled(can_edit)

        self.upcoming = _table(("When", "Trainer", "Type", "Status"))
        self.past = _table(("When", "Trainer", "Type", "Status", "Attendance"))
        self.ledger = _table(("When", "Change", "Balance", "What", "By", "Note"))
        self.packages = _table(("Sold", "Package", "Credits", "Left", "Paid", "Expires",
                                "Voided or refunded"))
        self.void_button = QPushButton("Void sale…")
        self.void_button.setToolTip(VOID_TIP)
        self.refund_button = QPushButton("Refund…")
        self.refund_button.setToolTip("Give back the unused part: the credits left are taken back, and the "
                                      "amount given back counts against revenue today.")
        for button in (self.void_button, self.refund_button):
            button.setVisible(can_adjust)  # admins
            button.setEnabled(False)
        self.void_button.clicked.connect(self._void)
        self.refund_button.clicked.connect(self._refund)
        self.packages.itemSelectionChanged.connect(self._sale_picked)
        self.sales: list[Sale] = []
        self.emails = _table(("When", "Kind", "Status", "Subject", "To", "Why"))
        self.older_button = QPushButton("Show older entries")
        self.older_button.clicked.connect(self._older)
        credits = QWidget()
        credits_layout = QVBoxLayout(credits)
        credits_layout.setContentsMargins(0, 0, 0, 0)
        credits_layout.addWidget(self.ledger, 1)
        credits_layout.addWidget(self.older_button)
        sold = QWidget()
        sold_layout = QVBoxLayout(sold)
        sold_layout.setContentsMargins(0, 0, 0, 0)
        sold_layout.addWidget(self.packages, 1)
        void_row = QHBoxLayout()
        void_row.addStretch(1)
        void_row.addWidget(self.refund_button)
        void_row.addWidget(self.void_button)
        sold_layout.addLayout(void_row)
        self.tabs = QTabWidget()
        for page, title in ((self.upcoming, "Upcoming"), (self.past, "Past"), (credits, "Credits"),
                            (sold, "Packages"), (self.emails, "Emails sent")):
            self.tabs.addTab(page, title)
        self.entries: list[LedgerEntry] = []

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.balance)
        actions = QHBoxLayout()
        actions.addWidget(self.book_button)
        actions.addWidget(self.sell_button)
        actions.addWidget(self.adjust_button)
        actions.addStretch(1)
        actions.addWidget(self.erase_button)
        actions.addWidget(self.archive_button)
        actions.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(head)
        layout.addWidget(self.stats)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        self.show_card(None)

    @property
    def client_id(self) -> int | None:
        return self.card.client.id if self.card is not None else None

    def _ask(self, signal: Any) -> None:
        if self.card is not None:
            signal.emit(self.card.client.id)

    # -- showing ---------------------------------------------------------------------------
    def show_card(self, card: ClientCard | None, directory: Directory | None = None) -> None:
        keep = card is not None and self.editing(card.client.id)
        self.card = card
        if directory is not None:
            self.directory = directory
        if not keep:    # a refusal of details still being typed stays while the card reloads behind it
            self.error.hide()
        for widget in (self.book_button, self.sell_button, self.adjust_button, self.save_button):
            widget.setProperty("hasClient", card is not None)
        if card is None:
            self.title.setText("No client chosen")
            self.balance.setText("")
            self.stats.setText("Search above and pick a client to see their card.")
            for table in (self.upcoming, self.past, self.ledger, self.packages, self.emails):
                _fill(table, (), "")
            self.sales = []
            self._sale_picked()
            self.older_button.hide()
            return
        self.show_record(card.client, keep_details=keep)
        s = card.stats
        self.stats.setText(f"Attended {s.attended} · no-shows {s.no_shows} · cancellations "
                           f"{s.timely_cancellations} in time, {s.late_cancellations} late")
        _fill(self.upcoming, [self._session_row(x) for x in card.upcoming], "Nothing booked.")
        _fill(self.past, [(*self._session_row(x), _attendance(x.attendance)) for x in card.past],
              "No past sessions.")
        self.entries = list(card.ledger)
        self.show_ledger(more=len(card.ledger) >= LEDGER_PAGE)
        self.sales = list(card.packages)
        _fill(self.packages, [(self._when(p.sold_at), self.sale_name(p), str(p.credits),
                               "" if p.holds is None else str(p.holds),
                               money(p.price_paid_cents, self.currency), self._when(p.expires_at),
                               self._undone(p)) for p in self.sales], "No packages sold.")
        self._sale_picked()
        _fill(self.emails, [(self._when(m.at), m.kind.capitalize(), m.status, m.subject, m.to,
                             m.detail if m.status in ("failed", "dropped") else "")
                            for m in card.messages], "No emails sent.")

    def show_ledger(self, more: bool) -> None:
        _fill(self.ledger, [(self._when(e.at), f"{e.delta:+d}", str(e.balance_after),
                             REASONS.get(e.reason, e.reason), e.actor or "—", e.note) for e in self.entries],
              "No credits yet.")
        self.older_button.setVisible(more)

    def add_older(self, entries: Sequence[LedgerEntry], more: bool) -> None:
        known = {e.id for e in self.entries}
        self.entries.extend(e for e in entries if e.id not in known)
        self.show_ledger(more)

    def _older(self) -> None:
        if self.card is not None and self.entries:
            self.olderRequested.emit(self.card.client.id, self.entries[-1].id)

    def editing(self, client_id: int) -> bool:
        """Details of this client typed here and not saved yet (an update must not wipe them)."""
        return self.card is not None and self.card.client.id == client_id and bool(self.changes())

    def show_record(self, record: ClientRecord, keep_details: bool | None = None) -> None:
        """The details and balance (an event or a sale changed them); details being typed stay."""
        keep = self.editing(record.id) if keep_details is None else keep_details
        if self.card is not None and self.card.client.id == record.id:
            self.card = replace(self.card, client=record)
        self.title.setText(record.name + (" (archived)" if record.archived else ""))
        self.archive_button.setText("Restore client" if record.archived else "Archive client")
        self.erase_button.setEnabled(record.archived and not record.erased)
        for part in self._editable:  # an erased record stays as it is
            part.setEnabled(self.can_edit and not record.erased)
        self.balance.setText(f"{record.balance} credit" + ("" if record.balance == 1 else "s"))
        if not keep:
            self._fill_details(record)

    def _fill_details(self, record: ClientRecord) -> None:
        self.name.setText(record.name)
        self.email.setText(record.email)
        self.phone.setText(record.phone)
        self.birthday.setText(record.birthday or "")
        self.emergency.setText(record.emergency_contact)
        self.tags.setText(", ".join(record.tags))
        self.reminders.setChecked(record.consent.reminders)
        self.marketing.setChecked(record.consent.marketing)
        self.notes.setPlainText(record.notes)

    def show_error(self, text: str, field: str | None = None) -> None:
        self.error.setText(text)
        self.error.show()
        widget = self.fields.get(field or "")
        if widget is not None:
            widget.setFocus()

    def _session_row(self, s: Session) -> tuple[str, str, str, str]:
        start = local(s.start, self.zone)
        return (f"{short_date(start.date())} {start.year}, {time_range(s, self.zone)}",
                self.directory.trainer_name(s.trainer_id), self.directory.type_name(s.session_type_id) or
                client_label(s, self.directory), status_label(s.status))

    def _when(self, moment: Any) -> str:
        if moment is None:
            return "—"
        at = local(moment, self.zone)
        return f"{short_date(at.date())} {at.year}"

    def _package_name(self, package_id: int) -> str:
        return self.package_names.get(package_id, f"Package {package_id}")

    def sale_name(self, sale: Sale) -> str:
        return sale.package_name or self._package_name(sale.package_id)

    def chosen_sale(self) -> Sale | None:
        rows = {index.row() for index in self.packages.selectedIndexes()}
        return self.sales[min(rows)] if len(rows) == 1 and min(rows) < len(self.sales) else None

    def _undone(self, sale: Sale) -> str:
        if sale.voided_at is not None:
            return f"Voided {self._when(sale.voided_at)}: {sale.void_reason}"
        if sale.refunded_at is not None:
            return (f"Refunded {self._when(sale.refunded_at)}: {sale.refund_credits} credits, "
                    f"{money(sale.refund_cents, self.currency)}: {sale.refund_reason}")
        return ""

    def _sale_picked(self) -> None:
        sale = self.chosen_sale()
        gone = sale.spent() if sale is not None else None
        self.void_button.setEnabled(sale is not None and not sale.closed and not gone)
        self.refund_button.setEnabled(sale is not None and not sale.closed and bool(sale.holds))
        self.void_button.setToolTip(VOID_TIP if not gone else (
            f"{gone} of this sale's credits {'is' if gone == 1 else 'are'} spent or expired: adjust "
            "the client's credits instead."))

    def _void(self) -> None:
        sale = self.chosen_sale()
        if sale is not None and not sale.closed and not sale.spent():
            self.voidRequested.emit(sale)

    def _refund(self) -> None:
        sale = self.chosen_sale()
        if sale is not None and not sale.closed and sale.holds:
            self.refundRequested.emit(sale)

    # -- editing -------------------------------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """What the details now say that differs from the record shown."""
        if self.card is None:
            return {}
        record = self.card.client
        values: dict[str, Any] = {
            "name": self.name.text().strip(), "email": self.email.text().strip(),
            "phone": self.phone.text().strip(), "birthday": self.birthday.text().strip() or None,
            "emergency_contact": self.emergency.text().strip(), "notes": self.notes.toPlainText().strip(),
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "consent": Consent(self.reminders.isChecked(), self.marketing.isChecked()).to_wire()}
        before = record.editable_wire()
        return {k: v for k, v in values.items() if before.get(k) != v}

    def _archive(self) -> None:
        if self.card is not None:
            self.archiveRequested.emit(self.card.client.id, not self.card.client.archived)

    def _save(self) -> None:
        changes = self.changes()
        if self.card is not None and changes:
            self.error.hide()
            self.saveRequested.emit(self.card.client.id, changes)


def _attendance(value: str | None) -> str:
    return {"present": "Attended", "late": "Late", "no_show": "No-show"}.get(value or "", "—")
