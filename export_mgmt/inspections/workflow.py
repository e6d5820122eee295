"""Working a case: assigning inspectors, moving it through its statuses, referrals and replies, extensions."""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.actor import Actor
from export_mgmt.accounts.tables import AppUser
from export_mgmt.audit import services as audit
from export_mgmt.clock import today, utcnow
from export_mgmt.db import update_versioned, where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.fields import date as parse_date
from export_mgmt.i18n import _
from export_mgmt.inspections import labels
from export_mgmt.inspections.schemas import CaseTransition, ReferralCreate, ReplyCreate
from export_mgmt.inspections.services import (
    ENTITY,
    EXTENSION_WORKING_DAYS,
    INVESTIGATION_WORKING_DAYS,
    MIN_INSPECTORS,
    OPEN_STATUSES,
    can_act,
    can_extend,
    scope,
)
from export_mgmt.inspections.tables import CaseInspector, CaseReferral, InspectionCase
from export_mgmt.notifications import services as notify
from export_mgmt.placements.rules import MAX_AMOUNT
from export_mgmt.workdays.calendar import deadline

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "opened": ("investigating", "referred", "cancelled"),
    "investigating": ("rectification_ordered", "closed", "referred", "cancelled"),
    # A re-check that finds the order ignored: a further order (with additional compensation), or back to
    # investigation, or a referral to the police.
    "rectification_ordered": ("rectification_ordered", "investigating", "closed", "referred"),
    "referred": ("closed",),
    "closed": (),
    "cancelled": (),
}
# Abroad, domestic inspection cannot reach the employer: the case is a referral and its replies.
ABROAD_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "opened": ("referred", "cancelled"),
    "referred": ("closed",),
}


def allowed_next(case: dict) -> list[str]:
    table = ABROAD_TRANSITIONS if case["abroad"] else TRANSITIONS
    return list(table.get(case["status"], ()))


async def _load(actor: Actor, case_id: int) -> dict:
    """The case, if it is in the actor's scope (else 404) and the actor may work cases (else 403)."""
    rows = await where_all(InspectionCase.select(), scope(actor) + [InspectionCase.id == case_id])
    if not rows:
        raise RecordNotFound()
    if not can_act(actor):
        raise AccessDenied()
    return rows[0]


def _stale(case: dict, version: int) -> None:
    if version != case["version"]:
        raise FormErrors({"": _("Someone else changed this case while you were editing. "
                                "Reload it and make your change again.")})


async def assign(actor: Actor, case_id: int, inspector_ids: list[int]) -> int:
    """Add inspectors to a case; returns how many were new."""
    async with write_transaction():
        case = await _load(actor, case_id)
        if case["status"] not in OPEN_STATUSES:
            raise FormErrors({"": _("The case is no longer open.")})
        wanted = sorted({int(i) for i in inspector_ids})
        valid = await AppUser.select(AppUser.id, AppUser.display_name).where(
            AppUser.id.is_in(wanted or [0]) & (AppUser.role == "inspector") & (AppUser.active == True))  # noqa: E712
        if not wanted or len(valid) != len(wanted):
            raise FormErrors({"inspector_ids": _("Choose one or more of the listed inspectors.")})
        existing = {r["inspector"] for r in await CaseInspector.select(CaseInspector.inspector).where(
            CaseInspector.inspection_case == case_id)}
        new = [r for r in valid if r["id"] not in existing]
        if not new:
            return 0
        on = today()
        await CaseInspector.insert(*(CaseInspector(inspection_case=case_id, inspector=r["id"], assigned_on=on,
                                                   assigned_by=actor.username) for r in new))
        await audit.record(actor, ENTITY, case_id, "inspectors_assigned",
                           {"inspectors": [None, ", ".join(r["display_name"] for r in new)]})
        await notify.notify_roles("case_assigned", f"case-assigned:{case_id}",
                                  {"case_id": case_id, "year": case["opened_on"].year}, f"/cases/{case_id}",
                                  user_ids=tuple(r["id"] for r in new))
    return len(new)


def _amount(value: int | None, field: str, errors: dict[str, str]) -> None:
    if value is not None and not 0 <= value <= MAX_AMOUNT:
        errors[field] = _("This amount is too large.")


