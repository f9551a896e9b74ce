"""What happened → who should hear about it: notices derived from committed schedule events.

:func:`notices_for` runs on the store's worker thread (it reads the directory
and the schedule) and returns what to create; it creates nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from ...domain import overlap
from ...protocol.entities import Session, Status
from ...protocol.timefmt import format_ts, parse_ts
from ..calendar import studio
from ..notifier_api import Notice, Recipients
from ..store import HubEvent, Store
from .records import ACKNOWLEDGE, CONFIRM_SESSION, OPEN_CLIENT, OPEN_FIRST, OPEN_SESSION, Action

#: A client at or below this many credits is "low" when a session is booked for them.
LOW_CREDITS = 1
#: How far ahead an unconfirmed session is reported.
UNCONFIRMED_WINDOW = timedelta(hours=24)
_BOOKED = {Status.SCHEDULED.value, Status.REQUESTED.value, Status.CONFIRMED.value}
_PLACEMENT = {"start", "end", "trainer_id", "location"}


@dataclass(frozen=True)
class Planned:
    recipients: Recipients
    notice: Notice
    actions: tuple[Action, ...] = ()
    mark: str | None = None


def trainer_users(store: Store, trainer_id: int) -> set[int]:
    """The active accounts linked to the trainer (a deactivated one is told nothing: it belongs
    to someone who has left, and its email would still go out)."""
    return {a.id for a in store.accounts() if a.trainer_id == trainer_id and a.active}


def admin_users(store: Store) -> set[int]:
    """The active admins."""
    return {a.id for a in store.accounts() if a.role.value == "admin" and a.active}


def _when(store: Store, s: Session) -> str:
    """The session's start on the studio's clock (its time-zone setting)."""
    return f"{s.start.astimezone(studio.zone(store)):%a %d %b %H:%M}"


def _who(store: Store, s: Session) -> str:
    trainer = store.trainer(s.trainer_id)
    client = s.client_name or "no client"
    return f"{client} with {trainer.name if trainer else f'trainer {s.trainer_id}'}"


def _staff(store: Store, s: Session, actor_id: int | None) -> Recipients:
    ids = (trainer_users(store, s.trainer_id) | admin_users(store)) - {actor_id}
    return Recipients(user_ids=frozenset(ids))


def _session_notice(title: str, text: str, s: Session, priority: str = "normal") -> Notice:
    return Notice(title, text, category="schedule", priority=priority, source="schedule",
                  links={"session": s.id, "trainer": s.trainer_id})


#: A trainer's time off or working hours changed over sessions that stay booked: the count's key.
_LEFT_BOOKED = {"timeoff:added": "sessions_booked", "availability:updated": "sessions_outside"}
#: Session events that may lead to a notice whatever their data (others only when they move one).
_NOTED = frozenset({"session:booked", "session:cancelled", "session:created"})


def may_notify(event: HubEvent) -> bool:
    """Whether :func:`notices_for` can plan anything for ``event`` — decided from the event alone,
    on the loop, so that a change no notice follows from (a note edited) costs no database job."""
    ev = event.event
    if ev.kind in _LEFT_BOOKED:
        return bool(ev.data.get(_LEFT_BOOKED[ev.kind]))
    if not ev.kind.startswith("session:") or "session" not in ev.data:
        return False
    if ev.kind in _NOTED:
        return True
    return ev.kind == "session:updated" and bool(_PLACEMENT & set(ev.data.get("changes", {})))


def notices_for(store: Store, events: list[HubEvent]) -> list[Planned]:
    out: list[Planned] = []
    for hub_event in events:
        ev = hub_event.event
        if not may_notify(hub_event):
            continue
        if ev.kind in _LEFT_BOOKED:
            out.extend(_left_booked_notices(store, ev.kind, ev.data, ev.actor, parse_ts(ev.ts)))
            continue
        s = Session.from_wire(ev.data["session"])
        actor_id = ev.actor["id"] if ev.actor else None
        actor = ev.actor["name"] if ev.actor else "Someone"
        when = _when(store, s)
        booked = ev.kind == "session:booked" or (
            ev.kind == "session:created" and s.client_id is not None and s.status.value in _BOOKED)
        if booked:
            out.append(Planned(_staff(store, s, actor_id), _session_notice(
                "Session booked", f"{actor} booked {_who(store, s)} on {when}.", s), (OPEN_SESSION,)))
            out.extend(_credit_notices(store, s))
        elif ev.kind == "session:cancelled":
            reason = f" Reason: {s.cancel_reason}." if s.cancel_reason else ""
            out.append(Planned(_staff(store, s, actor_id), _session_notice(
                "Session cancelled", f"{actor} cancelled {_who(store, s)} on {when}.{reason}", s, "high"),
                (OPEN_SESSION,)))
            if actor_id is not None:  # the one who cancelled finds it in their Notifications too
                out.append(Planned(Recipients(user_ids=frozenset({actor_id})), _session_notice(
                    "You cancelled a session", f"You cancelled {_who(store, s)} on {when}.{reason}", s,
                    "low"), (OPEN_SESSION,)))
        elif ev.kind == "session:updated" and _PLACEMENT & set(ev.data.get("changes", {})):
            out.append(Planned(_staff(store, s, actor_id), _session_notice(
                "Session moved", f"{actor} moved {_who(store, s)} to {when} ({s.location}).", s),
                (OPEN_SESSION,)))
        placed = ev.kind == "session:created" or (
            ev.kind == "session:updated" and _PLACEMENT & set(ev.data.get("changes", {})))
        if placed and s.status is not Status.CANCELLED:
            out.extend(_conflict_notices(store, s, ev.seq))
    return out


def _left_booked_notices(store: Store, kind: str, data: dict[str, Any],
                         actor: dict[str, Any] | None, at: datetime) -> list[Planned]:
    """Time off added over sessions already booked (a trainer's sick day), or working hours changed
    so that sessions ahead fall outside them: they stay booked, so the admins and the trainer hear
    at once how many to see to (not the one who made the change: their reply said so), with a
    button to the first of them."""
    from ..admin.timeoff_hooks import first_booked_in
    from ..calendar.hours import first_outside

    trainer_id, count = int(data["trainer_id"]), int(data[_LEFT_BOOKED[kind]])
    trainer = store.trainer(trainer_id)
    name = trainer.name if trainer else f"trainer {trainer_id}"
    actor_id = actor["id"] if actor else None
    theirs = trainer_users(store, trainer_id)
    own = actor_id in theirs
    by = actor["name"] if actor else "Someone"
    sessions = f"{count} booked session{'s' if count != 1 else ''}"
    stay, them = ("stays", "it") if count == 1 else ("stay", "them")
    if kind == "timeoff:added":
        off = data["time_off"]
        first, last = date.fromisoformat(off["start"]), date.fromisoformat(off["end"])
        days = f"{first:%a %d %b}" if first == last else f"{first:%a %d %b} to {last:%a %d %b}"
        reason = f" ({off['reason']})" if off.get("reason") else ""
        who = f"{name} took time off" if own else f"{by} added time off for {name}"
        title, do = "Time off over booked sessions", "reassign or cancel"
        first_session = first_booked_in(store, trainer_id, first, last, at)
        text = f"{who}: {days}{reason}. {sessions} on those days {stay} booked"
    else:
        who = f"{name} changed their working hours" if own else f"{by} changed {name}'s working hours"
        title, do = "Working hours changed over booked sessions", "move or reassign"
        first_session = first_outside(store, trainer_id, at)
        falls = "falls" if count == 1 else "fall"
        text = f"{who}: {sessions} ahead now {falls} outside them and {stay} booked"
    recipients = (theirs | admin_users(store)) - {actor_id}
    if not recipients:
        return []
    notice = Notice(title, f"{text}: {do} {them} and tell the clients.", category="schedule",
                    priority="high", source="schedule", links=_first_link(trainer_id, first_session))
    return [Planned(Recipients(user_ids=frozenset(recipients)), notice,
                    (OPEN_FIRST, ACKNOWLEDGE) if first_session is not None else (ACKNOWLEDGE,))]


def _first_link(trainer_id: int | None, first_session: int | None) -> dict[str, int]:
    """A notice's links to a trainer and the first of the sessions it is about ("Open the first
    session" goes there: the schedule on that day, the session selected)."""
    links = {"trainer": trainer_id} if trainer_id is not None else {}
    return links | ({"session": first_session} if first_session is not None else {})


def _conflict_notices(store: Store, s: Session, seq: int) -> list[Planned]:
    clashes = overlap.find_clashes(s, store.sessions_overlapping(s.start, s.end), store.rooms_at_once())
    if not clashes:
        return []
    trainer = store.trainer(s.trainer_id)
    name = trainer.name if trainer else "trainer"
    text = "; ".join(overlap.describe_all(clashes, name, studio.zone(store)))
    ids = trainer_users(store, s.trainer_id) | admin_users(store)
    return [Planned(Recipients(user_ids=frozenset(ids)), _session_notice(
        "Schedule conflict", f"Booked over a clash on {_when(store, s)}: {text}.", s, "high"),
        (OPEN_SESSION, ACKNOWLEDGE), mark=f"conflict:{seq}")]


def _credit_notices(store: Store, s: Session) -> list[Planned]:
    if s.client_id is None:
        return []
    client = store.client(s.client_id)
    if client is None or client.credits > LOW_CREDITS:
        return []
    when = _when(store, s)
    if client.credits <= 0:
        title, text, priority = ("Client credits exhausted",
                                 f"{client.name} has no credits left and was booked for {when}.", "high")
    else:
        title, text, priority = ("Client credits low",
                                 f"{client.name} has {client.credits} credit left (booked {when}).",
                                 "normal")
    return [Planned(Recipients.admins(), Notice(title, text, category="financial", priority=priority,
                                                source="schedule",
                                                links={"session": s.id, "client": client.id}),
                    (OPEN_CLIENT, OPEN_SESSION))]


def unconfirmed_soon(store: Store, now: datetime) -> list[Planned]:
    """Sessions starting within 24 h that nobody confirmed yet (each reported once per start time)."""
    out = []
    for s in store.sessions_overlapping(now, now + UNCONFIRMED_WINDOW):
        if s.start < now or s.status not in (Status.SCHEDULED, Status.REQUESTED):
            continue
        hours = max(1, round((s.start - now).total_seconds() / 3600))
        when = _when(store, s)
        notice = _session_notice("Session not confirmed",
                                 f"{_who(store, s)} starts in about {hours} h ({when}) and is still "
                                 f"{s.status.value}.", s, "high")
        out.append(Planned(_staff(store, s, None), notice, (CONFIRM_SESSION, OPEN_SESSION),
                           mark=f"unconfirmed:{s.id}:{format_ts(s.start)}"))
    return out


#: How far back :func:`left_open` looks (older ones are the office's own, in the schedule).
LEFT_OPEN_DAYS = 7
_OPEN = (Status.SCHEDULED.value, Status.CONFIRMED.value)


def left_open(store: Store, now: datetime) -> list[Planned]:
    """Booked sessions of the last :data:`LEFT_OPEN_DAYS` days, up to the studio's yesterday, still
    scheduled or confirmed: never completed (nobody marked them), so their clients' credits were
    never taken, or never cancelled. Once a studio day: the admins hear of all of them, each
    trainer of theirs."""
    from ..tables import sessions

    zone = studio.zone(store)
    today = now.astimezone(zone).date()
    midnight = datetime.combine(today, datetime.min.time(), zone)
    since = midnight - timedelta(days=LEFT_OPEN_DAYS)
    s = sessions.c
    counts: dict[int, int] = {}
    firsts: dict[int, int] = {}  # each trainer's earliest, for "Open the first session"
    order: list[int] = []  # every one, the earliest first
    for session_id, trainer in store.db.execute(select(s.id, s.trainer_id).where(
            s.start >= format_ts(since - timedelta(days=1)), s.start < format_ts(midnight),
            s.end > format_ts(since), s.end <= format_ts(midnight), s.status.in_(_OPEN))
            .order_by(s.start, s.id)):
        counts[int(trainer)] = counts.get(int(trainer), 0) + 1
        firsts.setdefault(int(trainer), int(session_id))
        order.append(int(session_id))
    if not counts:
        return []

    def sessions_words(n: int) -> str:
        return f"{n} booked session{'s' if n != 1 else ''}"

    def name(trainer_id: int) -> str:
        trainer = store.trainer(trainer_id)
        return trainer.name if trainer else f"trainer {trainer_id}"

    taken = "their clients' credits are taken only when they are completed."
    day = f"{today:%Y-%m-%d}"
    total = sum(counts.values())
    by_trainer = ", ".join(f"{name(t)} {n}" for t, n in sorted(counts.items(), key=lambda kv: name(kv[0])))
    admins = admin_users(store)
    out = [Planned(Recipients(user_ids=frozenset(admins)), Notice(
        "Past sessions left open",
        f"{sessions_words(total)} of the last {LEFT_OPEN_DAYS} days {'is' if total == 1 else 'are'} still "
        f"scheduled or confirmed ({by_trainer}): mark {'it' if total == 1 else 'them'} completed, or "
        f"cancel {'it' if total == 1 else 'them'}; {taken}", category="schedule", source="schedule",
        links=_first_link(None, order[0])), (OPEN_FIRST,),
        mark=f"left-open:{day}")]
    for trainer_id, n in counts.items():
        users = trainer_users(store, trainer_id) - admins
        if users:
            out.append(Planned(Recipients(user_ids=frozenset(users)), Notice(
                "Your past sessions left open",
                f"{sessions_words(n)} of yours in the last {LEFT_OPEN_DAYS} days {'is' if n == 1 else 'are'} "
                f"still scheduled or confirmed: mark {'it' if n == 1 else 'them'} completed, or cancel "
                f"{'it' if n == 1 else 'them'}; {taken}", category="schedule", source="schedule",
                links=_first_link(trainer_id, firsts[trainer_id])), (OPEN_FIRST,),
                mark=f"left-open:{day}:trainer:{trainer_id}"))
    return out


def session_link(notification: dict[str, Any]) -> int | None:
    value = notification.get("links", {}).get("session")
    return value if isinstance(value, int) else None
