"""The follow-up worklist as a download: the list's filters and scope (the service's conditions), with findings."""

from __future__ import annotations

from types import SimpleNamespace

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import today
from export_mgmt.db import where_all
from export_mgmt.followups import services
from export_mgmt.followups.forms import LABELS, is_late
from export_mgmt.followups.tables import FollowUp
from export_mgmt.i18n import N_, _
from export_mgmt.inspections.services import case_number
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, county, field, label, money, yes_no

SELECTED = (
    *services.SUMMARY_COLUMNS, FollowUp.placement.programme.as_alias("programme"), FollowUp.method,
    FollowUp.wages_paid_to, FollowUp.unpaid_months, FollowUp.unpaid_amount, FollowUp.unpaid_currency,
    FollowUp.recorded_by,
)


def _kind(row: dict) -> str:
    text = _(LABELS.KINDS.get(row["kind"], row["kind"]))
    if row["kind"] == "periodic":
        return text + " · " + _("month %(n)s", n=row["seq"])
    if row["kind"] == "recheck":
        return text + " · " + _("order %(n)s", n=row["seq"])
    return text


def _status(row: dict) -> str:
    """As the worklist shows it: open and past its overdue date is overdue, swept or not."""
    late = is_late(SimpleNamespace(status=row["status"], overdue_after=row["overdue_after"]), today())
    code = "overdue" if late else row["status"]
    return _(LABELS.STATUS.get(code, code))


def columns(cases: dict[int, str]) -> list[Column]:
    return [
        Column(N_("Record number"), field("id")),
        Column(N_("Due date"), field("due_date")),
        Column(N_("Overdue after"), field("overdue_after")),
        Column(N_("Worker"), field("worker_name")),
        Column(N_("Worker's county"), county("county_code")),
        Column(N_("Destination"), label(LABELS.COUNTRIES, "destination_country")),
        Column(N_("Programme"), label(LABELS.PROGRAMMES, "programme")),
        Column(N_("Agency"), field("agency_name")),
        Column(N_("Placement"), field("placement")),
        Column(N_("Kind"), _kind),
        Column(N_("Status"), _status),
        Column(N_("Done on"), field("done_on")),
        Column(N_("How"), label(LABELS.METHODS, "method")),
        Column(N_("Worker reached"), yes_no("reached")),
        Column(N_("How the worker is doing"), label(LABELS.WORKER_STATUSES, "worker_status")),
        Column(N_("Wages paid up to"), field("wages_paid_to")),
        Column(N_("Months unpaid"), lambda r: r["unpaid_months"] or None),
        Column(N_("Currency"), field("unpaid_currency")),
        Column(N_("Amount unpaid"), lambda r: money("unpaid_amount", "unpaid_currency")(r) if r["unpaid_amount"]
               else None),
        Column(N_("Recorded by"), field("recorded_by")),
        Column(N_("Inspection case"), lambda r: cases.get(r["id"], "")),
    ]


async def _case_numbers() -> dict[int, str]:
    """Follow-up -> number of the case opened from it (cases from follow-ups are few: one query for them all)."""
    rows = await InspectionCase.select(InspectionCase.id, InspectionCase.followup, InspectionCase.opened_on).where(
        InspectionCase.followup.is_not_null())
    return {r["followup"]: case_number(r["id"], r["opened_on"]) for r in rows}


async def download(request: Request, actor: Actor, flt: services.FollowUpFilter, fmt: str) -> Response:
    conditions = services._conditions(actor, flt, today())
    open_list = flt.status in ("", "pending", "overdue")
    rows, total = await exports.limited(
        where_all(FollowUp.select(*SELECTED), conditions).order_by(FollowUp.due_date, ascending=open_list).order_by(
            FollowUp.id),
        where_all(FollowUp.count(), conditions))
    return await exports.download(fmt, name="followups", title=_("Follow-ups"), columns=columns(await _case_numbers()),
                                  rows=rows, total=total, actor=actor, request=request)
