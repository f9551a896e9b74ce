"""``client.search`` and ``client.get``: reads on the store's thread, bounded and index-backed.

A client matches when every word of the query is in its ``search_text`` (the
dialect's full-text index over that one lower-case column; a ``LIKE`` scan of
it when a word is shorter than the index can find); sessions of all time match through the dialect's full-text
index over their client name and notes, newest first. Each client's next and
last session come from ``sessions_by_client`` (and the group table's index).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from ...protocol.timefmt import format_ts
from ..calendar import cancellations
from ..storage import dialect
from ..storage.schema import CLIENT_INDEX, SEARCH_INDEX
from ..store import Store, session_from_row
from ..tables import clients, sessions
from . import groups, ledger, lots, records
from .messages import ClientSearch
from .tables import client_emails, package_sales, packages, session_clients

SESSION_HITS = 20
#: Matching sessions ordered by start: those among the last this many added (all of them for a word in
#: fewer sessions). Sorting every match of a common word (one session in eight says "knee") by its
#: start cost 230 ms at 500,000 sessions; these few cost a few ms.
SESSION_CANDIDATES = 500
PAST, MESSAGES = 200, 100
#: Package sales on a card, newest first (older ones stay in the ledger): a client's years of
#: monthly packs fit many times over, a trainer account selling in a loop no longer outgrows a frame.
SALES = 100


def like_pattern(term: str) -> str:
    """A ``LIKE`` pattern (``escape='\\'``) matching ``term`` anywhere, as typed."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _terms(q: str) -> list[str]:
    out = []
    for word in q.lower().split():
        digits = re.sub(r"\D", "", word)
        # a phone number typed with separators matches the digits kept in search_text
        out.append(digits if digits and re.fullmatch(r"[\d+()./-]+", word) else word)
    return out


def search(store: Store, msg: ClientSearch, now: datetime) -> dict[str, Any]:
    terms = _terms(msg.q)
    query = select(clients)
    indexed = [t for t in terms if len(t) >= dialect.TEXT_INDEX_MIN]
    if indexed:
        query = query.where(clients.c.id.in_(dialect.text_matches(CLIENT_INDEX, " ".join(indexed))))
    for term in terms:  # words too short for the index: LIKE, over what the index found (or all)
        if len(term) < dialect.TEXT_INDEX_MIN:
            query = query.where(clients.c.search_text.like(like_pattern(term), escape="\\"))
    if not msg.include_archived:
        query = query.where(clients.c.archived == 0)
    order = (func.lower(clients.c.name), clients.c.id)
    rows = list(store.db.execute(query.order_by(*order).limit(msg.limit)).mappings())
    upcoming, last = _nearest(store, [r["id"] for r in rows], now)
    found = []
    for row in rows:
        record = records.wire(row)
        record["next_session"] = upcoming.get(row["id"])
        record["last_session"] = last.get(row["id"])
        found.append(record)
    return {"clients": found, "sessions": _sessions(store, msg.q)}


def _sessions(store: Store, q: str) -> list[dict[str, Any]]:
    if not any(len(w) >= dialect.TEXT_INDEX_MIN for w in q.split()):
        return []
    hits = dialect.newest_matches(store.db, SEARCH_INDEX, q, SESSION_CANDIDATES)
    rows = store.db.execute(
        select(sessions).where(sessions.c.id.in_(hits)).order_by(sessions.c.start.desc()).limit(SESSION_HITS)
    ).mappings()
    wires = [session_from_row(r).to_wire() for r in rows]
    groups.decorate(store, wires)
    return wires


def _nearest(store: Store, ids: list[int], now: datetime) -> tuple[dict[int, Any], dict[int, Any]]:
    """Each client's next session (from ``now``, not cancelled) and last one (before ``now``), as
    sessions' own clients and as a group's others: grouped queries on ``sessions_by_client`` and
    ``session_clients_by_client``, then the sessions themselves by key."""
    if not ids:
        return {}, {}
    moment = format_ts(now)
    own, other = sessions.c.client_id, session_clients.c.client_id
    joined = sessions.join(session_clients, session_clients.c.session_id == sessions.c.id)
    soonest: dict[int, str] = {}
    latest: dict[int, str] = {}
    for who, source in ((own, sessions), (other, joined)):
        upcoming = (
            select(who, func.min(sessions.c.start))
            .select_from(source)
            .where(who.in_(ids), sessions.c.start >= moment, sessions.c.status != "cancelled")
            .group_by(who)
        )
        for cid, at in store.db.execute(upcoming):
            soonest[cid] = min(at, soonest.get(cid, at))
        before = (
            select(who, func.max(sessions.c.start))
            .select_from(source)
            .where(who.in_(ids), sessions.c.start < moment)
            .group_by(who)
        )
        for cid, at in store.db.execute(before):
            latest[cid] = max(at, latest.get(cid, at))
    wanted = [*soonest.items(), *latest.items()]
    if not wanted:
        return {}, {}
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for who, source in ((own, sessions), (other, joined)):
        # one indexed lookup per (client, start): a row-value IN list is not served by the index
        pick = or_(*(and_(who == cid, sessions.c.start == when) for cid, when in wanted))
        query = select(who.label("cid"), sessions).select_from(source).where(pick)
        for row in store.db.execute(query).mappings():
            found.setdefault((row["cid"], row["start"]), session_from_row(row).to_wire())
    groups.decorate(store, list(found.values()))
    return (
        {cid: found[(cid, when)] for cid, when in soonest.items() if (cid, when) in found},
        {cid: found[(cid, when)] for cid, when in latest.items() if (cid, when) in found},
    )


