"""Follow-up actions: worklists, recording what a follow-up found, evidence; every query scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from piccolo.query.functions.aggregate import Max

from export_mgmt import uploads
from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.clock import today, utcnow
from export_mgmt.db import where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.fields import date as parse_date
from export_mgmt.followups import labels
from export_mgmt.followups.schemas import EvidenceRead, FollowUpPage, FollowUpRead, FollowUpRecord, FollowUpSummary
from export_mgmt.followups.sweeps import LEAD_DAYS
from export_mgmt.followups.tables import FollowUp, FollowUpDocument
from export_mgmt.i18n import _
from export_mgmt.money import CURRENCIES
from export_mgmt.placements import services as placements
from export_mgmt.placements.rules import MAX_AMOUNT
from export_mgmt.placements.tables import Placement

OPEN = ("pending", "overdue")


def scope(actor: Actor, followup=FollowUp) -> list:
    """A follow-up is visible to whoever sees its placement."""
    return placements.scope(actor, followup.placement)


def can_record(actor: Actor) -> bool:
    """The agency for its placements, the county office for its workers, inspectors for re-checks."""
    if actor.role == Role.agency_staff:
        return actor.agency_id is not None
    return actor.role in {Role.county_clerk, Role.admin, Role.inspector}


def can_raise_case(actor: Actor, row: dict) -> bool:
    return (can_record(actor) and row["status"] == "done" and row["case_id"] is None
            and (row["reached"] is False or row["worker_status"] in labels.PROBLEMS))


@dataclass(frozen=True)
class FollowUpFilter:
    status: str = ""  # "" = still open (due or overdue); or one status
    kind: str = ""
    agency_id: int | None = None
    county_code: str = ""
    placement_id: int | None = None
    q: str = ""


def _conditions(actor: Actor, flt: FollowUpFilter, on: dt.date) -> list:
    conditions = scope(actor)
    if flt.status in labels.STATUS:
        conditions.append(FollowUp.status == flt.status)
    else:
        # The worklist: what is overdue, and what falls due within the lead time.
        conditions.append(FollowUp.status.is_in(list(OPEN)))
        conditions.append(FollowUp.due_date <= on + dt.timedelta(days=LEAD_DAYS))
    if flt.kind in labels.KINDS:
        conditions.append(FollowUp.kind == flt.kind)
    if flt.agency_id:
        conditions.append(FollowUp.placement.agency == flt.agency_id)
    if flt.county_code:
        conditions.append(FollowUp.placement.worker.county_code == flt.county_code)
    if flt.placement_id:
        conditions.append(FollowUp.placement == flt.placement_id)
    if flt.q.strip():
        from export_mgmt.db import contains

        conditions.append(contains(FollowUp.placement.worker.name, flt.q))
    return conditions


SUMMARY_COLUMNS = (
    FollowUp.id, FollowUp.placement, FollowUp.placement.worker.name.as_alias("worker_name"),
    FollowUp.placement.agency.as_alias("agency_id"), FollowUp.placement.agency.name.as_alias("agency_name"),
    FollowUp.placement.worker.county_code.as_alias("county_code"),
    FollowUp.placement.destination_country.as_alias("destination_country"), FollowUp.kind, FollowUp.seq,
    FollowUp.due_date, FollowUp.overdue_after, FollowUp.status, FollowUp.done_on, FollowUp.reached,
    FollowUp.worker_status,
)


async def _case_ids(followup_ids: list[int]) -> dict[int, int]:
    from export_mgmt.inspections.tables import InspectionCase

    if not followup_ids:
        return {}
    rows = await InspectionCase.select(InspectionCase.id, InspectionCase.followup).where(
        InspectionCase.followup.is_in(followup_ids))
    return {row["followup"]: row["id"] for row in rows}


def _summary(row: dict, case_id: int | None) -> dict:
    return dict(id=row["id"], placement_id=row["placement"], worker_name=row["worker_name"],
                agency_id=row["agency_id"], agency_name=row["agency_name"], county_code=row["county_code"],
                destination_country=row["destination_country"], kind=row["kind"], seq=row["seq"],
                due_date=row["due_date"], overdue_after=row["overdue_after"], status=row["status"],
                done_on=row["done_on"], reached=row["reached"], worker_status=row["worker_status"], case_id=case_id)


async def worklist(actor: Actor, flt: FollowUpFilter, page: int = 1, page_size: int = 50) -> FollowUpPage:
    """Follow-ups in the actor's area: by default what is overdue or due soon, the oldest first."""
    conditions = _conditions(actor, flt, today())
    page = max(page, 1)
    open_list = flt.status in ("", "pending", "overdue")
    rows = await where_all(FollowUp.select(*SUMMARY_COLUMNS), conditions).order_by(
        FollowUp.due_date, ascending=open_list).order_by(FollowUp.id).limit(page_size).offset((page - 1) * page_size)
    total = await where_all(FollowUp.count(), conditions)
    cases = await _case_ids([r["id"] for r in rows])
    return FollowUpPage(items=[FollowUpSummary(**_summary(r, cases.get(r["id"]))) for r in rows], total=total,
                        page=page, page_size=page_size)


