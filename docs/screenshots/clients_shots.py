"""Render the clients feature offscreen: the Clients pane, a client card, the package
sale dialog, a group session in the schedule, the reports page and the client emails page.

    .venv/bin/python docs/screenshots/clients_shots.py

A real swan-server runs in-process on loopback (an empty database, no demo studio) and
Boss, an admin, signs in with the app's own client. The studio is made through the
ordinary requests, on the real clock: Swan Studio in Berlin, two trainers, nine
clients, packages sold over the last twelve weeks (``package.sell`` takes the day a
sale was made), past sessions completed and checked in (one a no-show), sessions
ahead, a goodwill credit, and tomorrow's small-group class full at 3/3 with two
clients on its waitlist. The desktop side is the real clients feature installed as
the app installs it; every figure on it (balances, stats, the weekly revenue) is the
server's. The card is shown on its Past tab: its Credits tab would date each completion
the moment this script records it (today), not the day of the session. Writes
clients-pane.png, client-card.png, package-sale.png, group-session.png, reports.png,
void-sale.png, client-card-packages.png and refund-sale.png (a drop-in sold by mistake, after the
report: the question before it is voided, the card's Packages tab after, and the question before
a package's unused part is refunded),
client-card-emails.png (the card's Emails tab, a loopback mail server having refused some of
the client's emails) and client-emails.png next to this script.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
import qasync  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication, QTabWidget  # noqa: E402

from swan_desktop.core.client import StudioClient  # noqa: E402
from swan_desktop.core.client_records import Sale  # noqa: E402
from swan_desktop.protocol.timefmt import format_ts  # noqa: E402
from swan_desktop.qt.clients.clients_page import ClientsPage  # noqa: E402
from swan_desktop.qt.clients.install import ClientsArea, install  # noqa: E402
from swan_desktop.qt.clients.sale_dialogs import SaleQuestion  # noqa: E402
from swan_desktop.qt.main_window import MainWindow  # noqa: E402
from swan_desktop.qt.schedule_pane import SchedulePane  # noqa: E402
from swan_desktop.qt.theme import apply_theme  # noqa: E402
from tests.support.mail import AnyPortController, Inbox  # noqa: E402
from tests.support.memory_keyring import MemoryKeyring  # noqa: E402
from tests.support.poll import until, until_answered  # noqa: E402
from tests.support.server import PASSWORDS, start_server  # noqa: E402

OUT = Path(__file__).resolve().parent
ZONE = ZoneInfo("Europe/Berlin")
HOURS = [(d, "07:00", "21:00") for d in range(6)]     # Monday to Saturday
TODAY = datetime.now(ZONE).date()


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str
    tags: tuple[str, ...] = ()
    reminders: bool = True
    marketing: bool = False
    notes: str = ""
    birthday: str | None = None
    emergency: str = ""


PEOPLE = (
    Person("Anna Berg", "anna.berg@example.org", "+49 151 2345 6701", ("morning", "rehab"), marketing=True,
           notes="Left knee: no deep lunges until the physio says so.", birthday="1986-04-12",
           emergency="Lukas Berg +49 151 9876 5401"),
    Person("Annika Holm", "annika@example.org", "+49 151 2345 6702", ("evening",)),
    Person("Bruno Diaz", "bruno.diaz@example.org", "+49 151 2345 6703", ("group", "evening"), marketing=True),
    Person("Clara Weiss", "clara.w@example.org", "+49 151 2345 6704", ("group",), reminders=False),
    Person("Daniel Anand", "d.anand@example.org", "+49 151 2345 6705", ("group", "morning"), marketing=True),
    Person("Dora Lind", "dora@example.org", "+49 151 2345 6706", ("group",)),
    Person("Elena Marsh", "elena@example.org", "+49 151 2345 6707", (), reminders=False),
    Person("Johanna Vogt", "johanna.vogt@example.org", "+49 151 2345 6708", ("morning",), marketing=True),
    Person("Stefan Krause", "stefan.k@example.org", "+49 151 2345 6709", ("evening",)),
)
#: (client, package, days ago, price paid in cents or None for the list price)
SALES = (
    ("Elena Marsh", "Ten sessions", 82, None), ("Bruno Diaz", "Ten sessions", 75, 42000),
    ("Daniel Anand", "Ten sessions", 61, None), ("Johanna Vogt", "Five sessions", 52, None),
    ("Annika Holm", "Five sessions", 45, None), ("Anna Berg", "Ten sessions", 38, None),
    ("Dora Lind", "Five sessions", 31, None), ("Bruno Diaz", "Five sessions", 30, 22500),
    ("Elena Marsh", "Drop-in", 24, None), ("Clara Weiss", "Drop-in", 22, None),
    ("Johanna Vogt", "Five sessions", 15, None), ("Annika Holm", "Five sessions", 9, None),
    ("Clara Weiss", "Five sessions", 5, None), ("Stefan Krause", "Ten sessions", 1, None),
)
#: The revenue report's span: the last eight weeks.
REPORT_DAYS = 56
#: (client, trainer, days from today, hour, attendance for a past one)
PERSONAL = (
    ("Anna Berg", "Ana Kowalski", -28, 8, "present"), ("Anna Berg", "Ana Kowalski", -21, 8, "present"),
    ("Anna Berg", "Ana Kowalski", -14, 8, "no_show"), ("Anna Berg", "Ana Kowalski", -7, 8, "late"),
    ("Anna Berg", "Ana Kowalski", -2, 8, "present"),
    ("Bruno Diaz", "Jonas Richter", -20, 18, "present"), ("Bruno Diaz", "Jonas Richter", -6, 18, "present"),
    ("Elena Marsh", "Jonas Richter", -25, 12, "present"),
    ("Elena Marsh", "Jonas Richter", -11, 12, "present"),
    ("Daniel Anand", "Ana Kowalski", -9, 7, "present"), ("Johanna Vogt", "Ana Kowalski", -16, 9, "present"),
    ("Annika Holm", "Jonas Richter", -10, 19, "present"), ("Annika Holm", "Jonas Richter", -3, 19, "late"),
    ("Anna Berg", "Ana Kowalski", 2, 8, None), ("Anna Berg", "Ana Kowalski", 9, 8, None),
    ("Johanna Vogt", "Ana Kowalski", 1, 12, None), ("Stefan Krause", "Jonas Richter", 1, 10, None),
    ("Annika Holm", "Jonas Richter", 4, 19, None),
)
GROUP_BOOKED = ("Bruno Diaz", "Daniel Anand", "Dora Lind")
GROUP_WAITING = ("Clara Weiss", "Elena Marsh")


@dataclass
class Studio:
    clients: dict[str, int]
    group_id: int
    group_day: date


async def settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def open_day(days: int) -> date:
    """The studio's (Berlin) day ``days`` from today, or, on a Sunday (closed), the Saturday before
    (a day past) or the Monday after (a day ahead): the script runs on any day of the week."""
    day = TODAY + timedelta(days=days)
    if day.weekday() == 6:
        day += timedelta(days=-1 if days < 0 else 1)
    return day


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """``hour`` on :func:`open_day` ``days``."""
    day = open_day(days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def fields(start: datetime, trainer: int, kind: int, room: str, client: int | None = None
           ) -> dict[str, object]:
    data: dict[str, object] = {"start": format_ts(start), "end": format_ts(start + timedelta(hours=1)),
                               "trainer_id": trainer, "session_type_id": kind, "location": room,
                               "status": "scheduled"}
    if client is not None:
        data["client_id"] = client
    return data


async def make_studio(boss: StudioClient) -> Studio:
    """The studio, its clients and their history, through the ordinary requests."""
    await boss.admin.set_studio(name="Swan Studio", timezone="Europe/Berlin", opening_hours=HOURS,
                                setup_complete=True)
    await boss.collab.change_settings({"cancellation_window_h": 24})
    trainers = {}
    for name, color in (("Ana Kowalski", "#1f5f8b"), ("Jonas Richter", "#2e7d4f")):
        trainer = await boss.admin.create_trainer(name, color=color)
        await boss.admin.set_hours(trainer.id, HOURS)
        trainers[name] = trainer.id
    await boss.admin.create_room("Studio A", capacity=2)
    await boss.admin.create_room("Studio B", capacity=8)
    pt = (await boss.admin.create_type("Personal training", duration_min=60, color="#2f6f9f", credits=1)).id
    reply = await boss.link.request("session_type.create", {"name": "Small group", "duration_min": 60,
                                                            "color": "#7b5ea7", "credits": 1, "capacity": 3})
    group_type = int(reply["session_type"]["id"])

    packages = {}
    for name, credits, cents, days in (("Ten sessions", 10, 45000, 120), ("Five sessions", 5, 25000, 60),
                                       ("Drop-in", 1, 5500, 30)):
        package = await boss.clients.create_package({"name": name, "credits": credits, "price_cents": cents,
                                                     "validity_days": days})
        packages[name] = package.id
    ids = {}
    for person in PEOPLE:
        record = await boss.clients.create({
            "name": person.name, "email": person.email, "phone": person.phone, "tags": list(person.tags),
            "notes": person.notes, "birthday": person.birthday, "emergency_contact": person.emergency,
            "consent": {"reminders": person.reminders, "marketing": person.marketing}})
        ids[person.name] = record.id
    for name, package_name, days_ago, price in SALES:     # recorded on the day each was made
        sale: dict[str, object] = {"client_id": ids[name], "package_id": packages[package_name],
                                   "sold_at": format_ts(at(-days_ago, 11, 20))}
        if price is not None:
            sale["price_paid_cents"] = price
        await boss.link.request("package.sell", sale)

    for name, trainer_name, days, hour, attendance in PERSONAL:
        room = "Studio A" if trainer_name == "Ana Kowalski" else "Studio B"
        start = at(days, hour)
        session = await boss.create_session(fields(start, trainers[trainer_name], pt, room, ids[name]))
        if attendance is None:
            continue
        done = await boss.update_session(session.id, session.version, {"status": "completed"})
        arrived = start + timedelta(minutes=9 if attendance == "late" else 0)
        await boss.link.request("session.checkin", {"id": done.id, "attendance": attendance,
                                                    "at": format_ts(arrived)})
    await boss.clients.adjust(ids["Anna Berg"], 1, "goodwill: the studio closed on a Monday")

    group = await boss.create_session(fields(at(1, 17), trainers["Ana Kowalski"], group_type, "Studio B"))
    for name in GROUP_BOOKED:
        await boss.clients.book(group.id, ids[name])
    for name in GROUP_WAITING:
        await boss.clients.join_waitlist(group.id, ids[name])
    await boss.link.request("reminder.settings", {
        "hours_before": 24, "enabled": True, "confirmations": True, "cancellations": True})
    await until(lambda: set(ids) <= {c.name for c in boss.store.directory.clients.values()}
                and boss.store.directory.timezone == "Europe/Berlin", what="the clients and zone on this PC")
    return Studio(ids, group.id, open_day(1))


async def shoot(boss: StudioClient, studio: Studio) -> None:
    schedule = SchedulePane(boss.store, boss)
    window = MainWindow(schedule)
    schedule.set_current_user(boss.user)
    administration = QTabWidget()
    area: ClientsArea = install(window, schedule, boss, administration)
    pane = area.pane
    try:
        window.resize(1320, 820)
        window.show()
        window.tabs.setCurrentWidget(pane)
        await until(lambda: pane.page.model.rowCount() == len(PEOPLE), what="the clients listed")
        pane.page.search_edit.setText("an")
        await until(lambda: 0 < pane.page.model.rowCount() < len(PEOPLE), what="the clients found")
        pane.page.table.selectRow(0)
        anna = studio.clients["Anna Berg"]
        await until(lambda: pane.page.card.client_id == anna, what="Anna's card")
        await settle(0.6)
        window.grab().save(str(OUT / "clients-pane.png"))

        card = pane.page.card
        card.tabs.setCurrentIndex(1)   # Past: her sessions, with who came
        card.resize(760, 700)
        await settle()
        card.grab().save(str(OUT / "client-card.png"))

        dialog = pane.page.open_sale(anna)
        assert dialog is not None
        dialog.package.setCurrentIndex(dialog.package.findText("Ten sessions", Qt.MatchFlag.MatchStartsWith))
        await settle()
        dialog.grab().save(str(OUT / "package-sale.png"))
        dialog.reject()


        window.tabs.setCurrentWidget(schedule)
        schedule.set_view("day")
        schedule.set_date(studio.group_day)
        schedule.day_view.scroll_to_hour(10)
        await settle()
        schedule._on_selected(studio.group_id)
        await until(lambda: area.group.waitlist.count() == len(GROUP_WAITING), what="the waitlist shown")
        await settle()
        window.grab().save(str(OUT / "group-session.png"))

        window.tabs.setCurrentWidget(pane)
        pane.setCurrentWidget(pane.reports)
        window.resize(1320, 1000)     # room for the table's every row and its total
        pane.reports.set_range(TODAY - timedelta(days=REPORT_DAYS), TODAY, "week", "revenue")
        pane.reports.run()
        await until(lambda: pane.reports.report is not None, what="the revenue report")
        await settle(0.6)
        window.grab().save(str(OUT / "reports.png"))

        await shoot_void(boss, pane.page, anna)
        await shoot_card_emails(boss, pane.page, studio.clients["Anna Berg"])

        await boss.link.request("reminder.settings", {"smtp": {
            "host": "smtp.swanstudio.example", "port": 587, "security": "starttls",
            "user": "desk@swanstudio.example", "from": "desk@swanstudio.example"}})
        await boss.clients.set_mail_password("app-password-from-the-provider")
        emails = area.emails
        assert emails is not None
        administration.resize(620, 540)
        administration.show()
        emails.load()
        await until(lambda: emails.loaded is not None and emails.loaded.source == "studio",
                    what="the studio's mail settings")
        emails.test_to.setText("owner@swanstudio.example")
        await settle()
        emails.grab().save(str(OUT / "client-emails.png"))
    finally:
        area.stop()
    for name in ("clients-pane", "client-card", "package-sale", "void-sale", "client-card-packages",
                 "refund-sale", "group-session", "reports",
                 "client-card-emails", "client-emails"):
        print("wrote", OUT / f"{name}.png")


async def shoot_void(boss: StudioClient, page: ClientsPage, anna: int) -> None:
    """A drop-in sold to Anna by mistake today (after the revenue report was pictured): the question
    before it is voided, then the card's Packages tab with the sale voided and why, and the question
    before her ten-pack's unused part is refunded (not sent)."""
    drop_in = next(p.id for p in boss.clients.store.packages.values() if p.name == "Drop-in")
    await boss.clients.sell(anna, drop_in)
    card = page.card
    card.tabs.setCurrentIndex(3)
    await until(lambda: bool(card.sales) and card.sales[0].package_id == drop_in
                and card.sales[0].voided_at is None, what="the drop-in on Anna's card")
    void = await asked(page, 0, page.open_void, "sold to the wrong client: meant for Bruno", "void-sale")
    void.go_button.click()
    await until(lambda: bool(card.sales) and card.sales[0].voided_at is not None, what="the sale voided")
    card.packages.clearSelection()
    await settle()
    card.grab().save(str(OUT / "client-card-packages.png"))
    refund = await asked(page, 1, page.open_refund, "moving to Hamburg", "refund-sale")  # her ten-pack
    refund.reject()
    card.tabs.setCurrentIndex(1)


