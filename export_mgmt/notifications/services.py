"""Notifying people: set-based inserts that a repeated sweep cannot duplicate, the reader's list, and marking."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from export_mgmt import prepared
from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import utcnow
from export_mgmt.db import execute_counted, is_sqlite, sql_text, write_transaction
from export_mgmt.i18n import N_, format_date, gettext, ngettext
from export_mgmt.notifications.tables import Notification
from export_mgmt.prepared import Slot

MESSAGES = {
    "licence_expiring": N_("Licence %(number)s of %(agency)s expires on %(date)s."),
    "licence_expired": N_("Licence %(number)s of %(agency)s has expired."),
    "contract_ending": N_("The contract of %(worker)s (placement #%(placement)s) ends on %(date)s."),
    "case_opened": N_("Inspection case %(number)s was opened and needs inspectors."),
    "case_assigned": N_("You were assigned to inspection case %(number)s."),
    "case_deadline": N_("The investigation of case %(number)s must be finished by %(date)s."),
    "recheck_due": N_("The rectification deadline of case %(number)s has passed: a re-check is due."),
    "calendar_missing": N_("The working-day calendar has no data for %(year)s: statutory deadlines in %(year)s "
                           "cannot be computed until an administrator enters that year."),
    "complaint_received": N_("Complaint %(tracking)s was received and must be decided by %(date)s."),
    "complaint_assigned": N_("You were assigned to complaint %(tracking)s."),
    "complaint_rerouted": N_("Complaint %(tracking)s was routed to your office."),
    "complaint_due": N_("Complaint %(tracking)s: the statutory deadline is %(date)s."),
    "complaint_overdue": N_("Complaint %(tracking)s missed its statutory deadline of %(date)s."),
    "complaint_digest": N_("Your complaints today: %(open)s open, %(due)s due within two working days, "
                           "%(overdue)s overdue."),
    "worker_unreachable": N_("%(worker)s was unreachable at two follow-ups in a row; case %(number)s was opened."),
}
# Values formatted for the reader rather than shown as stored.
DATE_PARAMS = {"date"}


def json_object(*pairs: str) -> str:
    """SQL building a JSON object from alternating key literals and value expressions."""
    if is_sqlite():
        return f"json_object({', '.join(pairs)})"
    return f"CAST(json_build_object({', '.join(pairs)}) AS TEXT)"


def case_number(case_id: int, year: int) -> str:
    return f"{year}-{case_id:05d}"


async def notify_select(kind: str, select_sql: str, *args) -> int:
    """Inside a write transaction: notify everyone `select_sql` yields (user_id, key, params, link) once.

    The unique (user, key) index turns a repeated sweep, or two at once, into nothing.
    """
    sql = (f'INSERT INTO notification ("user", kind, key, params, link, created_at) '
           f"SELECT q.user_id, {sql_text(kind)}, q.key, q.params, q.link, {{}} FROM ({select_sql}) q WHERE true "
           f'ON CONFLICT ("user", key) DO NOTHING')
    return await execute_counted(sql, utcnow(), *args)


def active_users(where: str) -> str:
    return f"SELECT u.id FROM app_user u WHERE u.active = {{}} AND ({where})"


async def notify_roles(kind: str, key: str, params: dict, link: str, roles: tuple[str, ...] = (),
                       user_ids: tuple[int, ...] = (), agency_id: int | None = None,
                       county_code: str | None = None) -> int:
    """One event for a group of people: some roles city-wide, named users, an agency's staff, a county's clerks."""
    who = []
    if roles:
        who.append("u.role IN (" + ", ".join(sql_text(r) for r in roles) + ")")
    if user_ids:
        who.append("u.id IN (" + ", ".join(str(int(i)) for i in user_ids) + ")")
    if agency_id is not None:
        who.append(f"(u.role = 'agency_staff' AND u.agency = {int(agency_id)})")
    if county_code:
        who.append(f"(u.role = 'county_clerk' AND u.county_code = {sql_text(county_code)})")
    if not who:
        return 0
    select = (f"SELECT u.id AS user_id, {{}} AS key, {{}} AS params, {{}} AS link FROM app_user u "
              f"WHERE u.active = {{}} AND ({' OR '.join(who)})")
    return await notify_select(kind, select, key, json.dumps(params, ensure_ascii=False, default=str), link, True)


@dataclass(frozen=True)
class NotificationRead:
    id: int
    text: str
    link: str
    created_at: dt.datetime
    read: bool


def render(kind: str, params_json: str) -> str:
    """The message in the current language; dates formatted for the reader."""
    params = json.loads(params_json or "{}")
    for name in DATE_PARAMS & params.keys():
        try:
            params[name] = format_date(dt.date.fromisoformat(str(params[name])[:10]))
        except ValueError:
            pass
    if "case_id" in params and "year" in params:
        params["number"] = case_number(int(params["case_id"]), int(params["year"]))
    if kind == "followups_overdue":
        return ngettext("%(num)s follow-up in your area is overdue.", "%(num)s follow-ups in your area are overdue.",
                        int(params.get("count", 0)))
    template = MESSAGES.get(kind)
    if template is None:
        return kind
    try:
        return gettext(template, **params)
    except (KeyError, ValueError, TypeError):
        return gettext(template)


async def unread_count(user_id: int) -> int:
    # Every page asks this (the badge beside "Notifications"): prepared once, not built by the query builder on
    # each request (about 0.7 ms of it).
    rows = await prepared.rows("unread notifications", lambda: Notification.count().where(
        (Notification.user == Slot("user")) & Notification.read_at.is_null()), {"user": user_id})
    return int(rows[0]["count"])


async def for_user(actor: Actor, unread_only: bool = False, limit: int = 200) -> list[NotificationRead]:
    query = Notification.select().where(Notification.user == actor.id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    rows = await query.order_by(Notification.id, ascending=False).limit(limit)
    return [NotificationRead(id=r["id"], text=render(r["kind"], r["params"]), link=r["link"],
                             created_at=r["created_at"], read=r["read_at"] is not None) for r in rows]


async def mark_read(actor: Actor, notification_id: int | None = None) -> int:
    """One notification, or all of the reader's; only ever the reader's own."""
    condition = (Notification.user == actor.id) & Notification.read_at.is_null()
    if notification_id is not None:
        condition = condition & (Notification.id == notification_id)
    async with write_transaction():
        rows = await Notification.update({Notification.read_at: utcnow()}).where(condition).returning(
            Notification.id)
    return len(rows)


async def link_of(actor: Actor, notification_id: int) -> str:
    row = await Notification.select(Notification.link).where(
        (Notification.id == notification_id) & (Notification.user == actor.id)).first()
    from export_mgmt.web.forms import safe_next

    return safe_next(row["link"] if row else None, "/notifications/")