async def get(actor: Actor, followup_id: int) -> FollowUpRead:
    rows = await where_all(FollowUp.select(
        *SUMMARY_COLUMNS, FollowUp.placement.programme.as_alias("programme"),
        FollowUp.placement.wage_currency.as_alias("wage_currency"),
        FollowUp.placement.employer.as_alias("employer_id"),
        FollowUp.placement.employer.name.as_alias("employer_name"), FollowUp.method, FollowUp.wages_paid_to,
        FollowUp.unpaid_months, FollowUp.unpaid_amount, FollowUp.unpaid_currency, FollowUp.notes,
        FollowUp.recorded_by, FollowUp.recorded_at, FollowUp.inspection_case,
    ), scope(actor) + [FollowUp.id == followup_id])
    if not rows:
        raise RecordNotFound()
    r = rows[0]
    case_id = (await _case_ids([followup_id])).get(followup_id)
    docs = await FollowUpDocument.select().where(FollowUpDocument.followup == followup_id).order_by(
        FollowUpDocument.id)
    summary = _summary(r, case_id)
    return FollowUpRead(
        **summary, programme=r["programme"], wage_currency=r["wage_currency"], employer_id=r["employer_id"],
        employer_name=r["employer_name"] or "", method=r["method"], wages_paid_to=r["wages_paid_to"],
        unpaid_months=r["unpaid_months"], unpaid_amount=r["unpaid_amount"], unpaid_currency=r["unpaid_currency"],
        notes=r["notes"], recorded_by=r["recorded_by"], recorded_at=r["recorded_at"],
        inspection_case=r["inspection_case"],
        evidence=[EvidenceRead(id=d["id"], filename=d["filename"], content_type=d["content_type"], size=d["size"],
                               uploaded_at=d["uploaded_at"]) for d in docs],
        can_record=can_record(actor) and r["status"] in OPEN,
        can_raise_case=can_raise_case(actor, summary),
    )


def validate(data: FollowUpRecord, due_date: dt.date | None = None) -> tuple[dict, dict[str, str]]:
    """The recorded values, checked; errors keyed by field."""
    errors: dict[str, str] = {}
    done_on = parse_date(data.done_on, "done_on", errors, required=True)
    if done_on and done_on > today():
        errors["done_on"] = _("The date cannot be in the future.")
    if data.method not in labels.METHODS:
        errors["method"] = _("Choose one of the listed values.")
    worker_status = data.worker_status if data.reached else ""
    if data.reached and worker_status not in labels.WORKER_STATUSES:
        errors["worker_status"] = _("Choose how the worker is doing.")
    wages_paid_to = parse_date(data.wages_paid_to, "wages_paid_to", errors) if data.reached else None
    if wages_paid_to and done_on and wages_paid_to > done_on:
        errors["wages_paid_to"] = _("Wages cannot be paid up to a date after the follow-up.")
    unpaid = worker_status == "wages_unpaid"
    if unpaid:
        if not 0 < data.unpaid_months <= 120:
            errors["unpaid_months"] = _("Enter how many months are unpaid.")
        if data.unpaid_amount <= 0:
            errors["unpaid_amount"] = _("Enter the amount unpaid.")
        elif data.unpaid_amount > MAX_AMOUNT:
            errors["unpaid_amount"] = _("This amount is too large.")
        if data.unpaid_currency not in CURRENCIES:
            errors["unpaid_currency"] = _("Choose one of the listed values.")
    if len(data.notes) > 4000:
        errors["notes"] = _("At most %(n)s characters.", n=4000)
    values = {
        "done_on": done_on, "method": data.method, "reached": data.reached, "worker_status": worker_status,
        "wages_paid_to": wages_paid_to, "unpaid_months": data.unpaid_months if unpaid else 0,
        "unpaid_amount": data.unpaid_amount if unpaid else 0,
        "unpaid_currency": data.unpaid_currency if unpaid else "", "notes": data.notes.strip(),
    }
    return values, errors


