"""The placement list and the flagged fees as downloads: the lists' filters and scope (the service's conditions)."""

from __future__ import annotations

from litestar import Request, Response
from piccolo.query.functions.aggregate import Count

from export_mgmt.accounts.actor import Actor
from export_mgmt.db import where_all
from export_mgmt.i18n import N_, _
from export_mgmt.placements import services
from export_mgmt.placements.forms import LABELS
from export_mgmt.placements.tables import FeeEntry, Placement
from export_mgmt.web import exports
from export_mgmt.web.exports import Column, county, field, label, masked_id, money, yes_no

SELECTED = (
    Placement.id, Placement.worker.name.as_alias("worker_name"),
    Placement.worker.id_number.as_alias("worker_id_number"),
    Placement.worker.county_code.as_alias("worker_county_code"), Placement.agency.name.as_alias("agency_name"),
    Placement.employer.name.as_alias("employer_name"), Placement.destination_country, Placement.destination_city,
    Placement.destination_group, Placement.programme, Placement.job_title, Placement.sector,
    Placement.contract_start, Placement.contract_end, Placement.departure_date, Placement.wage_currency,
    Placement.basic_wage, Placement.gross_wage, Placement.accident_insurance, Placement.status,
    Placement.status_changed_on,
)


def columns(flagged: dict[int, int]) -> list[Column]:
    return [
        Column(N_("Record number"), field("id")),
        Column(N_("Worker"), field("worker_name")),
        Column(N_("Identity number"), masked_id("worker_id_number")),
        Column(N_("Household county"), county("worker_county_code")),
        Column(N_("Agency"), field("agency_name")),
        Column(N_("Destination"), label(LABELS.COUNTRIES, "destination_country")),
        Column(N_("City or province"), field("destination_city")),
        Column(N_("Domestic group"), label(LABELS.DOMESTIC_GROUPS, "destination_group")),
        Column(N_("Programme"), label(LABELS.PROGRAMMES, "programme")),
        Column(N_("Employer"), lambda r: r["employer_name"] or ""),
        Column(N_("Job title"), field("job_title")),
        Column(N_("Sector"), label(LABELS.SECTORS, "sector")),
        Column(N_("Contract start"), field("contract_start")),
        Column(N_("Contract end"), field("contract_end")),
        Column(N_("Departure date"), field("departure_date")),
        Column(N_("Currency"), field("wage_currency")),
        Column(N_("Basic monthly wage"), money("basic_wage", "wage_currency")),
        Column(N_("Gross monthly wage"), money("gross_wage", "wage_currency")),
        Column(N_("Accident insurance"), yes_no("accident_insurance")),
        Column(N_("Status"), label(LABELS.STATUS, "status")),
        Column(N_("Since"), field("status_changed_on")),
        Column(N_("Flagged fees"), lambda r: flagged.get(r["id"], 0)),
    ]


async def _flag_counts(actor: Actor) -> dict[int, int]:
    """Fees over a cap or prohibited, per placement in the actor's scope: one grouped query."""
    rows = await where_all(FeeEntry.select(FeeEntry.placement, Count(alias="n")),
                           [FeeEntry.flag != "ok"] + services.scope(actor, FeeEntry.placement)).group_by(
        FeeEntry.placement)
    return {r["placement"]: r["n"] for r in rows}


async def download(request: Request, actor: Actor, flt: services.PlacementFilter, fmt: str) -> Response:
    conditions = services.scope(actor) + services._filters(flt)
    rows, total = await exports.limited(
        where_all(Placement.select(*SELECTED), conditions).order_by(Placement.id, ascending=False),
        where_all(Placement.count(), conditions))
    return await exports.download(fmt, name="placements", title=_("Placements"),
                                  columns=columns(await _flag_counts(actor)), rows=rows, total=total,
                                  actor=actor, request=request)


FLAGGED_COLUMNS = [
    Column(N_("Paid on"), field("paid_on")),
    Column(N_("Placement"), field("placement_id")),
    Column(N_("Worker"), field("worker_name")),
    Column(N_("Agency"), field("agency_name")),
    Column(N_("Programme"), label(LABELS.PROGRAMMES, "programme")),
    Column(N_("Payee"), label(LABELS.PAYEES, "payee")),
    Column(N_("Purpose"), label(LABELS.PURPOSES, "purpose")),
    Column(N_("Currency"), field("currency")),
    Column(N_("Amount"), money("amount", "currency")),
    Column(N_("Assessment"), label(LABELS.FLAGS, "flag")),
    Column(N_("Reason"), label(LABELS.REASONS, "flag_reason")),
]


async def download_flagged(request: Request, actor: Actor, agency_id: int | None, fmt: str) -> Response:
    cap = exports.max_rows()
    fees = await services.flagged_fees(actor, agency_id, limit=cap + 1)
    total = len(fees) if len(fees) <= cap else await services.count_flagged(actor, agency_id)
    return await exports.download(fmt, name="flagged-fees", title=_("Flagged fees"), columns=FLAGGED_COLUMNS,
                                  rows=fees[:cap], total=total, actor=actor, request=request)
