"""Checks on a reported placement: licence, worker, dates and programme limits, employer, wages.

Every problem is collected with a translated message keyed by field; nothing is written while any remain.
"""

from __future__ import annotations

import datetime as dt

from export_mgmt import fields
from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.agencies.licences import find_licence_for
from export_mgmt.agencies.tables import Agency, Broker
from export_mgmt.employers.tables import Employer
from export_mgmt.errors import AccessDenied
from export_mgmt.i18n import _
from export_mgmt.idnumber import IdNumberError, age_on, parse
from export_mgmt.placements.fees import contract_months
from export_mgmt.placements.lifecycle import ACTIVE
from export_mgmt.placements.programmes import (
    COUNTRIES,
    DOMESTIC_GROUPS,
    LICENCE_SCOPES,
    PROGRAMMES,
    SECTORS,
    scope_code,
)
from export_mgmt.placements.schemas import PlacementCreate
from export_mgmt.placements.tables import Placement
from export_mgmt.workers.tables import Worker

# Amounts are stored as 32-bit integers of minor units: ample for a month's wage or a fee in any currency.
MAX_AMOUNT = 2_000_000_000


def parse_date(raw: str, field: str, errors: dict[str, str], required: bool = False) -> dt.date | None:
    return fields.date(raw, field, errors, required=required)


def licence_message(reason: str, scope: str) -> str:
    messages = {
        "suspended": _("The agency's licence is suspended: no new placements may be reported."),
        "revoked": _("The agency's licence has been revoked."),
        "cancelled": _("The agency's licence has been cancelled."),
        "expired": _("The agency's licence has expired: no new placements may be reported."),
        "not_yet_valid": _("The agency's licence is not yet valid on this date."),
    }
    return messages.get(reason, _("The agency has no licence in force that covers this destination (%(scope)s).",
                                  scope=_(LICENCE_SCOPES.get(scope, scope))))


def agency_for(actor: Actor, data: PlacementCreate) -> int | None:
    if actor.role == Role.agency_staff:
        return actor.agency_id
    if actor.is_admin:
        return data.agency_id
    raise AccessDenied()


