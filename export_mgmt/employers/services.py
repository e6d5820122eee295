"""Employer register: domestic and foreign employers that placed workers go to.

Employers are businesses, not personal data: everyone signed in may read them. Administrators and agency
staff add them (an agency adds the foreign employer when it reports a placement); administrators change and
deactivate them. Every change is one transaction with its audit row.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from export_mgmt import fields
from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.db import contains, is_sqlite, update_versioned, where_all, write_transaction
from export_mgmt.employers import labels
from export_mgmt.employers.schemas import (
    EmployerCreate,
    EmployerPage,
    EmployerRead,
    EmployerSummary,
    EmployerUpdate,
)
from export_mgmt.employers.tables import Employer
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.placements.programmes import COUNTRIES, DOMESTIC_GROUPS, SECTORS, programmes_for

ENTITY = "employer"
NAME_MAX = 200
REGION_MAX = 100
REGISTRATION_MAX = 50
ADDRESS_MAX = 200
CONTACT_MAX = 100

# The columns a form or API body sets; the rest (id, active, timestamps, version) the service keeps.
FIELDS = ("kind", "name", "country", "region", "destination_group", "registration_no", "sector", "address",
          "contact", "programme")


# ---- who may do what ------------------------------------------------------------------------------------

def can_create(actor: Actor | None) -> bool:
    return actor is not None and actor.role in {Role.admin, Role.agency_staff}


def can_edit(actor: Actor | None) -> bool:
    return actor is not None and actor.role == Role.admin


# ---- checking input -------------------------------------------------------------------------------------



def normalise_registration_no(raw: str) -> str:
    """Registration numbers are codes: no spaces, capital letters (a credit code's letters are capitals)."""
    return "".join(raw.split()).upper()


def clean(data: EmployerCreate) -> tuple[dict | None, dict[str, str]]:
    """The values to store, or None and every problem found, each as a translated message."""
    errors: dict[str, str] = {}
    kind = data.kind.strip()
    country = data.country.strip().upper()
    group = data.destination_group.strip().upper()
    programme = data.programme.strip()
    sector = data.sector.strip()
    if kind not in labels.KIND:
        errors["kind"] = _("Choose one of the listed values.")
    if not country:
        errors["country"] = _("This field is required.")
    elif country not in COUNTRIES:
        errors["country"] = _("Choose one of the listed values.")
    elif kind == "domestic" and country != labels.DOMESTIC_COUNTRY:
        errors["country"] = _("A domestic employer is in China: choose %(country)s.",
                               country=_(COUNTRIES[labels.DOMESTIC_COUNTRY]))
    elif kind == "foreign" and country == labels.DOMESTIC_COUNTRY:
        errors["country"] = _("A foreign employer is in Korea, Japan or Singapore: choose one of them.")
    region = fields.text(data.region, REGION_MAX, "region", errors)
    if not region and "region" not in errors:
        if kind == "domestic":
            errors["region"] = _("Name the province (and city) where the employer is.")
        elif kind == "foreign":
            errors["region"] = _("Name the city where the employer is.")
    if kind == "domestic":
        if not group:
            errors["destination_group"] = _("Choose the destination group of a domestic employer.")
        elif group not in DOMESTIC_GROUPS:
            errors["destination_group"] = _("Choose one of the listed values.")
    elif group:
        errors["destination_group"] = _("Only domestic employers have a destination group: leave it empty.")
    if sector and sector not in SECTORS:
        errors["sector"] = _("Choose one of the listed values.")
    if programme and "country" not in errors and country:
        if programme not in {p.code for p in programmes_for(country)}:
            errors["programme"] = _("Choose a programme of the employer's country, or none.")
    values = {
        "kind": kind,
        "name": fields.text(data.name, NAME_MAX, "name", errors, required=True),
        "country": country,
        "region": region,
        "destination_group": group if kind == "domestic" else "",
        "registration_no": normalise_registration_no(data.registration_no),
        "sector": sector,
        "address": fields.text(data.address, ADDRESS_MAX, "address", errors),
        "contact": fields.text(data.contact, CONTACT_MAX, "contact", errors),
        "programme": programme,
    }
    if len(values["registration_no"]) > REGISTRATION_MAX:
        errors["registration_no"] = _("At most %(n)s characters.", n=REGISTRATION_MAX)
    if errors:
        return None, errors
    return values, errors


async def _lock_registration(country: str, registration_no: str) -> None:
    """No unique index covers (country, registration_no): serialise the check-then-insert on PostgreSQL.

    SQLite needs nothing more: write_transaction() already holds the database's one write lock.
    """
    if is_sqlite():
        return
    key = zlib.crc32(f"employer:{country}:{registration_no}".encode())
    await Employer.raw("SELECT pg_advisory_xact_lock({})", key)


async def _duplicate_error(values: dict, exclude_id: int | None = None) -> FormErrors | None:
    if not values["registration_no"]:
        return None
    query = Employer.select(Employer.id).where(
        (Employer.country == values["country"]) & (Employer.registration_no == values["registration_no"]))
    if exclude_id is not None:
        query = query.where(Employer.id != exclude_id)
    existing = await query.first()
    if existing is None:
        return None
    return FormErrors({"registration_no": _("An employer with this registration number is already registered "
                                            "in %(country)s.", country=_(COUNTRIES[values["country"]]))},
                      extra={"duplicate_id": existing["id"]})


# ---- reading --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EmployerFilter:
    q: str = ""
    country: str = ""
    kind: str = ""
    active: str = ""  # "1" active only, "0" inactive only, "" both


def _filter_conditions(flt: EmployerFilter) -> list:
    conditions = []
    q = " ".join(flt.q.split())
    if q:
        by_name = contains(Employer.name, q)
        conditions.append(by_name | (Employer.registration_no == normalise_registration_no(q)))
    if flt.country:
        conditions.append(Employer.country == flt.country.strip().upper())
    if flt.kind:
        conditions.append(Employer.kind == flt.kind)
    if flt.active in ("1", "0"):
        conditions.append(Employer.active == (flt.active == "1"))
    return conditions


SUMMARY_COLUMNS = (Employer.id, Employer.kind, Employer.name, Employer.country, Employer.region,
                   Employer.destination_group, Employer.registration_no, Employer.sector, Employer.programme,
                   Employer.active)


async def search(actor: Actor, flt: EmployerFilter, page: int = 1, page_size: int = 50) -> EmployerPage:
    """Every signed-in role may read the register (the guard has checked the sign-in)."""
    conditions = _filter_conditions(flt)
    page = max(page, 1)
    rows = await where_all(Employer.select(*SUMMARY_COLUMNS), conditions).order_by(
        Employer.active, ascending=False).order_by(Employer.name).order_by(Employer.id).limit(page_size).offset(
        (page - 1) * page_size)
    total = await where_all(Employer.count(), conditions)
    return EmployerPage(items=[EmployerSummary(**row) for row in rows], total=total, page=page,
                        page_size=page_size)


def _read(row: dict) -> EmployerRead:
    return EmployerRead(**{name: row[name] for name in EmployerRead.__struct_fields__})


async def get(actor: Actor, employer_id: int) -> EmployerRead:
    row = await get_employer(employer_id)
    if row is None:
        raise RecordNotFound()
    return _read(row)


async def get_employer(employer_id: int) -> dict | None:
    """One employer as a row (every column), active or not; None if there is no such employer."""
    return await Employer.select().where(Employer.id == employer_id).first()


async def list_for_country(country: str) -> list[dict]:
    """The active employers of a destination (KR, JP, SG, or CN for domestic), by name: a form's choices."""
    return await Employer.select().where(
        (Employer.country == country.strip().upper()) & Employer.active.eq(True)
    ).order_by(Employer.name).order_by(Employer.id)


async def history(actor: Actor, employer_id: int) -> list[audit.AuditEntry]:
    await get(actor, employer_id)
    return await audit.history(ENTITY, employer_id)


# ---- writing --------------------------------------------------------------------------------------------

def _auditable(values: dict) -> dict:
    return {name: values[name] for name in (*FIELDS, "active") if name in values}


async def create(actor: Actor, data: EmployerCreate) -> int:
    if not can_create(actor):
        raise AccessDenied()
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    async with write_transaction():
        if values["registration_no"]:
            await _lock_registration(values["country"], values["registration_no"])
        duplicate = await _duplicate_error(values)
        if duplicate:
            raise duplicate
        rows = await Employer.insert(Employer(**values, active=True)).returning(Employer.id)
        employer_id = rows[0]["id"]
        await audit.record(actor, ENTITY, employer_id, "created",
                           audit.diff({}, _auditable({**values, "active": True})))
    return employer_id


async def _change(actor: Actor, employer_id: int, version: int, new_values: dict) -> None:
    """Write new_values over the record read at `version`, with one audit row of what changed."""
    rows = await Employer.select().where(Employer.id == employer_id)
    if not rows:
        raise RecordNotFound()
    before = rows[0]
    if version != before["version"]:
        raise FormErrors({"": _("Someone else changed this record while you were editing. "
                                "Reload it and make your change again.")})
    changes = audit.diff(_auditable(before), _auditable(new_values))
    if not changes:
        return
    await update_versioned(Employer, employer_id, new_values)
    await audit.record(actor, ENTITY, employer_id, "updated", changes)


async def update(actor: Actor, employer_id: int, data: EmployerUpdate) -> None:
    if not can_edit(actor):
        raise AccessDenied()
    if await get_employer(employer_id) is None:
        raise RecordNotFound()
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    async with write_transaction():
        if values["registration_no"]:
            await _lock_registration(values["country"], values["registration_no"])
        duplicate = await _duplicate_error(values, exclude_id=employer_id)
        if duplicate:
            raise duplicate
        await _change(actor, employer_id, data.version, {**values, "active": data.active})


async def set_active(actor: Actor, employer_id: int, active: bool, version: int) -> None:
    """Deactivate (or reactivate) an employer: it stays on record, but new placements cannot choose it."""
    if not can_edit(actor):
        raise AccessDenied()
    async with write_transaction():
        await _change(actor, employer_id, version, {"active": active})
