"""Inspection cases: opening (from a follow-up or at the desk), reading and worklists, scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piccolo.query import OrderByRaw
from piccolo.query.functions.aggregate import Count

from export_mgmt.accounts.actor import SYSTEM, Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.db import is_unique_violation, where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.followups import labels as followup_labels
from export_mgmt.followups.tables import FollowUp
from export_mgmt.i18n import _
from export_mgmt.inspections import labels
from export_mgmt.inspections.schemas import (
    CaseCreate,
    CasePage,
    CaseRead,
    CaseSummary,
    InspectorRead,
    RecheckRead,
    ReferralRead,
)
from export_mgmt.inspections.tables import CaseInspector, CaseReferral, InspectionCase
from export_mgmt.money import CURRENCIES
from export_mgmt.notifications import services as notify
from export_mgmt.placements.rules import MAX_AMOUNT
from export_mgmt.regions import county_name
from export_mgmt.workdays.calendar import deadline

CITY_WIDE = {Role.admin, Role.inspector, Role.supervisor}
OPEN_STATUSES = ("opened", "investigating", "rectification_ordered", "referred")
# 劳动保障监察条例: investigate within 60 working days of filing, 30 more with the head's approval.
INVESTIGATION_WORKING_DAYS = 60
EXTENSION_WORKING_DAYS = 30
MIN_INSPECTORS = 2
ENTITY = "inspection_case"


def case_number(case_id: int, opened_on: dt.date) -> str:
    return notify.case_number(case_id, opened_on.year)


def scope(actor: Actor, case=InspectionCase) -> list:
    """The city's inspectors see every case; an agency the cases about it, a county office its workers'."""
    if actor.role in CITY_WIDE or actor is SYSTEM:
        return []
    if actor.role == Role.agency_staff and actor.agency_id:
        return [case.agency == actor.agency_id]
    if actor.role == Role.county_clerk and actor.county_code:
        return [case.worker.county_code == actor.county_code]
    raise AccessDenied()


def can_act(actor: Actor) -> bool:
    """Inspectors work cases; administrators can step in."""
    return actor.role in {Role.inspector, Role.admin}


def can_extend(actor: Actor) -> bool:
    """The extension needs the head's approval: supervisors (and administrators) give it."""
    return actor.role in {Role.supervisor, Role.admin}


def jurisdiction_ok(code: str) -> bool:
    return code in labels.JURISDICTIONS or bool(county_name(code))


def next_deadline(row: dict) -> dt.date | None:
    if row["status"] == "rectification_ordered" and row["rectify_by"]:
        return min(d for d in (row["rectify_by"], row["investigate_by"]) if d)
    return row["investigate_by"] if row["status"] in OPEN_STATUSES else None


# ---- opening ---------------------------------------------------------------------------------------------

async def _insert_case(actor: Actor, values: dict) -> int:
    opened_on = today()
    values = {**values, "opened_on": opened_on, "created_by": actor.username,
              "investigate_by": await deadline(opened_on, INVESTIGATION_WORKING_DAYS)}
    try:
        rows = await InspectionCase.insert(InspectionCase(**values)).returning(InspectionCase.id)
    except Exception as exc:
        if is_unique_violation(exc):
            raise FormErrors({"": _("A case has already been opened from this follow-up.")}) from None
        raise
    case_id = rows[0]["id"]
    await audit.record(actor, ENTITY, case_id, "opened", audit.diff({}, await _named(values)))
    await notify.notify_roles("case_opened", f"case-opened:{case_id}", {"case_id": case_id, "year": opened_on.year},
                              f"/cases/{case_id}", roles=("inspector", "supervisor"))
    return case_id


async def _named(values: dict) -> dict:
    """The audit trail is read by people: linked records by name with their number, not bare ids."""
    from export_mgmt.agencies.tables import Agency
    from export_mgmt.employers.tables import Employer
    from export_mgmt.workers.tables import Worker

    named = {k: v for k, v in values.items() if k != "created_by"}
    for field, table in (("worker", Worker), ("employer", Employer), ("agency", Agency)):
        if named.get(field) is not None:
            row = await table.select(table.name).where(table.id == named[field]).first()
            named[field] = f"{row['name']} (#{named[field]})" if row else named[field]
    for field in ("followup", "placement"):
        if named.get(field) is not None:
            named[field] = f"#{named[field]}"
    return named