# -- client.get --------------------------------------------------------------------------------
def card(store: Store, client_id: int, now: datetime, window_h: float) -> dict[str, Any]:
    record = records.get(store, client_id)
    mine = groups.sessions_of(client_id).subquery()
    moment = format_ts(now)
    base = select(sessions).where(sessions.c.id.in_(select(mine.c.session_id)))
    upcoming = store.db.execute(
        base.where(sessions.c.start >= moment).order_by(sessions.c.start).limit(PAST)
    ).mappings()
    past = store.db.execute(
        base.where(sessions.c.start < moment).order_by(sessions.c.start.desc()).limit(PAST)
    ).mappings()
    up_wires = [session_from_row(r).to_wire() for r in upcoming]
    past_wires = [session_from_row(r).to_wire() for r in past]
    groups.decorate(store, up_wires + past_wires)
    return {
        "client": record,
        "upcoming": up_wires,
        "past": past_wires,
        "stats": stats(store, client_id, window_h),
        "ledger": ledger.page(store, client_id, limit=PAST)["entries"],
        "packages": sales(store, client_id, now),
        "messages": messages(store, client_id),
    }


def stats(store: Store, client_id: int, window_h: float) -> dict[str, int]:
    """Attended, no-shows, late and timely cancellations over all time (one query)."""
    extra = select(session_clients.c.session_id, session_clients.c.attendance).where(
        session_clients.c.client_id == client_id
    )
    first = select(sessions.c.id.label("session_id"), sessions.c.attendance).where(
        sessions.c.client_id == client_id
    )
    mine = first.union_all(extra).subquery()
    late = cancellations.late(window_h)
    cancelled = sessions.c.status == "cancelled"
    row = store.db.execute(
        select(
            func.sum(
                case(
                    (
                        or_(
                            mine.c.attendance.in_(("present", "late")),
                            and_(mine.c.attendance.is_(None), sessions.c.status == "completed"),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(case((mine.c.attendance == "no_show", 1), else_=0)),
            func.sum(case((and_(cancelled, late), 1), else_=0)),
            func.sum(case((and_(cancelled, ~late), 1), else_=0)),
        ).select_from(cancellations.joined(mine.join(sessions, sessions.c.id == mine.c.session_id)))
    ).one()
    return {
        "attended": int(row[0] or 0),
        "no_shows": int(row[1] or 0),
        "late_cancellations": int(row[2] or 0),
        "timely_cancellations": int(row[3] or 0),
    }


def sale_wire(row: Any) -> dict[str, Any]:
    wire = {
        "id": row["id"],
        "client_id": row["client_id"],
        "package_id": row["package_id"],
        "credits": row["credits"],
        "price_paid_cents": row["price_paid_cents"],
        "sold_at": row["sold_at"],
        "expires_at": row["expires_at"],
    }
    if row.get("voided_at"):  # a sale made by mistake, undone (package.void)
        wire.update(voided_at=row["voided_at"], void_reason=row["void_reason"])
    if row.get("refunded_at"):  # its unused part given back (package.refund)
        wire.update(refunded_at=row["refunded_at"], refund_credits=row["refund_credits"],
                    refund_cents=row["refund_cents"], refund_reason=row["refund_reason"])
    return wire


def sales(store: Store, client_id: int, now: datetime) -> list[dict[str, Any]]:
    """The client's newest sales, each with what it still ``holds`` (0 once it expired or was
    voided): what the desk answers when a client asks how many of a package are left, and until
    when."""
    rows = store.db.execute(
        select(package_sales, packages.c.name.label("package_name"))
        .join(packages, packages.c.id == package_sales.c.package_id)
        .where(package_sales.c.client_id == client_id)
        .order_by(package_sales.c.sold_at.desc(), package_sales.c.id.desc())
        .limit(SALES)
    ).mappings()
    listed = [{**sale_wire(r), "package_name": r["package_name"]} for r in rows]
    if not listed:
        return listed
    held = lots.held(store, client_id)
    moment = format_ts(now)
    for sale in listed:
        over = sale.get("voided_at") or sale.get("refunded_at") or (
            sale["expires_at"] and sale["expires_at"] <= moment)
        sale["holds"] = 0 if over else held.get(sale["id"], 0)
    return listed


def messages(store: Store, client_id: int) -> list[dict[str, Any]]:
    rows = store.db.execute(
        select(client_emails)
        .where(client_emails.c.client_id == client_id)
        .order_by(client_emails.c.id.desc())
        .limit(MESSAGES)
    ).mappings()
    return [
        {
            "id": r["id"],
            "session_id": r["session_id"],
            "kind": r["kind"],
            "status": r["status"],
            "to": r["to_addr"],
            "subject": r["subject"],
            "due_at": r["due_at"],
            "sent_at": r["sent_at"],
            "message_id": r["message_id"],
            "detail": r["detail"] or "",
        }
        for r in rows
    ]