async def transition(actor: Actor, case_id: int, change: CaseTransition) -> None:
    errors: dict[str, str] = {}
    rectify_by = parse_date(change.rectify_by, "rectify_by", errors)
    for field in ("amount_ordered", "amount_recovered", "penalty"):
        _amount(getattr(change, field), field, errors)
    if len(change.note) > 4000:
        errors["note"] = _("At most %(n)s characters.", n=4000)
    async with write_transaction():
        case = await _load(actor, case_id)
        _stale(case, change.version)
        new = change.status
        if not new:
            raise FormErrors({"status": _("Choose the new status.")})
        if new not in allowed_next(case):
            raise FormErrors({"status": _("A case that is %(current)s cannot become %(new)s.",
                                          current=_(labels.STATUS[case["status"]]),
                                          new=_(labels.STATUS.get(new, new)))})
        values: dict = {"status": new}
        if new == "investigating":
            assigned = await CaseInspector.count().where(CaseInspector.inspection_case == case_id)
            if assigned < MIN_INSPECTORS:
                errors[""] = _("At least %(n)s inspectors must be assigned before the investigation starts.",
                               n=MIN_INSPECTORS)
        elif new == "rectification_ordered":
            if rectify_by is None and "rectify_by" not in errors:
                errors["rectify_by"] = _("Set the date by which the employer must comply.")
            elif rectify_by and rectify_by <= today():
                errors["rectify_by"] = _("The deadline must be after today.")
            if case["finding"] == "wages_unpaid" and change.amount_ordered <= 0:
                errors["amount_ordered"] = _("Enter the amount the employer is ordered to pay.")
            further = case["orders"] > 0
            if change.compensation_percent and not (further and 50 <= change.compensation_percent <= 100):
                errors["compensation_percent"] = _(
                    "Additional compensation of 50 to 100 percent is ordered only when an earlier order was "
                    "not obeyed.")
            values.update(rectify_by=rectify_by, amount_ordered=change.amount_ordered,
                          compensation_percent=change.compensation_percent, orders=case["orders"] + 1)
        elif new == "referred":
            if not await CaseReferral.exists().where(CaseReferral.inspection_case == case_id):
                errors[""] = _("Record the referral (to whom, when) before marking the case referred.")
        elif new in ("closed", "cancelled"):
            if not change.note.strip():
                errors["note"] = _("Say how the case ended.")
            values.update(closed_on=today(), outcome=change.note.strip())
        if change.amount_recovered is not None:
            values["amount_recovered"] = change.amount_recovered
        if change.penalty:
            values["penalty"] = change.penalty
        if errors:
            raise FormErrors(errors)
        changes = audit.diff(case, values)
        if change.note.strip() and "outcome" not in values:
            changes["note"] = [None, change.note.strip()]
        await update_versioned(InspectionCase, case_id, values)
        await audit.record(actor, ENTITY, case_id, "status_changed", changes)


async def extend(actor: Actor, case_id: int, version: int) -> None:
    """The head's approval: 30 more working days for the investigation, once."""
    async with write_transaction():
        rows = await where_all(InspectionCase.select(), scope(actor) + [InspectionCase.id == case_id])
        if not rows:
            raise RecordNotFound()
        if not can_extend(actor):
            raise AccessDenied()
        case = rows[0]
        _stale(case, version)
        if case["extended"] or case["status"] not in OPEN_STATUSES:
            raise FormErrors({"": _("This case cannot be extended.")})
        new_deadline = await deadline(case["opened_on"], INVESTIGATION_WORKING_DAYS + EXTENSION_WORKING_DAYS)
        values = {"extended": True, "investigate_by": new_deadline}
        await update_versioned(InspectionCase, case_id, values)
        await audit.record(actor, ENTITY, case_id, "extended", audit.diff(case, values))


async def add_referral(actor: Actor, case_id: int, data: ReferralCreate) -> int:
    errors: dict[str, str] = {}
    sent_on = parse_date(data.sent_on, "sent_on", errors, required=True)
    if sent_on and sent_on > today():
        errors["sent_on"] = _("The date cannot be in the future.")
    if data.target not in labels.REFERRAL_TARGETS:
        errors["target"] = _("Choose one of the listed values.")
    if len(data.reference) > 100:
        errors["reference"] = _("At most %(n)s characters.", n=100)
    if len(data.note) > 4000:
        errors["note"] = _("At most %(n)s characters.", n=4000)
    async with write_transaction():
        case = await _load(actor, case_id)
        if case["status"] not in OPEN_STATUSES:
            errors[""] = _("The case is no longer open.")
        if errors:
            raise FormErrors(errors)
        rows = await CaseReferral.insert(CaseReferral(
            inspection_case=case_id, target=data.target, sent_on=sent_on, reference=data.reference.strip(),
            note=data.note.strip(), created_by=actor.username)).returning(CaseReferral.id)
        await update_versioned(InspectionCase, case_id, {})
        await audit.record(actor, ENTITY, case_id, "referral_sent",
                           {"referral": [None, f"{data.target} {sent_on.isoformat()} {data.reference.strip()}"]})
    return rows[0]["id"]