async def open_from_followup(actor: Actor, followup_id: int, escalated: bool = False) -> int:
    """One action: a case pre-filled with the worker, placement, employer, agency, finding and amounts."""
    from export_mgmt.followups import services as followups

    if actor is not SYSTEM and not followups.can_record(actor):
        raise AccessDenied()
    async with write_transaction():
        conditions = [FollowUp.id == followup_id] + ([] if actor is SYSTEM else followups.scope(actor))
        rows = await where_all(FollowUp.select(
            FollowUp.id, FollowUp.status, FollowUp.reached, FollowUp.worker_status, FollowUp.unpaid_months,
            FollowUp.unpaid_amount, FollowUp.unpaid_currency, FollowUp.notes, FollowUp.done_on,
            FollowUp.placement, FollowUp.placement.worker.as_alias("worker"),
            FollowUp.placement.worker.name.as_alias("worker_name"),
            FollowUp.placement.worker.county_code.as_alias("county_code"),
            FollowUp.placement.employer.as_alias("employer"),
            FollowUp.placement.employer.name.as_alias("employer_name"),
            FollowUp.placement.agency.as_alias("agency"), FollowUp.placement.agency.name.as_alias("agency_name"),
            FollowUp.placement.destination_country.as_alias("country"),
            FollowUp.placement.wage_currency.as_alias("wage_currency"),
        ), conditions)
        if not rows:
            raise RecordNotFound()
        f = rows[0]
        problem = f["reached"] is False or f["worker_status"] in followup_labels.PROBLEMS
        if f["status"] != "done" or not problem:
            raise FormErrors({"": _("Only a recorded follow-up that found a problem can be raised as a case.")})
        if await InspectionCase.exists().where(InspectionCase.followup == followup_id):
            raise FormErrors({"": _("A case has already been opened from this follow-up.")})
        abroad = f["country"] != "CN"
        by_employer = f["employer"] is not None
        finding = "unreachable" if f["reached"] is False else f["worker_status"]
        facts = f["notes"]
        if escalated:
            facts = _("Unreachable at two follow-ups in a row (the latest on %(date)s).",
                      date=f["done_on"].isoformat()) + ("\n" + facts if facts else "")
        case_id = await _insert_case(actor, dict(
            source="follow_up", followup=followup_id, placement=f["placement"], worker=f["worker"],
            employer=f["employer"], agency=f["agency"], respondent_type="employer" if by_employer else "agency",
            respondent_name=(f["employer_name"] if by_employer else f["agency_name"]) or "",
            # Abroad, domestic inspection cannot reach the employer: the route is the sending agency and the
            # commerce department. A domestic placement is in another province: its office has jurisdiction.
            jurisdiction="ABROAD" if abroad else "OUTSIDE", abroad=abroad, finding=finding, facts=facts,
            unpaid_months=f["unpaid_months"], currency=f["unpaid_currency"] or f["wage_currency"],
            amount_owed=f["unpaid_amount"],
        ))
        if escalated:
            params = {"case_id": case_id, "year": today().year, "worker": f["worker_name"]}
            await notify.notify_roles("worker_unreachable", f"unreachable:{case_id}", params, f"/cases/{case_id}",
                                      roles=("supervisor",), agency_id=f["agency"], county_code=f["county_code"])
    return case_id


