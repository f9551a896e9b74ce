"""Who may send which request: the single table the server enforces."""

from __future__ import annotations

from ..protocol.entities import Role

_RANK = {Role.VIEWER: 0, Role.TRAINER: 1, Role.ADMIN: 2}

#: Least role needed for each request type. A type missing here is admin-only.
MIN_ROLE: dict[str, Role] = {
    "authenticate": Role.VIEWER,
    "auth.logout": Role.VIEWER,
    "sync": Role.VIEWER,
    "heartbeat": Role.VIEWER,
    "directory.query": Role.VIEWER,
    "directory.clients": Role.VIEWER,
    "schedule.query": Role.VIEWER,
    "session.create": Role.TRAINER,
    "session.update": Role.TRAINER,
    "session.delete": Role.TRAINER,
    # Collaboration (server/collab/); lock.break, studio.settings.set and user.* are admin-only.
    "presence.update": Role.VIEWER,
    "presence.query": Role.VIEWER,
    "lock.query": Role.VIEWER,
    "lock.acquire": Role.TRAINER,
    "lock.renew": Role.TRAINER,
    "lock.release": Role.TRAINER,
    "lock.request": Role.TRAINER,
    "chat.history": Role.VIEWER,
    "chat.send": Role.TRAINER,
    "chat.edit": Role.TRAINER,
    "chat.delete": Role.TRAINER,
    "chat.react": Role.TRAINER,
    "activity.query": Role.VIEWER,
    "studio.settings.get": Role.VIEWER,
    # The system monitor (server/monitor/): admins only.
    "monitor.snapshot": Role.ADMIN,
    "monitor.history": Role.ADMIN,
    "notification.query": Role.VIEWER,
    "notification.mark": Role.VIEWER,
    "notification.action": Role.VIEWER,
    "notification.prefs.get": Role.VIEWER,
    "notification.prefs.set": Role.VIEWER,
    "notification.email.confirm": Role.VIEWER,
    "notification.email.resend": Role.VIEWER,
    "notification.announce": Role.ADMIN,
    # The calendar (server/calendar/). Feed requests check ownership.
    "session.checkin": Role.TRAINER,
    "availability.get": Role.VIEWER,
    # availability.set and timeoff.*: a trainer only for their own linked trainer (checked in a hook).
    "availability.set": Role.TRAINER,
    "feed.create": Role.TRAINER,
    "feed.revoke": Role.TRAINER,
    "feed.list": Role.TRAINER,
    # Studio administration (server/admin/): everything else there is admin-only.
    "studio.setup.get": Role.VIEWER,
    "account.set_password": Role.VIEWER,
    "timeoff.add": Role.TRAINER,
    "timeoff.remove": Role.TRAINER,
    # Clients (server/clients/); client.import/export/erase, package.create/update/void/refund,
    # credits.adjust and reminder.settings(.get)/reminder.test/reminder.mail_password are admin-only.
    # report.run: a trainer only for their own trainer (checked there).
    "client.search": Role.VIEWER,
    "client.get": Role.VIEWER,
    "client.create": Role.TRAINER,
    "client.update": Role.TRAINER,
    "package.list": Role.VIEWER,
    "package.sell": Role.TRAINER,
    "credits.ledger": Role.VIEWER,
    "waitlist.get": Role.VIEWER,
    "waitlist.join": Role.TRAINER,
    "waitlist.leave": Role.TRAINER,
    "booking.add": Role.TRAINER,
    "booking.remove": Role.TRAINER,
    "report.run": Role.TRAINER,
}

#: The studio administration's requests only an admin may send (listed for the tests and the docs;
#: unlisted types are admin-only anyway).
ADMIN_ONLY = (
    "studio.setup.set",
    "trainer.create", "trainer.update", "trainer.delete",
    "room.create", "room.update", "room.delete",
    "session_type.create", "session_type.update", "session_type.delete",
    "directory.import",
    "account.list", "account.create", "account.reset_password", "account.update",
    "client.import", "client.export", "client.erase", "package.create", "package.update", "package.void",
    "package.refund",
    "credits.adjust",
    "reminder.settings", "reminder.settings.get", "reminder.test", "reminder.mail_password",
)
MIN_ROLE.update(dict.fromkeys(ADMIN_ONLY, Role.ADMIN))


def allowed(role: Role, request_type: str) -> bool:
    needed = MIN_ROLE.get(request_type, Role.ADMIN)
    return _RANK[role] >= _RANK[needed]


def may_override_overlap(role: Role) -> bool:
    return role is Role.ADMIN


def can_edit_schedule(role: Role) -> bool:
    """Whether the client should offer editing controls (the server decides anyway)."""
    return allowed(role, "session.update")
