"""The inspection-case worklist as a download, through the worklist's own search, with the amounts of each case."""

from __future__ import annotations

from litestar import Request, Response

from export_mgmt.accounts.actor import Actor
from export_mgmt.db import where_all
from export_mgmt.i18n import N_, _
from export_mgmt.inspections import services
from export_mgmt.inspections.forms import LABELS, jurisdiction_label
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, field, label, money, yes_no

AMOUNTS = (InspectionCase.id, InspectionCase.currency, InspectionCase.amount_owed, InspectionCase.amount_ordered,
           InspectionCase.amount_recovered, InspectionCase.penalty, InspectionCase.unpaid_months,
           InspectionCase.closed_on)

COLUMNS = [
    Column(N_("Case number"), field("number")),
    Column(N_("Source"), label(LABELS.SOURCES, "source")),
    Column(N_("Status"), label(LABELS.STATUS, "status")),
    Column(N_("Finding"), label(LABELS.FINDINGS, "finding")),
    Column(N_("Respondent"), field("respondent_name")),
    Column(N_("Kind"), label(LABELS.RESPONDENTS, "respondent_type")),
    Column(N_("Employer abroad"), yes_no("abroad")),
    Column(N_("Worker"), field("worker_name")),
    Column(N_("Agency"), field("agency_name")),
    Column(N_("Jurisdiction"), lambda r: jurisdiction_label(r["jurisdiction"])),
    Column(N_("Opened on"), field("opened_on")),
    Column(N_("Investigation due by"), field("investigate_by")),
    Column(N_("Extended"), yes_no("extended")),
    Column(N_("Rectify by"), field("rectify_by")),
    Column(N_("Next deadline"), field("next_deadline")),
    Column(N_("Closed on"), field("closed_on")),
    Column(N_("Inspectors"), field("inspectors")),
    Column(N_("Months unpaid"), field("unpaid_months")),
    Column(N_("Currency"), field("currency")),
    Column(N_("Amount owed"), money("amount_owed", "currency")),
    Column(N_("Amount ordered"), money("amount_ordered", "currency")),
    Column(N_("Amount recovered"), money("amount_recovered", "currency")),
    Column(N_("Penalty (CNY)"), money("penalty", lambda r: LABELS.PENALTY_CURRENCY)),
]


async def download(request: Request, actor: Actor, flt: services.CaseFilter, fmt: str) -> Response:
    async def fetch(page: int, size: int):
        result = await services.search(actor, flt, page, size)
        return result.items, result.total

    items, total = await exports.collect(fetch)
    amounts: dict[int, dict] = {}
    for ids in exports.chunks([c.id for c in items]):
        for row in await where_all(InspectionCase.select(*AMOUNTS), services.scope(actor) + [
                InspectionCase.id.is_in(list(ids))]):
            amounts[row["id"]] = row
    rows = [{**{name: getattr(c, name) for name in c.__struct_fields__}, **amounts[c.id]} for c in items
            if c.id in amounts]
    return await exports.download(fmt, name="cases", title=_("Inspection cases"), columns=COLUMNS, rows=rows,
                                  total=total, actor=actor, request=request)
