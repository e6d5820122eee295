"""The agency register: who may see which agency, creating and editing agencies, and an agency's history.

City administrators keep the register. Administrators, inspectors, supervisors and county clerks read every
agency; agency staff read only their own (any other agency is "not found" to them).
"""

from __future__ import annotations

import json

from piccolo.columns.combination import Where

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.agencies.schemas import AgencyCreate, AgencyPage, AgencyRead, AgencySummary, AgencyUpdate
from export_mgmt.agencies.tables import Agency, ApiToken, Broker, Licence
from export_mgmt.agencies.validation import credit_code, email, phone, text
from export_mgmt.audit import services as audit
from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import today  # noqa: F401  (tests and older callers import it from here)
from export_mgmt.db import contains, is_unique_violation, update_versioned, where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.regions import county_name, is_shenyang_county

ENTITY = "agency"
READ_ALL = {Role.admin, Role.inspector, Role.supervisor, Role.county_clerk}
FIELDS = ("name", "credit_code", "county_code", "address", "legal_representative", "contact_name",
          "contact_phone", "contact_email", "active")



# ---- who may do what ------------------------------------------------------------------------------------

def is_own_agency(actor: Actor, agency_id: int) -> bool:
    return actor.role == Role.agency_staff and actor.agency_id is not None and actor.agency_id == agency_id


def can_manage_agencies(actor: Actor) -> bool:
    """The register, licences, reserve funds and API tokens: city administrators only."""
    return actor.is_admin


def can_manage_brokers(actor: Actor, agency_id: int) -> bool:
    return actor.is_admin or is_own_agency(actor, agency_id)


def can_print_certificate(actor: Actor, agency_id: int) -> bool:
    return actor.is_admin or is_own_agency(actor, agency_id)


def agency_scope(actor: Actor) -> list[Where]:
    """Conditions on Agency.id that confine a query to the agencies the actor may see."""
    if actor.role in READ_ALL:
        return []
    if actor.role == Role.agency_staff and actor.agency_id is not None:
        return [Agency.id == actor.agency_id]
    raise AccessDenied()


async def require_visible(actor: Actor, agency_id: int) -> dict:
    """The agency row, or RecordNotFound when it does not exist or lies outside the actor's scope."""
    rows = await where_all(Agency.select(), agency_scope(actor) + [Agency.id == agency_id])
    if not rows:
        raise RecordNotFound()
    return rows[0]


def name_contains(q: str) -> Where:
    """Agency names containing q, ignoring case; LIKE wildcards typed by the user are dropped."""
    return contains(Agency.name, q)


# ---- reading --------------------------------------------------------------------------------------------

def _read(row: dict) -> AgencyRead:
    return AgencyRead(
        id=row["id"], name=row["name"], credit_code=row["credit_code"], county_code=row["county_code"],
        county_name=county_name(row["county_code"]) or row["county_code"], address=row["address"],
        legal_representative=row["legal_representative"], contact_name=row["contact_name"],
        contact_phone=row["contact_phone"], contact_email=row["contact_email"], active=row["active"],
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"],
    )


async def search(actor: Actor, q: str = "", page: int = 1, page_size: int = 50) -> AgencyPage:
    conditions = agency_scope(actor)
    q = q.strip()
    if q:
        conditions.append(name_contains(q) | (Agency.credit_code == "".join(q.split()).upper()))
    page = max(page, 1)
    columns = (Agency.id, Agency.name, Agency.credit_code, Agency.county_code, Agency.active)
    rows = await where_all(Agency.select(*columns), conditions).order_by(Agency.name).order_by(Agency.id).limit(
        page_size).offset((page - 1) * page_size)
    total = await where_all(Agency.count(), conditions)
    items = [AgencySummary(id=r["id"], name=r["name"], credit_code=r["credit_code"], county_code=r["county_code"],
                           county_name=county_name(r["county_code"]) or r["county_code"], active=r["active"])
             for r in rows]
    return AgencyPage(items=items, total=total, page=page, page_size=page_size)


async def get(actor: Actor, agency_id: int) -> AgencyRead:
    return _read(await require_visible(actor, agency_id))


