"""The scheduler's watch over the statutory clocks: deadlines filled in, warnings, overdue notices, digests,
and the backlog's age. Each sweep is set-based and a second run notifies nobody twice (unique keys)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from export_mgmt.accounts.actor import SYSTEM, Actor
from export_mgmt.audit import services as audit
from export_mgmt.clock import utcnow
from export_mgmt.complaints import rules
from export_mgmt.complaints.deadlines import alarm
from export_mgmt.complaints.services import due_sql, scope
from export_mgmt.complaints.tables import Complaint
from export_mgmt.db import where_all, write_transaction
from export_mgmt.i18n import N_
from export_mgmt.notifications import services as notify
from export_mgmt.workdays.calendar import CalendarNotCovered, load_calendar

OPEN_SQL = "(" + ", ".join(f"'{s}'" for s in rules.OPEN) + ")"
RUNNING = ("accepted", "investigating", "rectification_ordered", "payment_ordered")


async def fill_missing_deadlines() -> int:
    """Deadlines left empty while the calendar lacked their year, computed once it has been entered.

    One UPDATE per start date (a handful), not one per complaint.
    """
    calendar = await load_calendar()
    filled = 0
    plans = [("decide_by", Complaint.received_on, ["received"], lambda extended: rules.DECIDE_WORKING_DAYS),
             ("investigate_by", Complaint.decided_on, list(RUNNING),
              lambda extended: rules.INVESTIGATION_WORKING_DAYS + (rules.EXTENSION_WORKING_DAYS if extended else 0))]
    for column, start, statuses, days in plans:
        target = getattr(Complaint, column)
        rows = await Complaint.select(start.as_alias("start"), Complaint.extended).where(
            target.is_null() & Complaint.status.is_in(statuses) & start.is_not_null()).distinct()
        for row in rows:
            try:
                due = calendar.add_working_days(row["start"], days(row["extended"]))
            except CalendarNotCovered as exc:
                async with write_transaction():
                    await alarm(exc.year)
                continue
            async with write_transaction():
                changed = await Complaint.update({target: due, Complaint.updated_at: utcnow()}).where(
                    target.is_null() & (start == row["start"]) & (Complaint.extended == row["extended"])
                    & Complaint.status.is_in(statuses)).returning(Complaint.id)
                await audit.record_many(SYSTEM, "complaint", [c["id"] for c in changed], "deadline_computed",
                                        {column: [None, due]})
            filled += len(changed)
    return filled


def _recipients(condition: str, kind: str) -> str:
    """The handling inspectors of each complaint matching `condition`, or the supervisors while none is assigned."""
    params = notify.json_object("'tracking'", "c.tracking_no", "'date'", due_sql("c"))
    key = f"'{kind}:' || c.id || ':' || c.status || ':' || ({due_sql('c')})"
    return (f"SELECT ci.inspector AS user_id, {key} AS key, {params} AS params, '/complaints/' || c.id AS link "
            f"FROM complaint c JOIN complaint_inspector ci ON ci.complaint = c.id WHERE {condition} "
            f"UNION ALL "
            f"SELECT u.id AS user_id, {key} AS key, {params} AS params, '/complaints/' || c.id AS link "
            f"FROM complaint c JOIN app_user u ON u.role = 'supervisor' AND u.active = {{}} "
            f"WHERE {condition} AND NOT EXISTS (SELECT 1 FROM complaint_inspector ci WHERE ci.complaint = c.id)")


async def deadline_warnings(on: dt.date) -> int:
    """Two working days before each statutory deadline, those handling the complaint are told."""
    calendar = await load_calendar()
    try:
        limit = calendar.add_working_days(on, rules.WARNING_WORKING_DAYS)
    except CalendarNotCovered as exc:
        async with write_transaction():
            await alarm(exc.year)
        return 0
    condition = f"({due_sql('c')}) >= {{}} AND ({due_sql('c')}) <= {{}}"
    # The condition is in both halves of the UNION; Piccolo's {} placeholders are filled in order.
    async with write_transaction():
        return await notify.notify_select("complaint_due", _recipients(condition, "complaint-due"),
                                          on, limit, True, on, limit)


async def overdue_notices(on: dt.date) -> int:
    """A complaint past its statutory deadline: those handling it are told, once per deadline."""
    condition = f"({due_sql('c')}) < {{}}"
    async with write_transaction():
        return await notify.notify_select("complaint_overdue", _recipients(condition, "complaint-overdue"),
                                          on, True, on)


async def inspector_digest(on: dt.date) -> int:
    """Each inspector with open complaints hears, once a day, how many are open, due soon and overdue."""
    calendar = await load_calendar()
    try:
        limit = calendar.add_working_days(on, rules.WARNING_WORKING_DAYS)
    except CalendarNotCovered:
        limit = on
    due = due_sql("c")
    params = notify.json_object(
        "'open'", "COUNT(*)", "'due'", f"SUM(CASE WHEN ({due}) >= {{}} AND ({due}) <= {{}} THEN 1 ELSE 0 END)",
        "'overdue'", f"SUM(CASE WHEN ({due}) < {{}} THEN 1 ELSE 0 END)")
    select = (f"SELECT ci.inspector AS user_id, {{}} AS key, {params} AS params, '/complaints/?mine=1' AS link "
              f"FROM complaint c JOIN complaint_inspector ci ON ci.complaint = c.id "
              f"WHERE c.status IN {OPEN_SQL} GROUP BY ci.inspector")
    async with write_transaction():
        return await notify.notify_select("complaint_digest", select, f"complaint-digest:{on.isoformat()}",
                                          on, limit, on)


# ---- backlog ageing --------------------------------------------------------------------------------------

AGE_BUCKETS = ((0, 5, N_("Up to 5 working days")), (6, 20, N_("6 to 20 working days")),
               (21, 60, N_("21 to 60 working days")), (61, None, N_("More than 60 working days")))
STAGES = {"decision": ("received", "supplement_requested"),
          "investigation": ("accepted", "investigating"),
          "orders": ("rectification_ordered", "payment_ordered", "transferred")}


@dataclass(frozen=True)
class AgeRow:
    label: str
    counts: dict[str, int]  # per stage

    @property
    def total(self) -> int:
        return sum(self.counts.values())


async def ageing(actor: Actor, on: dt.date) -> list[AgeRow]:
    """Open complaints by working days since receipt and by stage. Raises CalendarNotCovered (shown loudly)."""
    calendar = await load_calendar()
    # received_on <= cutoff(n)  <=>  at least n working days old on `on`.
    cutoffs = {n: calendar.subtract_working_days(on, n) for n in (6, 21, 61)}
    base = scope(actor) + [Complaint.status.is_in(list(rules.OPEN))]
    result = []
    for low, high, label in AGE_BUCKETS:
        conditions = list(base)
        if low:
            conditions.append(Complaint.received_on <= cutoffs[low])
        if high is not None:
            conditions.append(Complaint.received_on > cutoffs[high + 1])
        counts = {}
        for stage, statuses in STAGES.items():
            counts[stage] = await where_all(Complaint.count(), conditions + [Complaint.status.is_in(list(statuses))])
        result.append(AgeRow(label=label, counts=counts))
    return result