async def open_case(actor: Actor, data: CaseCreate) -> int:
    """A case opened at the desk against an employer or an agency (routine inspection, campaign, report)."""
    from export_mgmt.agencies.tables import Agency
    from export_mgmt.employers.tables import Employer

    if not can_act(actor):
        raise AccessDenied()
    errors: dict[str, str] = {}
    if data.source not in labels.SOURCES or data.source in ("follow_up", "complaint"):
        errors["source"] = _("Choose one of the listed values.")
    if data.finding not in labels.FINDINGS:
        errors["finding"] = _("Choose one of the listed values.")
    if not jurisdiction_ok(data.jurisdiction):
        errors["jurisdiction"] = _("Choose one of the listed values.")
    if data.currency not in CURRENCIES:
        errors["currency"] = _("Choose one of the listed values.")
    if not 0 <= data.amount_owed <= MAX_AMOUNT:
        errors["amount_owed"] = _("This amount is too large.")
    if not 0 <= data.unpaid_months <= 120:
        errors["unpaid_months"] = _("Enter how many months are unpaid.")
    if len(data.facts) > 8000:
        errors["facts"] = _("At most %(n)s characters.", n=8000)
    if not data.facts.strip():
        errors["facts"] = _("Describe the facts.")
    async with write_transaction():
        name, employer_id, agency_id, abroad = "", None, None, False
        if data.respondent_type == "employer":
            row = await Employer.select().where(Employer.id == (data.employer_id or 0)).first()
            if row is None:
                errors["employer_id"] = _("Choose the employer.")
            else:
                name, employer_id, abroad = row["name"], row["id"], row["country"] != "CN"
        elif data.respondent_type == "agency":
            row = await Agency.select().where(Agency.id == (data.agency_id or 0)).first()
            if row is None:
                errors["agency_id"] = _("Choose the agency.")
            else:
                name, agency_id = row["name"], row["id"]
        else:
            errors["respondent_type"] = _("Choose one of the listed values.")
        if errors:
            raise FormErrors(errors)
        return await _insert_case(actor, dict(
            source=data.source, employer=employer_id, agency=agency_id, respondent_type=data.respondent_type,
            respondent_name=name, jurisdiction="ABROAD" if abroad else data.jurisdiction, abroad=abroad,
            finding=data.finding, facts=data.facts.strip(), unpaid_months=data.unpaid_months,
            currency=data.currency, amount_owed=data.amount_owed,
        ))


# ---- reading ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFilter:
    status: str = ""  # "" = all open; "all"; or one status
    mine: bool = False
    source: str = ""
    finding: str = ""


# next_deadline() in SQL, cases without a deadline last (SQLite would sort NULL first, PostgreSQL last).
_NEXT = ('CASE WHEN "inspection_case"."status" = \'rectification_ordered\' '
         'AND "inspection_case"."rectify_by" IS NOT NULL AND ("inspection_case"."investigate_by" IS NULL '
         'OR "inspection_case"."rectify_by" < "inspection_case"."investigate_by") '
         'THEN "inspection_case"."rectify_by" ELSE "inspection_case"."investigate_by" END')
DEADLINE_ORDER = f"CASE WHEN ({_NEXT}) IS NULL THEN 1 ELSE 0 END, {_NEXT}"

SUMMARY_COLUMNS = (
    InspectionCase.id, InspectionCase.source, InspectionCase.status, InspectionCase.finding,
    InspectionCase.respondent_type, InspectionCase.respondent_name,
    InspectionCase.worker.name.as_alias("worker_name"), InspectionCase.agency.name.as_alias("agency_name"),
    InspectionCase.jurisdiction, InspectionCase.abroad, InspectionCase.opened_on, InspectionCase.investigate_by,
    InspectionCase.rectify_by, InspectionCase.extended,
)


async def _inspector_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await CaseInspector.select(CaseInspector.inspection_case, Count(alias="n")).where(
        CaseInspector.inspection_case.is_in(ids)).group_by(CaseInspector.inspection_case)
    return {row["inspection_case"]: row["n"] for row in rows}


def _summary(row: dict, inspectors: int) -> dict:
    return dict(
        id=row["id"], number=case_number(row["id"], row["opened_on"]), source=row["source"], status=row["status"],
        finding=row["finding"], respondent_type=row["respondent_type"], respondent_name=row["respondent_name"],
        worker_name=row["worker_name"] or "", agency_name=row["agency_name"] or "",
        jurisdiction=row["jurisdiction"], abroad=row["abroad"], opened_on=row["opened_on"],
        investigate_by=row["investigate_by"], rectify_by=row["rectify_by"], next_deadline=next_deadline(row),
        extended=row["extended"], inspectors=inspectors)


async def search(actor: Actor, flt: CaseFilter, page: int = 1, page_size: int = 50) -> CasePage:
    """Cases in the actor's scope; open ones by their next deadline, the most pressing first."""
    conditions = scope(actor)
    if flt.status in labels.STATUS:
        conditions.append(InspectionCase.status == flt.status)
    elif flt.status != "all":
        conditions.append(InspectionCase.status.is_in(list(OPEN_STATUSES)))
    if flt.mine:
        conditions.append(InspectionCase.id.is_in(CaseInspector.select(CaseInspector.inspection_case).where(
            CaseInspector.inspector == actor.id)))
    if flt.source in labels.SOURCES:
        conditions.append(InspectionCase.source == flt.source)
    if flt.finding in labels.FINDINGS:
        conditions.append(InspectionCase.finding == flt.finding)
    page = max(page, 1)
    rows = await where_all(InspectionCase.select(*SUMMARY_COLUMNS), conditions).order_by(
        OrderByRaw(DEADLINE_ORDER)).order_by(InspectionCase.id).limit(page_size).offset((page - 1) * page_size)
    total = await where_all(InspectionCase.count(), conditions)
    counts = await _inspector_counts([r["id"] for r in rows])
    return CasePage(items=[CaseSummary(**_summary(r, counts.get(r["id"], 0))) for r in rows], total=total,
                    page=page, page_size=page_size)


