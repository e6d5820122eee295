"""Turning the placement HTML forms into the shared schemas, and the choices their selects offer."""

from __future__ import annotations

from types import SimpleNamespace

import msgspec
from litestar.datastructures import FormMultiDict

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.agencies.tables import Agency, Broker
from export_mgmt.employers.tables import Employer
from export_mgmt.i18n import _
from export_mgmt.money import CURRENCIES, to_major
from export_mgmt.placements import fees, lifecycle, programmes
from export_mgmt.placements.schemas import FeeCreate, PlacementCreate, PlacementRead, PlacementUpdate, StatusChange
from export_mgmt.web.fields import form_amount
from export_mgmt.web.fields import form_choice as _choice
from export_mgmt.web.fields import form_text as _text

# The placement codes as people read them, for the templates (each text goes through _() where shown).
LABELS = SimpleNamespace(
    STATUS=lifecycle.STATUS, COUNTRIES=programmes.COUNTRIES, DOMESTIC_GROUPS=programmes.DOMESTIC_GROUPS,
    SECTORS=programmes.SECTORS, PROGRAMMES={code: p.label for code, p in programmes.PROGRAMMES.items()},
    PURPOSES=fees.PURPOSES, PAYEES=fees.PAYEES, FLAGS=fees.FLAGS, REASONS=fees.REASONS, CURRENCIES=CURRENCIES,
)

TEXT_FIELDS = ("worker_id_number", "destination_country", "destination_city", "destination_group", "programme",
               "job_title", "sector", "contract_start", "contract_end", "wage_currency", "departure_date",
               "insurance_policy_no", "notes")
CHOICE_FIELDS = ("agency_id", "broker_id", "employer_id")
MONEY_FIELDS = ("basic_wage", "gross_wage")


def _amount(form: FormMultiDict, name: str, currency: str, errors: dict[str, str]) -> int:
    """A required amount typed in major units (yuan, won …) as integer minor units; 0 when missing or bad."""
    if not _text(form, name).strip():
        errors[name] = _("This field is required.")
        return 0
    return form_amount(form, name, currency, errors) or 0


def parse_placement(form: FormMultiDict) -> tuple[PlacementCreate, dict[str, str]]:
    errors: dict[str, str] = {}
    values = {name: _text(form, name) for name in TEXT_FIELDS}
    choices = {name: _choice(form, name, errors) for name in CHOICE_FIELDS}
    money = {name: _amount(form, name, values["wage_currency"], errors) for name in MONEY_FIELDS}
    data = PlacementCreate(**values, **choices, **money, accident_insurance=form.get("accident_insurance") == "on")
    return data, errors


def parse_correction(form: FormMultiDict) -> tuple[PlacementUpdate, dict[str, str]]:
    data, errors = parse_placement(form)
    raw_version = _text(form, "version")
    return PlacementUpdate(**msgspec.structs.asdict(data), version=int(raw_version) if raw_version.isdigit() else 0), \
        errors


def record_values(placement: PlacementRead) -> dict:
    """A placement as the correction form shows it: money in major units, dates as ISO text."""
    values = {name: "" if getattr(placement, name) is None else str(getattr(placement, name))
              for name in TEXT_FIELDS if name != "worker_id_number"}
    values["worker_id_number"] = placement.worker_id_number
    for name in ("broker_id", "employer_id"):
        values[name] = "" if getattr(placement, name) is None else str(getattr(placement, name))
    values["agency_id"] = str(placement.agency_id)
    for name in MONEY_FIELDS:
        values[name] = str(to_major(getattr(placement, name), placement.wage_currency))
    values["accident_insurance"] = "on" if placement.accident_insurance else ""
    values["version"] = str(placement.version)
    return values


def parse_status(form: FormMultiDict) -> tuple[StatusChange, dict[str, str]]:
    errors: dict[str, str] = {}
    change = StatusChange(status=_text(form, "status"), on_date=_text(form, "on_date"), note=_text(form, "note"),
                          employer_id=_choice(form, "employer_id", errors))
    return change, errors


def parse_fee(form: FormMultiDict) -> tuple[FeeCreate, dict[str, str]]:
    errors: dict[str, str] = {}
    currency = _text(form, "currency")
    fee = FeeCreate(payee=_text(form, "payee"), payee_name=_text(form, "payee_name"),
                    amount=_amount(form, "amount", currency, errors), currency=currency,
                    paid_on=_text(form, "paid_on"), purpose=_text(form, "purpose"),
                    receipt_no=_text(form, "receipt_no"))
    return fee, errors


def form_values(form: FormMultiDict) -> dict:
    """What the user typed, to show again beside the errors (never the uploaded file)."""
    return {key: _text(form, key) for key in form.keys() if key != "csrf_token"}


# ---- choices for the selects ------------------------------------------------------------------------------

async def agency_choices(active_only: bool = True) -> list[dict]:
    query = Agency.select(Agency.id, Agency.name)
    if active_only:
        query = query.where(Agency.active == True)  # noqa: E712
    return await query.order_by(Agency.name)


async def agency_name(agency_id: int | None) -> str:
    if agency_id is None:
        return ""
    row = await Agency.select(Agency.name).where(Agency.id == agency_id).first()
    return row["name"] if row else ""


async def broker_groups(actor: Actor) -> list[tuple[str, list[dict]]]:
    """Active brokers that may be named: the actor's agency's, or (for administrators) every agency's, by agency."""
    query = Broker.select(Broker.id, Broker.name, Broker.certificate_no, Broker.agency.name.as_alias("agency_name"))
    query = query.where(Broker.status == "active")
    if actor.role == Role.agency_staff:
        query = query.where(Broker.agency == actor.agency_id)
    elif not actor.is_admin:
        return []
    else:
        query = query.where(Broker.agency.active == True)  # noqa: E712
    groups: dict[str, list[dict]] = {}
    for row in await query.order_by(Broker.agency.name, Broker.name):
        groups.setdefault(row["agency_name"], []).append(row)
    return list(groups.items())


async def employer_groups(country: str | None = None) -> list[tuple[str, list[dict]]]:
    """Active employers by destination country, in the order COUNTRIES lists them."""
    query = Employer.select(Employer.id, Employer.name, Employer.country, Employer.region).where(
        Employer.active == True)  # noqa: E712
    if country:
        query = query.where(Employer.country == country)
    rows = await query.order_by(Employer.name)
    return [(code, [r for r in rows if r["country"] == code]) for code in programmes.COUNTRIES
            if any(r["country"] == code for r in rows)]


def programme_groups() -> list[tuple[str, list[programmes.Programme]]]:
    return [(code, programmes.programmes_for(code)) for code in programmes.COUNTRIES if programmes.programmes_for(code)]