async def _write_record(actor: Actor, followup_id: int, before: dict, values: dict) -> None:
    await FollowUp.update({
        **{getattr(FollowUp, name): value for name, value in values.items()},
        FollowUp.status: "done", FollowUp.recorded_by: actor.username, FollowUp.recorded_at: utcnow(),
        FollowUp.version: FollowUp.version + 1,
    }).where(FollowUp.id == followup_id)
    await audit.record(actor, "followup", followup_id, "recorded",
                       audit.diff(before, {**values, "status": "done"}))


async def record(actor: Actor, followup_id: int, data: FollowUpRecord) -> None:
    """Record what a due or overdue follow-up found; then escalate a worker twice unreachable."""
    if not can_record(actor):
        raise AccessDenied()
    values, errors = validate(data)
    async with write_transaction():
        rows = await where_all(FollowUp.select(), scope(actor) + [FollowUp.id == followup_id])
        if not rows:
            raise RecordNotFound()
        before = rows[0]
        if before["status"] not in OPEN:
            errors[""] = _("This follow-up is no longer open: it was recorded or is no longer due.")
        if errors:
            raise FormErrors(errors)
        await _write_record(actor, followup_id, before, values)
        placement_id = before["placement"]
    if values["reached"] is False:
        from export_mgmt.followups.escalation import escalate_unreachable

        await escalate_unreachable(placement_id)


async def record_unscheduled(actor: Actor, placement_id: int, data: FollowUpRecord) -> int:
    """A follow-up outside the schedule (the worker called, a visit on other business)."""
    if not can_record(actor):
        raise AccessDenied()
    values, errors = validate(data)
    async with write_transaction():
        if not await where_all(Placement.exists(), placements.scope(actor) + [Placement.id == placement_id]):
            raise RecordNotFound()
        if errors:
            raise FormErrors(errors)
        last = await FollowUp.select(Max(FollowUp.seq, alias="n")).where(
            (FollowUp.placement == placement_id) & (FollowUp.kind == "adhoc")).first()
        on = values["done_on"]
        rows = await FollowUp.insert(FollowUp(
            placement=placement_id, kind="adhoc", seq=((last or {}).get("n") or 0) + 1, due_date=on,
            overdue_after=on)).returning(FollowUp.id)
        followup_id = rows[0]["id"]
        await _write_record(actor, followup_id, {}, values)
    if values["reached"] is False:
        from export_mgmt.followups.escalation import escalate_unreachable

        await escalate_unreachable(placement_id)
    return followup_id


async def add_evidence(actor: Actor, followup_id: int, filename: str, data: bytes) -> int:
    if not can_record(actor):
        raise AccessDenied()
    checked = uploads.check(filename, data, field="evidence")
    await get(actor, followup_id)  # no file lands on disk for a follow-up out of reach
    async with uploads.stored(checked, data):
        async with write_transaction():
            if not await where_all(FollowUp.exists(), scope(actor) + [FollowUp.id == followup_id]):
                raise RecordNotFound()
            rows = await FollowUpDocument.insert(FollowUpDocument(
                followup=followup_id, filename=checked.filename, content_type=checked.content_type,
                size=checked.size, sha256=checked.sha256, stored_name=checked.stored_name,
                uploaded_by=actor.username,
            )).returning(FollowUpDocument.id)
            await audit.record(actor, "followup", followup_id, "evidence_added",
                               {"document": [None, checked.filename]})
    return rows[0]["id"]


async def open_evidence(actor: Actor, followup_id: int, document_id: int) -> tuple[dict, Path]:
    visible = await where_all(FollowUp.exists(), scope(actor) + [FollowUp.id == followup_id])
    row = await FollowUpDocument.select().where(
        (FollowUpDocument.id == document_id) & (FollowUpDocument.followup == followup_id)).first()
    if not visible or row is None:
        raise RecordNotFound()
    return row, uploads.upload_dir() / row["stored_name"]


async def counts(actor: Actor) -> dict[str, int]:
    """Overdue and due-soon follow-ups in the actor's area, for the start page."""
    on = today()
    overdue = await where_all(FollowUp.count(), scope(actor) + [FollowUp.status == "overdue"])
    due = await where_all(FollowUp.count(), scope(actor) + [
        FollowUp.status == "pending", FollowUp.due_date <= on + dt.timedelta(days=LEAD_DAYS)])
    return {"overdue": overdue, "due": due}


async def for_placement(actor: Actor, placement_id: int) -> list[FollowUpSummary]:
    """Every follow-up of one placement, whatever its status, by due date (the placement page's list)."""
    rows = await where_all(FollowUp.select(*SUMMARY_COLUMNS), scope(actor) + [FollowUp.placement == placement_id]) \
        .order_by(FollowUp.due_date).order_by(FollowUp.id)
    cases = await _case_ids([r["id"] for r in rows])
    return [FollowUpSummary(**_summary(r, cases.get(r["id"]))) for r in rows]
