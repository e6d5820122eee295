"""Placement actions: report, change status, record fees; every query scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piccolo.query.functions.aggregate import Count

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.audit import services as audit
from export_mgmt.clock import today, utcnow
from export_mgmt.db import contains, update_versioned, where_all, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.idnumber import mask
from export_mgmt.placements import lifecycle
from export_mgmt.placements.fees import CURRENCY_CODES, PAYEES, PURPOSES, Fee, PlacementTerms, assess
from export_mgmt.placements.rules import MAX_AMOUNT, check_report, parse_date
from export_mgmt.placements.schemas import (
    DocumentRead,
    EventRead,
    FeeCreate,
    FeeRead,
    PlacementCreate,
    PlacementPage,
    PlacementRead,
    PlacementSummary,
    PlacementUpdate,
    StatusChange,
)
from export_mgmt.placements.tables import FeeEntry, Placement, PlacementDocument, PlacementEvent
from export_mgmt.workers.tables import Worker

CITY_WIDE = {Role.admin, Role.inspector, Role.supervisor}


def scope(actor: Actor, placement=Placement) -> list:
    """Agency staff see their agency's placements, clerks their county's workers', city roles all.

    `placement` is the path to the placement: the table itself, or a foreign key such as FeeEntry.placement.
    """
    if actor.role in CITY_WIDE:
        return []
    if actor.role == Role.agency_staff and actor.agency_id:
        return [placement.agency == actor.agency_id]
    if actor.role == Role.county_clerk and actor.county_code:
        return [placement.worker.county_code == actor.county_code]
    raise AccessDenied()


def can_report(actor: Actor) -> bool:
    return actor.is_admin or (actor.role == Role.agency_staff and actor.agency_id is not None)


def can_update(actor: Actor) -> bool:
    """Who keeps a placement's record: the agency's staff and administrators (clerks and inspectors read)."""
    return can_report(actor)


@dataclass(frozen=True)
class PlacementFilter:
    q: str = ""
    status: str = ""
    country: str = ""
    programme: str = ""
    agency_id: int | None = None
    flagged_only: bool = False


def _filters(flt: PlacementFilter) -> list:
    conditions = []
    if flt.q.strip():
        conditions.append(contains(Placement.worker.name, flt.q))
    if flt.status:
        conditions.append(Placement.status == flt.status)
    if flt.country:
        conditions.append(Placement.destination_country == flt.country)
    if flt.programme:
        conditions.append(Placement.programme == flt.programme)
    if flt.agency_id:
        conditions.append(Placement.agency == flt.agency_id)
    if flt.flagged_only:
        conditions.append(Placement.id.is_in(FeeEntry.select(FeeEntry.placement).where(FeeEntry.flag != "ok")))
    return conditions


async def _flag_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await FeeEntry.select(FeeEntry.placement, Count(alias="n")).where(
        FeeEntry.placement.is_in(ids) & (FeeEntry.flag != "ok")).group_by(FeeEntry.placement)
    return {row["placement"]: row["n"] for row in rows}


async def search(actor: Actor, flt: PlacementFilter, page: int = 1, page_size: int = 50) -> PlacementPage:
    conditions = scope(actor) + _filters(flt)
    page = max(page, 1)
    rows = await where_all(Placement.select(
        Placement.id, Placement.worker, Placement.worker.name.as_alias("worker_name"),
        Placement.worker.id_number.as_alias("worker_id_number"), Placement.agency,
        Placement.agency.name.as_alias("agency_name"), Placement.destination_country, Placement.destination_city,
        Placement.destination_group, Placement.programme, Placement.contract_start, Placement.contract_end,
        Placement.status, Placement.status_changed_on,
    ), conditions).order_by(Placement.id, ascending=False).limit(page_size).offset((page - 1) * page_size)
    total = await where_all(Placement.count(), conditions)
    flags = await _flag_counts([r["id"] for r in rows])
    items = [PlacementSummary(
        id=r["id"], worker_id=r["worker"], worker_name=r["worker_name"], worker_id_number=mask(r["worker_id_number"]),
        agency_id=r["agency"], agency_name=r["agency_name"], destination_country=r["destination_country"],
        destination_city=r["destination_city"], destination_group=r["destination_group"], programme=r["programme"],
        contract_start=r["contract_start"], contract_end=r["contract_end"], status=r["status"],
        status_changed_on=r["status_changed_on"], flagged_fees=flags.get(r["id"], 0),
    ) for r in rows]
    return PlacementPage(items=items, total=total, page=page, page_size=page_size)


async def get(actor: Actor, placement_id: int, shown: bool = True) -> PlacementRead:
    """`shown`: the record goes to the actor (not a scope check), so a worker's number read in full leaves a row
    in the audit trail."""
    rows = await where_all(Placement.select(
        *Placement.all_columns(), Placement.worker.name.as_alias("worker_name"),
        Placement.worker.id_number.as_alias("worker_id_number"),
        Placement.worker.county_code.as_alias("worker_county_code"), Placement.agency.name.as_alias("agency_name"),
        Placement.broker.name.as_alias("broker_name"), Placement.employer.name.as_alias("employer_name"),
    ), scope(actor) + [Placement.id == placement_id])
    if not rows:
        raise RecordNotFound()
    r = rows[0]
    events = await PlacementEvent.select().where(PlacementEvent.placement == placement_id).order_by(PlacementEvent.id)
    fees = await FeeEntry.select().where(FeeEntry.placement == placement_id).order_by(FeeEntry.paid_on, FeeEntry.id)
    docs = await PlacementDocument.select().where(PlacementDocument.placement == placement_id).order_by(
        PlacementDocument.id)
    full = actor.sees_full_id_numbers or actor.role == Role.agency_staff
    number = r["worker_id_number"] if full else mask(r["worker_id_number"])
    if shown and full:
        await audit.record_full_numbers_shown(actor, "placement", placement_id)
    return PlacementRead(
        id=r["id"], worker_id=r["worker"], worker_name=r["worker_name"], worker_id_number=number,
        worker_county_code=r["worker_county_code"], agency_id=r["agency"], agency_name=r["agency_name"],
        broker_id=r["broker"], broker_name=r["broker_name"] or "", employer_id=r["employer"],
        employer_name=r["employer_name"] or "", destination_country=r["destination_country"],
        destination_city=r["destination_city"], destination_group=r["destination_group"], programme=r["programme"],
        job_title=r["job_title"], sector=r["sector"], contract_start=r["contract_start"],
        contract_end=r["contract_end"], wage_currency=r["wage_currency"], basic_wage=r["basic_wage"],
        gross_wage=r["gross_wage"], departure_date=r["departure_date"], accident_insurance=r["accident_insurance"],
        insurance_policy_no=r["insurance_policy_no"], status=r["status"], status_changed_on=r["status_changed_on"],
        notes=r["notes"], version=r["version"],
        events=[EventRead(status=e["status"], on_date=e["on_date"], note=e["note"], actor_name=e["actor_name"])
                for e in events],
        fees=[FeeRead(id=f["id"], payee=f["payee"], payee_name=f["payee_name"], amount=f["amount"],
                      currency=f["currency"], paid_on=f["paid_on"], purpose=f["purpose"], receipt_no=f["receipt_no"],
                      flag=f["flag"], flag_reason=f["flag_reason"]) for f in fees],
        documents=[DocumentRead(id=d["id"], filename=d["filename"], content_type=d["content_type"], size=d["size"],
                                uploaded_at=d["uploaded_at"]) for d in docs],
        next_statuses=list(lifecycle.TRANSITIONS[r["status"]]) if can_update(actor) else [],
    )


async def report(actor: Actor, data: PlacementCreate) -> int:
    if not can_report(actor):
        raise AccessDenied()
    on = today()
    async with write_transaction():
        # Checked inside the write transaction: two reports for one worker cannot both pass.
        values, errors = await check_report(actor, data, on)
        if errors:
            raise FormErrors(errors)
        worker = values.pop("_worker")
        rows = await Placement.insert(Placement(
            **values, status="reported", status_changed_on=on, created_by=actor.username,
        )).returning(Placement.id)
        placement_id = rows[0]["id"]
        await PlacementEvent.insert(PlacementEvent(placement=placement_id, status="reported", on_date=on,
                                                   actor_name=actor.username))
        new_worker_status = lifecycle.worker_status_for("reported", values["destination_country"] != "CN")
        await _set_worker_status(actor, worker, new_worker_status)
        await audit.record(actor, "placement", placement_id, "created",
                           audit.diff({}, await _named(values, worker)))
    return placement_id


async def correct(actor: Actor, placement_id: int, data: PlacementUpdate) -> None:
    """Correct the facts of a placement still under way, by the same rules as a report."""
    async with write_transaction():
        placement = await _load_for_update(actor, placement_id)
        if placement["status"] not in lifecycle.ACTIVE:
            raise FormErrors({"": _("A placement that has ended can no longer be corrected.")})
        if data.version != placement["version"]:
            raise FormErrors({"": _("Someone else changed this placement while you were editing. "
                                    "Reload it and make your change again.")})
        values, errors = await check_report(actor, data, today(), existing=placement)
        if errors:
            raise FormErrors(errors)
        values.pop("_worker")
        values.pop("agency")
        changes = audit.diff(placement, values)
        if not changes:
            return
        await update_versioned(Placement, placement_id, values)
        # Wages and contract length set the caps, so the ledger is judged again.
        await _reassess({**placement, **values})
        await audit.record(actor, "placement", placement_id, "corrected", changes)


async def _named(values: dict, worker: dict) -> dict:
    """The audit trail is read by people: the linked records by name, with their number."""
    from export_mgmt.agencies.tables import Agency, Broker
    from export_mgmt.employers.tables import Employer

    named = dict(values)
    named["worker"] = f"{worker['name']} (#{worker['id']})"
    for field, table in (("agency", Agency), ("broker", Broker), ("employer", Employer)):
        if values.get(field) is not None:
            row = await table.select(table.name).where(table.id == values[field]).first()
            named[field] = f"{row['name']} (#{values[field]})" if row else values[field]
    return named


async def _set_worker_status(actor: Actor, worker: dict, status: str) -> None:
    if worker["status"] == status:
        return
    await Worker.update({Worker.status: status, Worker.version: Worker.version + 1}).where(Worker.id == worker["id"])
    await audit.record(actor, "worker", worker["id"], "updated", {"status": [worker["status"], status]})


async def _load_for_update(actor: Actor, placement_id: int) -> dict:
    if not can_update(actor):
        raise AccessDenied()
    rows = await where_all(Placement.select(), scope(actor) + [Placement.id == placement_id])
    if not rows:
        raise RecordNotFound()
    return rows[0]


async def change_status(actor: Actor, placement_id: int, change: StatusChange) -> None:
    errors: dict[str, str] = {}
    on_date = parse_date(change.on_date, "on_date", errors, required=True)
    async with write_transaction():
        placement = await _load_for_update(actor, placement_id)
        if change.status not in lifecycle.TRANSITIONS[placement["status"]]:
            errors["status"] = _("A placement that is %(current)s cannot become %(new)s.",
                                 current=_(lifecycle.STATUS[placement["status"]]),
                                 new=_(lifecycle.STATUS.get(change.status, change.status)))
        if on_date and on_date > today():
            errors["on_date"] = _("The date cannot be in the future.")
        elif on_date and on_date < placement["status_changed_on"]:
            errors["on_date"] = _("The date is before the placement's last change.")
        if len(change.note) > 2000:
            errors["note"] = _("At most %(n)s characters.", n=2000)
        update = {Placement.status: change.status, Placement.status_changed_on: on_date,
                  Placement.version: Placement.version + 1, Placement.updated_at: utcnow()}
        changes = {"status": [placement["status"], change.status]}
        if change.status == "employer_changed":
            errors.update(await _employer_change(placement, change.employer_id))
            update[Placement.employer] = change.employer_id
            changes["employer"] = [placement["employer"], change.employer_id]
        if errors:
            raise FormErrors(errors)
        await Placement.update(update).where(Placement.id == placement_id)
        await PlacementEvent.insert(PlacementEvent(placement=placement_id, status=change.status, on_date=on_date,
                                                   note=change.note.strip(), actor_name=actor.username))
        worker = await Worker.select().where(Worker.id == placement["worker"]).first()
        overseas = placement["destination_country"] != "CN"
        await _set_worker_status(actor, worker, lifecycle.worker_status_for(change.status, overseas))
        await audit.record(actor, "placement", placement_id, "status_changed", changes)


async def _employer_change(placement: dict, employer_id: int | None) -> dict[str, str]:
    from export_mgmt.employers.tables import Employer

    if employer_id is None or employer_id == placement["employer"]:
        return {"employer_id": _("Choose the new employer.")}
    employer = await Employer.select().where(Employer.id == employer_id).first()
    if employer is None or not employer["active"]:
        return {"employer_id": _("Choose one of the listed values.")}
    if employer["country"] != placement["destination_country"]:
        return {"employer_id": _("This employer is not in the destination country.")}
    return {}


def _terms(placement: dict) -> PlacementTerms:
    return PlacementTerms(programme=placement["programme"], contract_start=placement["contract_start"],
                          contract_end=placement["contract_end"], wage_currency=placement["wage_currency"],
                          basic_wage=placement["basic_wage"], gross_wage=placement["gross_wage"])


async def add_fee(actor: Actor, placement_id: int, data: FeeCreate) -> int:
    """Record a payment and re-assess the placement's whole ledger (caps are cumulative)."""
    errors: dict[str, str] = {}
    paid_on = parse_date(data.paid_on, "paid_on", errors, required=True)
    if paid_on and paid_on > today():
        errors["paid_on"] = _("The date cannot be in the future.")
    if data.payee not in PAYEES:
        errors["payee"] = _("Choose one of the listed values.")
    if data.purpose not in PURPOSES:
        errors["purpose"] = _("Choose one of the listed values.")
    if data.currency not in CURRENCY_CODES:
        errors["currency"] = _("Choose one of the listed values.")
    if data.amount <= 0:
        errors["amount"] = _("Enter the amount paid.")
    elif data.amount > MAX_AMOUNT:
        errors["amount"] = _("This amount is too large.")
    for name, limit in (("payee_name", 100), ("receipt_no", 50)):
        if len(getattr(data, name)) > limit:
            errors[name] = _("At most %(n)s characters.", n=limit)
    async with write_transaction():
        placement = await _load_for_update(actor, placement_id)
        if errors:
            raise FormErrors(errors)
        rows = await FeeEntry.insert(FeeEntry(
            placement=placement_id, payee=data.payee, payee_name=data.payee_name.strip(), amount=data.amount,
            currency=data.currency, paid_on=paid_on, purpose=data.purpose, receipt_no=data.receipt_no.strip(),
            created_by=actor.username,
        )).returning(FeeEntry.id)
        fee_id = rows[0]["id"]
        flags = await _reassess(placement)
        await audit.record(actor, "placement", placement_id, "fee_added", {
            "fee": [None, f"{data.payee} {data.purpose} {data.amount} {data.currency}"],
            "flag": [None, flags.get(fee_id, "ok")],
        })
    return fee_id