def _months_text(months: int) -> str:
    return _("%(years)s years %(months)s months", years=months // 12, months=months % 12)


async def check_report(actor: Actor, data: PlacementCreate, today: dt.date,
                       existing: dict | None = None) -> tuple[dict, dict[str, str]]:
    """The placement row to write (with the worker row under "_worker"), and the problems found.

    `existing` is the placement being corrected: its worker and agency stay, it does not count as the
    worker's other active placement, and the licence is checked again only when the destination changes.
    """
    errors: dict[str, str] = {}
    agency_id = existing["agency"] if existing else agency_for(actor, data)
    if agency_id is None or not await Agency.exists().where((Agency.id == agency_id) & (Agency.active == True)):  # noqa: E712
        errors["agency_id"] = _("Choose the reporting agency.")
    worker = None
    try:
        number = parse(data.worker_id_number, today=today).number
        rows = await Worker.select().where(Worker.id_number == number)
        worker = rows[0] if rows else None
        if worker is None:
            errors["worker_id_number"] = _("No worker with this identity number is registered in the labour pool. "
                                           "The worker's county office registers them first.")
        elif worker["status"] == "withdrawn":
            errors["worker_id_number"] = _("This worker has withdrawn from the labour pool.")
        elif existing and worker["id"] != existing["worker"]:
            errors["worker_id_number"] = _("A placement's worker cannot be changed: end this placement and "
                                           "report a new one.")
        elif not existing and await Placement.exists().where(
                (Placement.worker == worker["id"]) & Placement.status.is_in(list(ACTIVE))):
            errors["worker_id_number"] = _("This worker is already in an active placement.")
    except IdNumberError:
        errors["worker_id_number"] = _("Enter the worker's identity number as on the identity card.")

    programme = PROGRAMMES.get(data.programme)
    country = data.destination_country
    if country not in COUNTRIES:
        errors["destination_country"] = _("Choose one of the listed values.")
    if programme is None:
        errors["programme"] = _("Choose one of the listed values.")
    elif programme.country != country:
        errors["programme"] = _("This programme does not go to the chosen destination.")
    if country == "CN":
        if data.destination_group not in DOMESTIC_GROUPS:
            errors["destination_group"] = _("Choose the region of the destination province.")
        if not data.destination_city.strip():
            errors["destination_city"] = _("Name the destination province or city.")
    elif not data.destination_city.strip():
        errors["destination_city"] = _("Name the destination city.")
    if data.sector and data.sector not in SECTORS:
        errors["sector"] = _("Choose one of the listed values.")
    for name, limit in (("destination_city", 100), ("job_title", 100), ("insurance_policy_no", 50), ("notes", 2000)):
        if len(getattr(data, name)) > limit:
            errors[name] = _("At most %(n)s characters.", n=limit)

    start = parse_date(data.contract_start, "contract_start", errors, required=True)
    end = parse_date(data.contract_end, "contract_end", errors, required=True)
    departure = parse_date(data.departure_date, "departure_date", errors)
    if start and end:
        if end <= start:
            errors["contract_end"] = _("The contract must end after it starts.")
        elif programme and programme.max_months and contract_months(start, end) > programme.max_months:
            errors["contract_end"] = _("This programme allows contracts of at most %(limit)s.",
                                       limit=_months_text(programme.max_months))
    if departure and end and departure > end:
        errors["departure_date"] = _("The departure date is after the contract ends.")
    if programme and worker and start:
        age = age_on(worker["birth_date"], start)
        if (programme.min_age and age < programme.min_age) or (programme.max_age and age > programme.max_age):
            errors["worker_id_number"] = _("The worker is %(age)s at the contract start; this programme takes "
                                           "workers aged %(low)s to %(high)s.", age=age, low=programme.min_age or 16,
                                           high=programme.max_age or "—")

    if programme:
        if data.wage_currency != programme.currency:
            errors["wage_currency"] = _("Wages for this programme are paid in %(currency)s.",
                                        currency=programme.currency)
        if country != "CN" and not data.accident_insurance:
            errors["accident_insurance"] = _("Accident insurance for the whole stay abroad is required.")
    if data.basic_wage <= 0:
        errors["basic_wage"] = _("Enter the monthly basic wage.")
    for name in ("basic_wage", "gross_wage"):
        if getattr(data, name) > MAX_AMOUNT:
            errors[name] = _("This amount is too large.")
    if data.gross_wage < data.basic_wage:
        errors["gross_wage"] = _("The gross wage cannot be lower than the basic wage.")

    if data.employer_id is not None:
        employer = await Employer.select().where(Employer.id == data.employer_id).first()
        if employer is None or not employer["active"]:
            errors["employer_id"] = _("Choose one of the listed values.")
        elif employer["country"] != country:
            errors["employer_id"] = _("This employer is not in the destination country.")
    elif country != "CN" or (programme and programme.employer_required):
        errors["employer_id"] = _("Overseas placements must name the employer.")
    if data.broker_id is not None and agency_id is not None:
        broker_ok = await Broker.exists().where(
            (Broker.id == data.broker_id) & (Broker.agency == agency_id) & (Broker.status == "active"))
        if not broker_ok:
            errors["broker_id"] = _("Choose an active broker of this agency.")

    destination_changed = existing is None or existing["destination_country"] != country
    if agency_id is not None and "agency_id" not in errors and country in COUNTRIES and destination_changed:
        licence, reason = await find_licence_for(agency_id, scope_code(country), today)
        if licence is None:
            errors["agency_id"] = licence_message(reason, scope_code(country))
        elif departure and departure > licence["valid_to"]:
            errors["departure_date"] = _("The agency's licence expires before this departure date.")

    values = {
        "worker": worker["id"] if worker else None, "agency": agency_id, "broker": data.broker_id,
        "employer": data.employer_id, "destination_country": country,
        "destination_city": data.destination_city.strip(),
        "destination_group": data.destination_group if country == "CN" else "", "programme": data.programme,
        "job_title": data.job_title.strip(), "sector": data.sector, "contract_start": start, "contract_end": end,
        "wage_currency": data.wage_currency, "basic_wage": data.basic_wage, "gross_wage": data.gross_wage,
        "departure_date": departure, "accident_insurance": data.accident_insurance,
        "insurance_policy_no": data.insurance_policy_no.strip(), "notes": data.notes.strip(),
        "_worker": worker,
    }
    return values, errors
