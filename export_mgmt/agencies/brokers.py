"""Brokers (经纪人): each registered to exactly one agency, active or struck off.

Administrators and the agency's own staff register and edit an agency's brokers; the other reading roles
read them. Identity numbers are masked in lists, and in full only for roles that act on people and for the
agency's own staff.
"""

from __future__ import annotations

from piccolo.columns.combination import Where

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.agencies.schemas import BrokerInput, BrokerPage, BrokerRead, BrokerSummary, BrokerUpdate, StrikeOff
from export_mgmt.agencies.services import READ_ALL, can_manage_brokers, is_own_agency, require_visible
from export_mgmt.agencies.tables import Broker
from export_mgmt.agencies.validation import date, long_text, phone, text
from export_mgmt.audit import services as audit
from export_mgmt.clock import today, utcnow
from export_mgmt.db import contains, is_unique_violation, update_versioned, where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.idnumber import IdNumberError, mask, parse
from export_mgmt.workers.validation import id_number_message

ENTITY = "broker"
FIELDS = ("id_number", "name", "certificate_no", "phone")


def broker_scope(actor: Actor) -> list[Where]:
    if actor.role in READ_ALL:
        return []
    if actor.role == Role.agency_staff and actor.agency_id is not None:
        return [Broker.agency == actor.agency_id]
    raise AccessDenied()


def sees_full_number(actor: Actor, agency_id: int) -> bool:
    return actor.sees_full_id_numbers or is_own_agency(actor, agency_id)


async def active_broker(agency_id: int, broker_id: int) -> dict | None:
    """The broker row when it belongs to the agency and is not struck off, else None."""
    return await Broker.select().where(
        (Broker.id == broker_id) & (Broker.agency == agency_id) & (Broker.status == "active")).first()


# ---- reading --------------------------------------------------------------------------------------------

COLUMNS = (*Broker.all_columns(), Broker.agency.name.as_alias("agency_name"))


def _read(actor: Actor, row: dict) -> BrokerRead:
    full = sees_full_number(actor, row["agency"])
    return BrokerRead(
        id=row["id"], agency_id=row["agency"], agency_name=row["agency_name"],
        id_number=row["id_number"] if full else mask(row["id_number"]), id_number_masked=not full,
        name=row["name"], certificate_no=row["certificate_no"], phone=row["phone"], status=row["status"],
        struck_off_on=row["struck_off_on"], struck_off_reason=row["struck_off_reason"],
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"],
    )


async def search(actor: Actor, agency_id: int | None = None, q: str = "", status: str = "", page: int = 1,
                 page_size: int = 50) -> BrokerPage:
    conditions = broker_scope(actor)
    if agency_id is not None:
        conditions.append(Broker.agency == agency_id)
    if status:
        conditions.append(Broker.status == status)
    q = q.strip()
    if q:
        try:
            conditions.append(Broker.id_number == parse(q, today=today()).number)
        except IdNumberError:
            conditions.append(contains(Broker.name, q))
    page = max(page, 1)
    columns = (Broker.id, Broker.agency, Broker.agency.name.as_alias("agency_name"), Broker.id_number, Broker.name,
               Broker.certificate_no, Broker.phone, Broker.status)
    rows = await where_all(Broker.select(*columns), conditions).order_by(Broker.name).order_by(Broker.id).limit(
        page_size).offset((page - 1) * page_size)
    total = await where_all(Broker.count(), conditions)
    items = [BrokerSummary(id=r["id"], agency_id=r["agency"], agency_name=r["agency_name"],
                           id_number=mask(r["id_number"]), name=r["name"], certificate_no=r["certificate_no"],
                           phone=r["phone"], status=r["status"]) for r in rows]
    return BrokerPage(items=items, total=total, page=page, page_size=page_size)


async def _row(actor: Actor, broker_id: int, agency_id: int | None = None) -> dict:
    conditions = broker_scope(actor) + [Broker.id == broker_id]
    if agency_id is not None:
        conditions.append(Broker.agency == agency_id)
    rows = await where_all(Broker.select(*COLUMNS), conditions)
    if not rows:
        raise RecordNotFound()
    return rows[0]


async def get(actor: Actor, broker_id: int, agency_id: int | None = None, shown: bool = True) -> BrokerRead:
    """One broker; with agency_id, only when registered to that agency. `shown`: the record goes to the actor
    (not a scope check), so reading the number in full leaves a row in the audit trail."""
    row = await _row(actor, broker_id, agency_id)
    if shown and sees_full_number(actor, row["agency"]):
        await audit.record_full_numbers_shown(actor, ENTITY, broker_id)
    return _read(actor, row)


async def history(actor: Actor, agency_id: int, broker_id: int) -> list[audit.AuditEntry]:
    await _row(actor, broker_id, agency_id)
    return await audit.history(ENTITY, broker_id)