async def _reassess(placement: dict) -> dict[int, str]:
    ledger = await FeeEntry.select().where(FeeEntry.placement == placement["id"]).order_by(
        FeeEntry.paid_on, FeeEntry.id)
    results = assess(_terms(placement), [Fee(payee=f["payee"], purpose=f["purpose"], amount=f["amount"],
                                             currency=f["currency"], paid_on=f["paid_on"]) for f in ledger])
    changed: dict[tuple[str, str], list[int]] = {}
    for fee, verdict in zip(ledger, results):
        if (fee["flag"], fee["flag_reason"]) != verdict:
            changed.setdefault(verdict, []).append(fee["id"])
    # One UPDATE per verdict that changed (there are only a handful), not one per fee.
    for (flag, reason), fee_ids in changed.items():
        await FeeEntry.update({FeeEntry.flag: flag, FeeEntry.flag_reason: reason}).where(FeeEntry.id.is_in(fee_ids))
    return {fee["id"]: flag for fee, (flag, _reason) in zip(ledger, results)}


@dataclass(frozen=True)
class FlaggedFee:
    id: int
    placement_id: int
    worker_name: str
    agency_id: int
    agency_name: str
    programme: str
    payee: str
    purpose: str
    amount: int
    currency: str
    paid_on: dt.date
    flag: str
    flag_reason: str