async def record_reply(actor: Actor, case_id: int, referral_id: int, data: ReplyCreate) -> None:
    errors: dict[str, str] = {}
    replied_on = parse_date(data.replied_on, "replied_on", errors, required=True)
    if replied_on and replied_on > today():
        errors["replied_on"] = _("The date cannot be in the future.")
    if not data.reply.strip():
        errors["reply"] = _("Enter the reply.")
    elif len(data.reply) > 4000:
        errors["reply"] = _("At most %(n)s characters.", n=4000)
    async with write_transaction():
        await _load(actor, case_id)
        referral = await CaseReferral.select().where(
            (CaseReferral.id == referral_id) & (CaseReferral.inspection_case == case_id)).first()
        if referral is None:
            raise RecordNotFound()
        if replied_on and replied_on < referral["sent_on"]:
            errors["replied_on"] = _("The reply cannot come before the referral was sent.")
        if errors:
            raise FormErrors(errors)
        await CaseReferral.update({CaseReferral.reply: data.reply.strip(), CaseReferral.replied_on: replied_on}).where(
            CaseReferral.id == referral_id)
        await update_versioned(InspectionCase, case_id, {})
        await audit.record(actor, ENTITY, case_id, "reply_recorded",
                           {"reply": [referral["reply"] or None, data.reply.strip()]})


# ---- sweeps ----------------------------------------------------------------------------------------------

DEADLINE_WARNING_DAYS = 7


async def fill_missing_deadlines() -> int:
    """Cases opened while the working-day calendar did not reach their deadline get it once the year is entered.

    One UPDATE per filing date (a handful), not one per case.
    """
    rows = await InspectionCase.select(InspectionCase.opened_on, InspectionCase.extended).where(
        InspectionCase.investigate_by.is_null() & InspectionCase.status.is_in(list(OPEN_STATUSES))).distinct()
    filled = 0
    for row in rows:
        days = INVESTIGATION_WORKING_DAYS + (EXTENSION_WORKING_DAYS if row["extended"] else 0)
        due = await deadline(row["opened_on"], days)
        if due is None:
            continue
        async with write_transaction():
            changed = await InspectionCase.update({InspectionCase.investigate_by: due,
                                                   InspectionCase.updated_at: utcnow()}).where(
                InspectionCase.investigate_by.is_null() & (InspectionCase.opened_on == row["opened_on"])
                & (InspectionCase.extended == row["extended"])
                & InspectionCase.status.is_in(list(OPEN_STATUSES))).returning(InspectionCase.id)
        filled += len(changed)
    return filled


async def deadline_warnings(on: dt.date) -> int:
    """Assigned inspectors hear a week before an investigation deadline, and when a re-check falls due."""
    params = notify.json_object("'case_id'", "c.id", "'year'", _year("c.opened_on"), "'date'", "c.investigate_by")
    select = (f"SELECT ci.inspector AS user_id, 'case-deadline:' || c.id || ':' || c.investigate_by AS key, "
              f"{params} AS params, '/cases/' || c.id AS link FROM inspection_case c "
              f"JOIN case_inspector ci ON ci.inspection_case = c.id "
              f"WHERE c.status IN ('opened', 'investigating', 'rectification_ordered') "
              f"AND c.investigate_by IS NOT NULL AND c.investigate_by <= {{}}")
    recheck_params = notify.json_object("'case_id'", "c.id", "'year'", _year("c.opened_on"))
    rechecks = (f"SELECT ci.inspector AS user_id, 'recheck:' || c.id || ':' || c.orders AS key, "
                f"{recheck_params} AS params, '/cases/' || c.id AS link FROM inspection_case c "
                f"JOIN case_inspector ci ON ci.inspection_case = c.id "
                f"WHERE c.status = 'rectification_ordered' AND c.rectify_by < {{}}")
    async with write_transaction():
        return await notify.notify_select("case_deadline", select, on + dt.timedelta(days=DEADLINE_WARNING_DAYS)) + \
            await notify.notify_select("recheck_due", rechecks, on)


def _year(expr: str) -> str:
    from export_mgmt.db import is_sqlite

    return f"CAST(strftime('%Y', {expr}) AS INTEGER)" if is_sqlite() else f"CAST(EXTRACT(YEAR FROM {expr}) AS INTEGER)"