async def history(actor: Actor, agency_id: int) -> list[audit.AuditEntry]:
    """The agency's own audit rows and those of its licences, brokers and API tokens, newest first."""
    await require_visible(actor, agency_id)
    related = {
        "licence": await Licence.select(Licence.id).where(Licence.agency == agency_id).output(as_list=True),
        "broker": await Broker.select(Broker.id).where(Broker.agency == agency_id).output(as_list=True),
    }
    if can_manage_agencies(actor):
        related["api_token"] = await ApiToken.select(ApiToken.id).where(ApiToken.agency == agency_id).output(
            as_list=True)
    condition = (AuditLog.entity == ENTITY) & (AuditLog.entity_id == str(agency_id))
    for entity, ids in related.items():
        if ids:
            condition = condition | ((AuditLog.entity == entity) & AuditLog.entity_id.is_in([str(i) for i in ids]))
    rows = await AuditLog.select().where(condition).order_by(AuditLog.id, ascending=False)
    return [audit.AuditEntry(at=r["at"], actor_name=r["actor_name"], entity=r["entity"], entity_id=r["entity_id"],
                             action=r["action"], changes=json.loads(r["changes"] or "{}"),
                             client_address=r["client_address"]) for r in rows]


# ---- writing --------------------------------------------------------------------------------------------

def clean(data: AgencyCreate, stored_credit_code: str | None = None,
          creating: bool = True) -> tuple[dict | None, dict[str, str]]:
    """Values to store, or None and every problem. A credit code is required except on old records without one."""
    errors: dict[str, str] = {}
    county = data.county_code.strip()
    if not is_shenyang_county(county):
        errors["county_code"] = _("Choose the county where the agency is registered.")
    values = {
        "name": text(data.name, 200, "name", errors, required=True),
        "credit_code": credit_code(data.credit_code, "credit_code", errors,
                                   required=creating or bool(stored_credit_code)),
        "county_code": county,
        "address": text(data.address, 200, "address", errors),
        "legal_representative": text(data.legal_representative, 50, "legal_representative", errors),
        "contact_name": text(data.contact_name, 50, "contact_name", errors),
        "contact_phone": phone(data.contact_phone, "contact_phone", errors),
        "contact_email": email(data.contact_email, "contact_email", errors),
        "active": bool(data.active),
    }
    return (None, errors) if errors else (values, errors)


async def _duplicate_error(code: str | None, exclude_id: int | None = None) -> FormErrors | None:
    if not code:
        return None
    query = Agency.select(Agency.id).where(Agency.credit_code == code)
    if exclude_id is not None:
        query = query.where(Agency.id != exclude_id)
    rows = await query
    if not rows:
        return None
    return FormErrors({"credit_code": _("An agency with this unified social credit code is already registered.")},
                      extra={"duplicate_id": rows[0]["id"]})


async def create(actor: Actor, data: AgencyCreate) -> int:
    if not can_manage_agencies(actor):
        raise AccessDenied()
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            duplicate = await _duplicate_error(values["credit_code"])
            if duplicate:
                raise duplicate
            rows = await Agency.insert(Agency(**values)).returning(Agency.id)
            agency_id = rows[0]["id"]
            await audit.record(actor, ENTITY, agency_id, "created", audit.diff({}, values))
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise await _duplicate_error(values["credit_code"]) or FormErrors(
                {"credit_code": _("An agency with this unified social credit code is already registered.")}) from exc
        raise
    return agency_id


async def update(actor: Actor, agency_id: int, data: AgencyUpdate) -> None:
    if not can_manage_agencies(actor):
        raise AccessDenied()
    stored = await require_visible(actor, agency_id)
    values, errors = clean(data, stored["credit_code"], creating=False)
    if values is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            before = await require_visible(actor, agency_id)
            if data.version != before["version"]:
                raise FormErrors({"": _("Someone else changed this record while you were editing. "
                                        "Reload it and make your change again.")})
            duplicate = await _duplicate_error(values["credit_code"], exclude_id=agency_id)
            if duplicate:
                raise duplicate
            changes = audit.diff({k: before[k] for k in FIELDS}, values)
            await update_versioned(Agency, agency_id, values)
            if changes:
                await audit.record(actor, ENTITY, agency_id, "updated", changes)
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise await _duplicate_error(values["credit_code"], exclude_id=agency_id) or FormErrors(
                {"credit_code": _("An agency with this unified social credit code is already registered.")}) from exc
        raise