def _flagged_conditions(actor: Actor, agency_id: int | None) -> list:
    conditions = [FeeEntry.flag != "ok"] + scope(actor, FeeEntry.placement)
    if agency_id:
        conditions.append(FeeEntry.placement.agency == agency_id)
    return conditions


async def count_flagged(actor: Actor, agency_id: int | None = None) -> int:
    return await where_all(FeeEntry.count(), _flagged_conditions(actor, agency_id))


async def flagged_fees(actor: Actor, agency_id: int | None = None, limit: int = 500) -> list[FlaggedFee]:
    """Fees over a cap or prohibited, newest first, within the actor's scope."""
    conditions = _flagged_conditions(actor, agency_id)
    rows = await where_all(FeeEntry.select(
        FeeEntry.id, FeeEntry.placement, FeeEntry.placement.worker.name.as_alias("worker_name"),
        FeeEntry.placement.agency.as_alias("agency_id"), FeeEntry.placement.agency.name.as_alias("agency_name"),
        FeeEntry.placement.programme.as_alias("programme"), FeeEntry.payee, FeeEntry.purpose, FeeEntry.amount,
        FeeEntry.currency, FeeEntry.paid_on, FeeEntry.flag, FeeEntry.flag_reason,
    ), conditions).order_by(FeeEntry.paid_on, ascending=False).limit(limit)
    return [FlaggedFee(id=r["id"], placement_id=r["placement"], worker_name=r["worker_name"],
                       agency_id=r["agency_id"], agency_name=r["agency_name"], programme=r["programme"],
                       payee=r["payee"], purpose=r["purpose"], amount=r["amount"], currency=r["currency"],
                       paid_on=r["paid_on"], flag=r["flag"], flag_reason=r["flag_reason"]) for r in rows]



async def counts_by_status(actor: Actor) -> dict[str, int]:
    """Placements in the actor's scope, per status, for the start page."""
    rows = await where_all(Placement.select(Placement.status, Count(alias="n")), scope(actor)).group_by(
        Placement.status)
    return {row["status"]: row["n"] for row in rows}
