"""Reading complaints, scoped to the actor inside the query; assigning inspectors; evidence.

Who sees what:
- the city's inspectors, supervisors and administrators: every complaint;
- a county office's clerks: the complaints routed to their county;
- agency staff: only the summary on their agency's page (never who complained).
A report's reporter is shown only to the inspectors handling it; an identity number in full only to roles that act
on a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piccolo.query import OrderByRaw
from piccolo.query.functions.aggregate import Count

from export_mgmt import idnumber
from export_mgmt.accounts.actor import SYSTEM, Actor, Role
from export_mgmt.accounts.tables import AppUser
from export_mgmt.audit import services as audit
from export_mgmt.clock import today
from export_mgmt.complaints import rules
from export_mgmt.complaints.deadlines import missing_years
from export_mgmt.complaints.schemas import (
    ComplaintPage,
    ComplaintRead,
    ComplaintSummary,
    DocumentRead,
    WorkerRead,
)
from export_mgmt.complaints.tables import Complaint, ComplaintDocument, ComplaintInspector, ComplaintWorker
from export_mgmt.db import where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.money import convert, to_minor
from export_mgmt.notifications import services as notify

ENTITY = "complaint"
CITY_WIDE = {Role.admin, Role.inspector, Role.supervisor}
CONFIDENTIAL = "***"


def scope(actor: Actor, table=Complaint) -> list:
    if actor is SYSTEM or actor.role in CITY_WIDE:
        return []
    if actor.role == Role.county_clerk and actor.county_code:
        return [table.route == actor.county_code]
    raise AccessDenied()


def can_act(actor: Actor) -> bool:
    """Inspectors handle complaints; administrators can step in."""
    return actor.role in {Role.inspector, Role.admin}


def can_extend(actor: Actor) -> bool:
    """The 30 more working days need the head's approval: supervisors (and administrators) give it."""
    return actor.role in {Role.supervisor, Role.admin}


def next_deadline(row: dict) -> tuple[dt.date | None, str]:
    """The statutory date the complaint's current status runs to, and which one it is."""
    column = rules.CLOCKS.get(row["status"])
    if column is None:
        return None, ""
    if column == "rectify_by" and row.get("investigate_by") and row.get("rectify_by"):
        # Both clocks run while an order stands: the earlier one is the one to watch.
        if row["investigate_by"] < row["rectify_by"]:
            return row["investigate_by"], "investigate_by"
    return row.get(column), column


def amount_cny(minor: int, currency: str) -> int:
    """Indicative CNY fen of an amount, to add up claims in several currencies."""
    return to_minor(convert(minor, currency, "CNY"), "CNY") if minor else 0


def reporter_visible(actor: Actor, kind: str, handling: bool) -> bool:
    if kind == "report":
        return handling
    return actor.role in CITY_WIDE or actor.role == Role.county_clerk or actor is SYSTEM


# ---- worklist --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ComplaintFilter:
    status: str = ""  # "" = open; "all"; or one status
    route: str = ""
    kind: str = ""
    mine: bool = False
    overdue: bool = False
    q: str = ""  # a tracking number


def due_sql(a: str = '"complaint"') -> str:
    """The running clock's date in SQL, as next_deadline() computes it."""
    return (f"CASE {a}.status WHEN 'received' THEN {a}.decide_by "
            f"WHEN 'accepted' THEN {a}.investigate_by WHEN 'investigating' THEN {a}.investigate_by "
            f"WHEN 'rectification_ordered' THEN {_earlier(a)} WHEN 'payment_ordered' THEN {_earlier(a)} END")


def _earlier(a: str) -> str:
    return (f"CASE WHEN {a}.investigate_by IS NOT NULL AND {a}.investigate_by < {a}.rectify_by "
            f"THEN {a}.investigate_by ELSE {a}.rectify_by END")


# Complaints without a running deadline last, on both engines (SQLite sorts NULL first, PostgreSQL last).
DEADLINE_ORDER = f"CASE WHEN ({due_sql()}) IS NULL THEN 1 ELSE 0 END, {due_sql()}"

SUMMARY_COLUMNS = (
    Complaint.id, Complaint.tracking_no, Complaint.kind, Complaint.status, Complaint.route,
    Complaint.respondent_name, Complaint.complainant_name, Complaint.anonymous, Complaint.received_on,
    Complaint.decide_by, Complaint.investigate_by, Complaint.rectify_by,
)


def overdue_condition(on: dt.date):
    """Complaints whose running clock has passed `on`."""
    return (((Complaint.status == "received") & (Complaint.decide_by < on))
            | (Complaint.status.is_in(["accepted", "investigating"]) & (Complaint.investigate_by < on))
            | (Complaint.status.is_in(["rectification_ordered", "payment_ordered"])
               & ((Complaint.rectify_by < on) | (Complaint.investigate_by < on))))