async def asked(page: ClientsPage, row: int, ask: Callable[[Sale], SaleQuestion | None], reason: str,
                shot: str) -> SaleQuestion:
    """The question before the sale on ``row`` of the card's Packages tab is undone, with ``reason``
    typed, pictured as ``shot``."""
    page.card.packages.selectRow(row)
    sale = page.card.chosen_sale()
    assert sale is not None
    question = ask(sale)
    assert question is not None
    question.reason.setText(reason)
    await settle()
    question.grab().save(str(OUT / f"{shot}.png"))
    return question


class FullMailbox(Inbox):
    """The studio's mail server, here on loopback: it takes Anna's first email, then refuses the
    next ones, her mailbox being full (as a provider answers)."""

    def __init__(self, full: str) -> None:
        super().__init__()
        self.full = full
        self.taken = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address == self.full:
            if self.taken:
                return f"552 5.2.2 <{address}>: mailbox full"
            self.taken += 1
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def shoot_card_emails(boss: StudioClient, page: ClientsPage, anna: int) -> None:
    """Anna's card on its Emails tab, after the studio's mail server took one email and refused the
    others: what failed says why."""
    address = PEOPLE[0].email
    # a plain asyncio loop for its thread (qasync's policy would make it a Qt one)
    mailbox = AnyPortController(FullMailbox(address), hostname="127.0.0.1", port=0,
                                loop=asyncio.SelectorEventLoop())
    mailbox.start()
    try:
        await boss.link.request("reminder.settings", {"smtp": {
            "host": "127.0.0.1", "port": mailbox.port, "security": "none", "user": "",
            "from": "desk@swanstudio.example"}})

        async def all_answered() -> bool:
            statuses = [m.status for m in (await boss.clients.get(anna)).messages]
            return "failed" in statuses and not {"sending"} & set(statuses)

        await until_answered(all_answered, what="Anna's emails sent or refused")
    finally:
        mailbox.stop()
    page.reload_card()
    card = page.card
    def statuses() -> list[str]:
        return [item.text() for r in range(card.emails.rowCount()) if (item := card.emails.item(r, 2))]

    await until(lambda: "failed" in statuses(), what="the card's emails reloaded")
    card.tabs.setCurrentWidget(card.emails)
    card.resize(1000, 680)
    await settle()
    card.grab().save(str(OUT / "client-card-emails.png"))


async def main(folder: Path) -> None:
    # The admin gives the mail server's password from the page; the server keeps it in its
    # machine's keyring, here an in-memory one (this machine has none). Nothing is sent here.
    keyring.set_keyring(MemoryKeyring())
    server = start_server(folder / "studio.sqlite3", demo=False)
    boss = StudioClient(server.url, outbox_dir=folder / "boss")
    try:
        await boss.sign_in({"username": "boss", "password": PASSWORDS["boss"]})
        apply_theme("light")
        studio = await make_studio(boss)
        await shoot(boss, studio)
    finally:
        await boss.close()
        await asyncio.to_thread(server.stop)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("DejaVu Sans", 9))
    with tempfile.TemporaryDirectory() as tmp:
        qasync.run(main(Path(tmp)))