async def get(actor: Actor, case_id: int) -> CaseRead:
    from export_mgmt.inspections.workflow import allowed_next

    rows = await where_all(InspectionCase.select(
        *SUMMARY_COLUMNS, *(c for c in InspectionCase.all_columns() if c._meta.name not in {
            col._meta.name for col in SUMMARY_COLUMNS}),
    ), scope(actor) + [InspectionCase.id == case_id])
    if not rows:
        raise RecordNotFound()
    r = rows[0]
    assigned = await CaseInspector.select(
        CaseInspector.inspector, CaseInspector.inspector.display_name.as_alias("name"), CaseInspector.assigned_on,
    ).where(CaseInspector.inspection_case == case_id).order_by(CaseInspector.id)
    referrals = await CaseReferral.select().where(CaseReferral.inspection_case == case_id).order_by(
        CaseReferral.sent_on, CaseReferral.id)
    rechecks = await FollowUp.select(
        FollowUp.id, FollowUp.seq, FollowUp.due_date, FollowUp.status, FollowUp.reached, FollowUp.worker_status,
        FollowUp.wages_paid_to,
    ).where((FollowUp.inspection_case == case_id) & (FollowUp.kind == "recheck")).order_by(FollowUp.seq)
    acting = can_act(actor)
    return CaseRead(
        **_summary(r, len(assigned)), followup_id=r["followup"], placement_id=r["placement"], worker_id=r["worker"],
        employer_id=r["employer"], agency_id=r["agency"], facts=r["facts"], unpaid_months=r["unpaid_months"],
        currency=r["currency"], amount_owed=r["amount_owed"], amount_ordered=r["amount_ordered"],
        amount_recovered=r["amount_recovered"], compensation_percent=r["compensation_percent"],
        penalty=r["penalty"], orders=r["orders"], closed_on=r["closed_on"],
        outcome=r["outcome"], version=r["version"],
        assigned=[InspectorRead(id=a["inspector"], name=a["name"], assigned_on=a["assigned_on"]) for a in assigned],
        referrals=[ReferralRead(id=x["id"], target=x["target"], sent_on=x["sent_on"], reference=x["reference"],
                                note=x["note"], reply=x["reply"], replied_on=x["replied_on"]) for x in referrals],
        rechecks=[RecheckRead(followup_id=x["id"], seq=x["seq"], due_date=x["due_date"], status=x["status"],
                              reached=x["reached"], worker_status=x["worker_status"],
                              wages_paid_to=x["wages_paid_to"]) for x in rechecks],
        next_statuses=allowed_next(r) if acting else [],
        can_act=acting and r["status"] in OPEN_STATUSES,
        can_extend=can_extend(actor) and not r["extended"] and r["status"] in OPEN_STATUSES,
        calendar_missing=r["investigate_by"] is None and r["status"] in OPEN_STATUSES,
    )


async def inspectors() -> list[dict]:
    """Active inspectors, for the assignment form."""
    from export_mgmt.accounts.tables import AppUser

    return await AppUser.select(AppUser.id, AppUser.display_name).where(
        (AppUser.role == "inspector") & (AppUser.active == True)).order_by(AppUser.display_name)  # noqa: E712


async def counts(actor: Actor) -> dict[str, int]:
    """Open cases in scope, and the actor's own, for the start page."""
    open_cases = await where_all(InspectionCase.count(), scope(actor) + [
        InspectionCase.status.is_in(list(OPEN_STATUSES))])
    mine = await InspectionCase.count().where(InspectionCase.status.is_in(list(OPEN_STATUSES)) & (
        InspectionCase.id.is_in(CaseInspector.select(CaseInspector.inspection_case).where(
            CaseInspector.inspector == actor.id)))) if actor.role == Role.inspector else 0
    return {"open": open_cases, "mine": mine}