async def _worker_totals(ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per complaint: number of workers and the amount claimed in CNY fen."""
    if not ids:
        return {}
    rows = await ComplaintWorker.select(ComplaintWorker.complaint, ComplaintWorker.currency,
                                        ComplaintWorker.amount_owed).where(ComplaintWorker.complaint.is_in(ids))
    totals: dict[int, tuple[int, int]] = {}
    for r in rows:
        n, cny = totals.get(r["complaint"], (0, 0))
        totals[r["complaint"]] = (n + 1, cny + amount_cny(r["amount_owed"], r["currency"]))
    return totals


def _summary(actor: Actor, r: dict, totals: tuple[int, int], handling: bool, on: dt.date) -> ComplaintSummary:
    due, kind = next_deadline(r)
    if r["anonymous"]:
        complainant = _("Anonymous")
    elif reporter_visible(actor, r["kind"], handling):
        complainant = r["complainant_name"]
    else:
        complainant = CONFIDENTIAL
    return ComplaintSummary(
        id=r["id"], tracking_no=r["tracking_no"], kind=r["kind"], status=r["status"], route=r["route"],
        respondent_name=r["respondent_name"], complainant=complainant, workers=totals[0],
        received_on=r["received_on"], next_deadline=due, deadline_kind=kind, overdue=bool(due and due < on),
        amount_owed_cny=totals[1])


async def _handled_by(actor: Actor, ids: list[int]) -> set[int]:
    if not ids or actor.role != Role.inspector:
        return set()
    rows = await ComplaintInspector.select(ComplaintInspector.complaint).where(
        ComplaintInspector.complaint.is_in(ids) & (ComplaintInspector.inspector == actor.id))
    return {r["complaint"] for r in rows}


async def search(actor: Actor, flt: ComplaintFilter, page: int = 1, page_size: int = 50) -> ComplaintPage:
    """Complaints in the actor's scope; open ones by their next statutory deadline, the most pressing first."""
    on = today()
    conditions = scope(actor)
    if flt.status in rules.TRANSITIONS:
        conditions.append(Complaint.status == flt.status)
    elif flt.status != "all":
        conditions.append(Complaint.status.is_in(list(rules.OPEN)))
    if flt.route and rules.valid_route(flt.route):
        conditions.append(Complaint.route == flt.route)
    if flt.kind in ("complaint", "report"):
        conditions.append(Complaint.kind == flt.kind)
    if flt.mine:
        conditions.append(Complaint.id.is_in(ComplaintInspector.select(ComplaintInspector.complaint).where(
            ComplaintInspector.inspector == actor.id)))
    if flt.overdue:
        conditions.append(overdue_condition(on))
    if flt.q.strip():
        conditions.append(Complaint.tracking_no == rules.normalise_code(flt.q)[:16])
    page = max(page, 1)
    rows = await where_all(Complaint.select(*SUMMARY_COLUMNS), conditions).order_by(
        OrderByRaw(DEADLINE_ORDER)).order_by(Complaint.id).limit(page_size).offset((page - 1) * page_size)
    total = await where_all(Complaint.count(), conditions)
    ids = [r["id"] for r in rows]
    totals = await _worker_totals(ids)
    handled = await _handled_by(actor, ids)
    return ComplaintPage(items=[_summary(actor, r, totals.get(r["id"], (0, 0)), r["id"] in handled, on)
                                for r in rows], total=total, page=page)


# ---- one complaint ---------------------------------------------------------------------------------------

async def _row(actor: Actor, complaint_id: int) -> dict:
    rows = await where_all(Complaint.select(
        *Complaint.all_columns(), Complaint.employer.name.as_alias("employer_name"),
        Complaint.agency.name.as_alias("agency_name")), scope(actor) + [Complaint.id == complaint_id])
    if not rows:
        raise RecordNotFound()
    return rows[0]


async def assigned(complaint_id: int) -> list[dict]:
    return await ComplaintInspector.select(
        ComplaintInspector.inspector.as_alias("id"), ComplaintInspector.inspector.display_name.as_alias("name"),
        ComplaintInspector.assigned_on,
    ).where(ComplaintInspector.complaint == complaint_id).order_by(ComplaintInspector.id)


def _id_shown(actor: Actor, number: str) -> str:
    if not number:
        return ""
    return number if actor.sees_full_id_numbers else idnumber.mask(number)


async def get(actor: Actor, complaint_id: int, shown: bool = True) -> ComplaintRead:
    """`shown`: the record goes to the actor (not a scope check), so identity numbers read in full leave a row in
    the audit trail."""
    r = await _row(actor, complaint_id)
    inspectors = await assigned(complaint_id)
    handling = any(i["id"] == actor.id for i in inspectors)
    visible = reporter_visible(actor, r["kind"], handling) and not r["anonymous"]
    workers = await ComplaintWorker.select().where(ComplaintWorker.complaint == complaint_id).order_by(
        ComplaintWorker.id)
    documents = await ComplaintDocument.select().where(ComplaintDocument.complaint == complaint_id).order_by(
        ComplaintDocument.id)
    evidence_visible = r["kind"] != "report" or handling
    due, kind = next_deadline(r)
    pending = []
    if r["status"] == "received" and r["decide_by"] is None:
        pending.append((r["received_on"], rules.DECIDE_WORKING_DAYS))
    if r["status"] in ("accepted", "investigating", "rectification_ordered", "payment_ordered") \
            and r["investigate_by"] is None and r["decided_on"]:
        pending.append((r["decided_on"], rules.INVESTIGATION_WORKING_DAYS
                        + (rules.EXTENSION_WORKING_DAYS if r["extended"] else 0)))
    hidden = "" if visible else (CONFIDENTIAL if not r["anonymous"] else "")
    if shown and actor.sees_full_id_numbers and (
            (visible and r["complainant_id_number"]) or any(w["id_number"] for w in workers)):
        await audit.record_full_numbers_shown(actor, "complaint", complaint_id)
    return ComplaintRead(
        id=r["id"], tracking_no=r["tracking_no"], kind=r["kind"], channel=r["channel"], anonymous=r["anonymous"],
        reporter_visible=visible,
        complainant_name=r["complainant_name"] if visible else hidden,
        complainant_id_number=_id_shown(actor, r["complainant_id_number"]) if visible else hidden,
        complainant_phone=r["complainant_phone"] if visible else hidden,
        complainant_address=r["complainant_address"] if visible else hidden,
        relationship=r["relationship"], oral_confirmed=r["oral_confirmed"],
        respondent_name=r["respondent_name"], respondent_address=r["respondent_address"],
        respondent_legal_rep=r["respondent_legal_rep"], employer_id=r["employer"],
        employer_name=r["employer_name"] or "", agency_id=r["agency"], agency_name=r["agency_name"] or "",
        placement_id=r["placement"], work_place=r["work_place"], work_country=r["work_country"],
        work_location=r["work_location"], arrears_from=r["arrears_from"], arrears_to=r["arrears_to"],
        too_old=rules.too_old(r["arrears_from"], r["arrears_to"], r["first_received_on"] or r["received_on"]),
        # The payout account is the worker's: shown to those who act on the complaint.
        payout_account=r["payout_account"] if (can_act(actor) or actor.role == Role.supervisor) else
        (CONFIDENTIAL if r["payout_account"] else ""),
        facts=r["facts"], request=r["request"], route=r["route"], status=r["status"],
        received_on=r["received_on"], decide_by=r["decide_by"], decided_on=r["decided_on"],
        reject_reason=r["reject_reason"], decision_note=r["decision_note"], investigate_by=r["investigate_by"],
        extended=r["extended"], rectify_by=r["rectify_by"], orders=r["orders"],
        compensation_percent=r["compensation_percent"], penalty=r["penalty"], transferred_on=r["transferred_on"],
        outcome=r["outcome"], outcome_note=r["outcome_note"], closed_on=r["closed_on"],
        serious_incident=r["serious_incident"], inspection_case_id=r["inspection_case"],
        created_by=r["created_by"], version=r["version"],
        workers=[WorkerRead(id=w["id"], worker_id=w["worker"], name=w["name"],
                            id_number=_id_shown(actor, w["id_number"]), representative=w["representative"],
                            months_owed=w["months_owed"], currency=w["currency"], amount_owed=w["amount_owed"],
                            amount_ordered=w["amount_ordered"], amount_recovered=w["amount_recovered"],
                            recovered_cny=w["recovered_cny"], fx_rate=w["fx_rate"], fx_date=w["fx_date"])
                 for w in workers],
        documents=[DocumentRead(id=d["id"], kind=d["kind"], filename=d["filename"], content_type=d["content_type"],
                                size=d["size"], uploaded_at=d["uploaded_at"], uploaded_by=d["uploaded_by"])
                   for d in documents] if evidence_visible else [],
        documents_hidden=0 if evidence_visible else len(documents),
        inspectors=inspectors, next_deadline=due, deadline_kind=kind, calendar_missing=await missing_years(pending),
        allowed=list(rules.allowed_next(r["status"])) if can_act(actor) else [],
        can_act=can_act(actor), can_extend=can_extend(actor) and not r["extended"] and r["status"] in (
            "accepted", "investigating", "rectification_ordered", "payment_ordered"),
        handling=handling,
    )


async def history(actor: Actor, complaint_id: int) -> list:
    await _row(actor, complaint_id)  # scope check
    return await audit.history(ENTITY, complaint_id)


async def document(actor: Actor, complaint_id: int, document_id: int) -> dict:
    """An evidence file's row, if the complaint is in the actor's scope.

    A report's evidence (an identity card copy, a signed statement) can name the reporter: only the inspectors
    handling it may open it.
    """
    r = await _row(actor, complaint_id)
    if r["kind"] == "report" and not any(i["id"] == actor.id for i in await assigned(complaint_id)):
        raise AccessDenied()
    row = await ComplaintDocument.select().where(
        (ComplaintDocument.id == document_id) & (ComplaintDocument.complaint == complaint_id)).first()
    if row is None:
        raise RecordNotFound()
    return row


async def inspectors() -> list[dict]:
    return await AppUser.select(AppUser.id, AppUser.display_name).where(
        (AppUser.role == "inspector") & (AppUser.active == True)).order_by(AppUser.display_name)  # noqa: E712


# ---- assigning -------------------------------------------------------------------------------------------

async def assign(actor: Actor, complaint_id: int, inspector_ids: list[int]) -> int:
    """Add inspectors; returns how many were new. An inspector may take a complaint on themselves."""
    if not can_act(actor):
        raise AccessDenied()
    async with write_transaction():
        r = await _row(actor, complaint_id)
        if r["status"] not in rules.OPEN:
            raise FormErrors({"": _("The complaint is no longer open.")})
        wanted = sorted({int(i) for i in inspector_ids})
        valid = await AppUser.select(AppUser.id, AppUser.display_name).where(
            AppUser.id.is_in(wanted or [0]) & (AppUser.role == "inspector") & (AppUser.active == True))  # noqa: E712
        if not wanted or len(valid) != len(wanted):
            raise FormErrors({"inspector_ids": _("Choose one or more of the listed inspectors.")})
        existing = {i["id"] for i in await assigned(complaint_id)}
        new = [v for v in valid if v["id"] not in existing]
        if not new:
            return 0
        on = today()
        await ComplaintInspector.insert(*(ComplaintInspector(complaint=complaint_id, inspector=v["id"],
                                                             assigned_on=on, assigned_by=actor.username)
                                          for v in new))
        await audit.record(actor, ENTITY, complaint_id, "inspectors_assigned",
                           {"inspectors": [None, ", ".join(v["display_name"] for v in new)]})
        await notify.notify_roles("complaint_assigned", f"complaint-assigned:{complaint_id}",
                                  {"tracking": r["tracking_no"]}, f"/complaints/{complaint_id}",
                                  user_ids=tuple(v["id"] for v in new if v["id"] != actor.id))
    return len(new)


# ---- on other records ------------------------------------------------------------------------------------

async def about(actor: Actor, agency_id: int | None = None, employer_id: int | None = None) -> list[dict]:
    """Complaints naming an agency or an employer, for their pages: no complainant, only the facts of record.

    City-wide roles see every one; an agency's staff those about their own agency.
    """
    if actor.role in CITY_WIDE:
        pass
    elif actor.role == Role.agency_staff and agency_id is not None and actor.agency_id == agency_id:
        pass
    else:
        return []
    condition = Complaint.agency == agency_id if agency_id is not None else Complaint.employer == employer_id
    rows = await Complaint.select(Complaint.id, Complaint.tracking_no, Complaint.kind, Complaint.status,
                                  Complaint.received_on, Complaint.closed_on, Complaint.outcome,
                                  Complaint.respondent_name).where(condition).order_by(
        Complaint.received_on, ascending=False).limit(200)
    totals = await _worker_totals([r["id"] for r in rows])
    for r in rows:
        r["workers"], r["amount_owed_cny"] = totals.get(r["id"], (0, 0))
        r["link"] = actor.role in CITY_WIDE
        if not r["link"]:
            # With a tracking number an agency could probe the public tracking page about who complained.
            r["tracking_no"] = ""
    return rows


async def counts(actor: Actor) -> dict[str, int]:
    """Open, overdue and (for an inspector) own complaints: the home page's card."""
    try:
        conditions = scope(actor)
    except AccessDenied:
        return {}
    open_ = Complaint.status.is_in(list(rules.OPEN))
    result = {"open": await where_all(Complaint.count(), conditions + [open_]),
              "overdue": await where_all(Complaint.count(), conditions + [open_, overdue_condition(today())])}
    if actor.role == Role.inspector:
        result["mine"] = await Complaint.count().where(open_ & Complaint.id.is_in(
            ComplaintInspector.select(ComplaintInspector.complaint).where(ComplaintInspector.inspector == actor.id)))
    return result


async def inspector_load() -> dict[int, int]:
    rows = await ComplaintInspector.select(ComplaintInspector.inspector, Count(alias="n")).where(
        ComplaintInspector.complaint.status.is_in(list(rules.OPEN))).group_by(ComplaintInspector.inspector)
    return {r["inspector"]: r["n"] for r in rows}