# ---- writing --------------------------------------------------------------------------------------------

def clean(data: BrokerInput) -> tuple[dict | None, dict[str, str]]:
    errors: dict[str, str] = {}
    number = None
    try:
        number = parse(data.id_number, today=today()).number
    except IdNumberError as exc:
        errors["id_number"] = id_number_message(exc.reason)
    values = {
        "id_number": number,
        "name": text(data.name, 50, "name", errors, required=True),
        "certificate_no": text(data.certificate_no, 50, "certificate_no", errors),
        "phone": phone(data.phone, "phone", errors),
    }
    return (None, errors) if errors else (values, errors)


def _auditable(values: dict) -> dict:
    return {**{k: values[k] for k in FIELDS}, "id_number": mask(values["id_number"])}


async def _duplicate_error(agency_id: int, id_number: str, exclude_id: int | None = None) -> FormErrors | None:
    """Nothing is said about the other agency: only that the person is registered elsewhere."""
    query = Broker.select(Broker.id, Broker.agency).where(Broker.id_number == id_number)
    if exclude_id is not None:
        query = query.where(Broker.id != exclude_id)
    existing = await query.first()
    if existing is None:
        return None
    if existing["agency"] == agency_id:
        return FormErrors({"id_number": _("This broker is already registered with this agency.")},
                          extra={"duplicate_id": existing["id"]})
    return FormErrors({"id_number": _("This identity number is already registered with another agency.")})


async def create(actor: Actor, agency_id: int | None, data: BrokerInput) -> int:
    if agency_id is None:
        if not actor.is_admin:
            raise AccessDenied()
        raise FormErrors({"agency_id": _("Choose the agency the broker works for.")})
    await require_visible(actor, agency_id)
    if not can_manage_brokers(actor, agency_id):
        raise AccessDenied()
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            duplicate = await _duplicate_error(agency_id, values["id_number"])
            if duplicate:
                raise duplicate
            rows = await Broker.insert(Broker(agency=agency_id, status="active", **values)).returning(Broker.id)
            broker_id = rows[0]["id"]
            await audit.record(actor, ENTITY, broker_id, "created", audit.diff({}, _auditable(values)))
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise await _duplicate_error(agency_id, values["id_number"]) or FormErrors(
                {"id_number": _("This identity number is already registered with another agency.")}) from exc
        raise
    return broker_id


async def update(actor: Actor, agency_id: int, broker_id: int, data: BrokerUpdate) -> None:
    await _row(actor, broker_id, agency_id)  # out of scope: 404 before anything else
    if not can_manage_brokers(actor, agency_id):
        raise AccessDenied()
    values, errors = clean(data)
    if values is None:
        raise FormErrors(errors)
    try:
        async with write_transaction():
            before = await _row(actor, broker_id, agency_id)
            if data.version != before["version"]:
                raise FormErrors({"": _("Someone else changed this record while you were editing. "
                                        "Reload it and make your change again.")})
            duplicate = await _duplicate_error(agency_id, values["id_number"], exclude_id=broker_id)
            if duplicate:
                raise duplicate
            changes = audit.diff(_auditable(before), _auditable(values))
            await update_versioned(Broker, broker_id, values)
            if changes:
                await audit.record(actor, ENTITY, broker_id, "updated", changes)
    except FormErrors:
        raise
    except Exception as exc:
        if is_unique_violation(exc):
            raise FormErrors({"id_number": _("This identity number is already registered with another agency.")}
                             ) from exc
        raise


async def strike_off(actor: Actor, agency_id: int, broker_id: int, data: StrikeOff) -> None:
    await _row(actor, broker_id, agency_id)
    if not can_manage_brokers(actor, agency_id):
        raise AccessDenied()
    errors: dict[str, str] = {}
    on_date = date(data.on_date, "on_date", errors, required=True, not_after=today())
    reason = long_text(data.reason, 2000, "reason", errors, required=True)
    if errors:
        raise FormErrors(errors)
    async with write_transaction():
        before = await _row(actor, broker_id, agency_id)
        if before["status"] == "struck_off":
            raise FormErrors({"": _("This broker has already been struck off.")})
        await Broker.update({Broker.status: "struck_off", Broker.struck_off_on: on_date,
                             Broker.struck_off_reason: reason, Broker.version: before["version"] + 1,
                             Broker.updated_at: utcnow()}).where(Broker.id == broker_id)
        await audit.record(actor, ENTITY, broker_id, "struck_off", {
            "name": [before["name"], before["name"]],
            **audit.diff({"broker_status": before["status"], "struck_off_on": None, "struck_off_reason": ""},
                         {"broker_status": "struck_off", "struck_off_on": on_date, "struck_off_reason": reason}),
        })
