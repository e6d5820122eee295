"""Set-up and inspection for the placement rule and tenancy tests (services called with Actor objects)."""

from __future__ import annotations

import datetime as dt
import itertools

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies.tables import Broker, Licence
from export_mgmt.audit.tables import AuditLog
from export_mgmt.employers.tables import Employer
from export_mgmt.errors import FormErrors
from export_mgmt.idnumber import make_number
from export_mgmt.placements import services
from export_mgmt.placements.schemas import FeeCreate, PlacementCreate, StatusChange
from export_mgmt.placements.tables import FeeEntry, Placement, PlacementDocument, PlacementEvent
from export_mgmt.workers.tables import Worker
from tests.conftest import create_agency, create_user

LIAOZHONG = "210115"  # 辽中区
HEPING = "210102"  # 和平区
ALL_SCOPES = "DOMESTIC,KR,JP,SG"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

_seq = itertools.count(1)


def today() -> dt.date:
    """The bureau's calendar day, as the services count it."""
    return services.today()


def day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def start_date() -> dt.date:
    """A contract start some weeks ahead, on a day of the month every month has."""
    d = today() + dt.timedelta(days=40)
    return d.replace(day=min(d.day, 28))


def add_months(start: dt.date, months: int) -> dt.date:
    """The last day of a contract of exactly `months` months (by fees.contract_months) from start."""
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, start.day) - dt.timedelta(days=1)


def years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return dt.date(d.year - years, 2, 28)


# ---- set-up ------------------------------------------------------------------------------------------------

async def add_licence(agency_id: int, scope: str = ALL_SCOPES, status: str = "active",
                      valid_from: dt.date | None = None, valid_to: dt.date | None = None,
                      kind: str = "overseas_cooperation") -> int:
    rows = await Licence.insert(Licence(
        agency=agency_id, kind=kind, number=f"LIC-{agency_id}-{next(_seq)}", scope=scope,
        issuing_authority="沈阳市商务局", valid_from=valid_from or today() - dt.timedelta(days=365),
        valid_to=valid_to or today() + dt.timedelta(days=3 * 365), status=status,
    )).returning(Licence.id)
    return rows[0]["id"]


async def licensed_agency(name: str = "甲劳务公司", scope: str = ALL_SCOPES, county_code: str = LIAOZHONG,
                          **licence) -> int:
    agency_id = await create_agency(name, county_code)
    await add_licence(agency_id, scope, **licence)
    return agency_id


async def add_worker(name: str = "张三", born: dt.date | None = None, county_code: str = LIAOZHONG,
                     status: str = "available") -> tuple[int, str]:
    """A worker in the pool: (id, identity number). Born 30 years before the default contract start."""
    born = born or years_before(start_date(), 30) - dt.timedelta(days=10)
    number = make_number(county_code, born, next(_seq) % 1000)
    rows = await Worker.insert(Worker(
        id_number=number, name=name, sex="M" if int(number[16]) % 2 else "F", birth_date=born,
        id_region_code=county_code, county_code=county_code, status=status,
    )).returning(Worker.id)
    return rows[0]["id"], number


async def add_employer(country: str = "KR", name: str | None = None, active: bool = True) -> int:
    rows = await Employer.insert(Employer(
        kind="domestic" if country == "CN" else "foreign", name=name or f"Employer {country} {next(_seq)}",
        country=country, active=active,
    )).returning(Employer.id)
    return rows[0]["id"]


async def add_broker(agency_id: int, status: str = "active") -> int:
    rows = await Broker.insert(Broker(
        agency=agency_id, id_number=make_number(LIAOZHONG, dt.date(1975, 1, 1), next(_seq) % 1000),
        name=f"经纪人{next(_seq)}", status=status,
    )).returning(Broker.id)
    return rows[0]["id"]


# ---- actors --------------------------------------------------------------------------------------------------

async def actor(role: str, agency_id: int | None = None, county_code: str | None = None,
                username: str | None = None) -> Actor:
    """A user in the database and the Actor the services see for them."""
    username = username or f"{role}{next(_seq)}"
    user_id = await create_user(username, role, county_code=county_code, agency_id=agency_id)
    return Actor(id=user_id, username=username, display_name=username.title(), role=role,
                 county_code=county_code, agency_id=agency_id)


async def staff(agency_id: int, username: str | None = None) -> Actor:
    return await actor("agency_staff", agency_id=agency_id, username=username)


# ---- request bodies --------------------------------------------------------------------------------------------

PROGRAMME_DEFAULTS = {
    "kr_eps_e9": dict(destination_country="KR", destination_city="安山", wage_currency="KRW",
                      basic_wage=2_060_740, gross_wage=2_500_000, months=36),
    "kr_eps_h2": dict(destination_country="KR", destination_city="仁川", wage_currency="KRW",
                      basic_wage=2_060_740, gross_wage=2_300_000, months=36),
    "jp_trainee": dict(destination_country="JP", destination_city="名古屋", wage_currency="JPY",
                       basic_wage=80_000, gross_wage=90_000, months=12),
    "jp_technical_intern": dict(destination_country="JP", destination_city="大阪", wage_currency="JPY",
                                basic_wage=160_000, gross_wage=180_000, months=36),
    "jp_ssw": dict(destination_country="JP", destination_city="东京", wage_currency="JPY",
                   basic_wage=200_000, gross_wage=230_000, months=36),
    "sg_work_permit": dict(destination_country="SG", destination_city="Singapore", wage_currency="SGD",
                           basic_wage=150_000, gross_wage=180_000, months=24),
    "domestic": dict(destination_country="CN", destination_city="江苏省苏州市", destination_group="YRD",
                     wage_currency="CNY", basic_wage=450_000, gross_wage=520_000, months=12),
}


def body(id_number: str, programme: str = "kr_eps_e9", employer_id: int | None = None, **fields) -> PlacementCreate:
    """A report that passes every rule for this programme, unless `fields` say otherwise."""
    values = dict(PROGRAMME_DEFAULTS[programme])
    start = start_date()
    end = add_months(start, values.pop("months"))
    values.update(worker_id_number=id_number, programme=programme, employer_id=employer_id, job_title="焊工",
                  sector="manufacturing", contract_start=start.isoformat(), contract_end=end.isoformat(),
                  accident_insurance=values["destination_country"] != "CN",
                  insurance_policy_no="PICC-2024-001" if values["destination_country"] != "CN" else "")
    values.update(fields)
    return PlacementCreate(**values)


def fee_body(amount: int, currency: str, payee: str = "agency", purpose: str = "service_fee",
             paid_on: str | None = None, **fields) -> FeeCreate:
    return FeeCreate(payee=payee, amount=amount, currency=currency,
                     paid_on=day(0) if paid_on is None else paid_on, purpose=purpose, **fields)


def change(status: str, on_date: str | None = None, **fields) -> StatusChange:
    return StatusChange(status=status, on_date=day(0) if on_date is None else on_date, **fields)


async def form_errors(coro) -> dict[str, str]:
    """The errors a refused action raised (the test fails if it was accepted)."""
    try:
        await coro
    except FormErrors as exc:
        return exc.errors
    raise AssertionError("the action was accepted")


# ---- direct rows, for set-up independent of the report rules ---------------------------------------------------

async def insert_placement(worker_id: int, agency_id: int, programme: str = "kr_eps_e9", status: str = "working",
                           employer_id: int | None = None, changed_on: dt.date | None = None) -> int:
    values = dict(PROGRAMME_DEFAULTS[programme])
    start = start_date()
    end = add_months(start, values.pop("months"))
    rows = await Placement.insert(Placement(
        worker=worker_id, agency=agency_id, employer=employer_id, programme=programme, contract_start=start,
        contract_end=end, status=status, status_changed_on=changed_on or today() - dt.timedelta(days=30),
        accident_insurance=True, **values,
    )).returning(Placement.id)
    placement_id = rows[0]["id"]
    await PlacementEvent.insert(PlacementEvent(placement=placement_id, status=status,
                                               on_date=changed_on or today() - dt.timedelta(days=30)))
    return placement_id


# ---- inspection --------------------------------------------------------------------------------------------

async def counts() -> dict[str, int]:
    return {"placement": await Placement.count(), "event": await PlacementEvent.count(),
            "fee": await FeeEntry.count(), "document": await PlacementDocument.count(),
            "audit": await AuditLog.count()}


async def worker_status(worker_id: int) -> str:
    return (await Worker.select(Worker.status).where(Worker.id == worker_id).first())["status"]


async def worker_statuses() -> dict[int, str]:
    return {r["id"]: r["status"] for r in await Worker.select(Worker.id, Worker.status)}


async def placement_row(placement_id: int) -> dict:
    return await Placement.select().where(Placement.id == placement_id).first()


async def events_of(placement_id: int) -> list[tuple[str, dt.date]]:
    rows = await PlacementEvent.select().where(PlacementEvent.placement == placement_id).order_by(PlacementEvent.id)
    return [(r["status"], r["on_date"]) for r in rows]


async def fee_flags(placement_id: int) -> list[tuple[int, str, str]]:
    rows = await FeeEntry.select().where(FeeEntry.placement == placement_id).order_by(FeeEntry.id)
    return [(r["amount"], r["flag"], r["flag_reason"]) for r in rows]


async def audit_actions(entity: str, entity_id: int) -> list[str]:
    rows = await AuditLog.select(AuditLog.action).where(
        (AuditLog.entity == entity) & (AuditLog.entity_id == str(entity_id))).order_by(AuditLog.id)
    return [r["action"] for r in rows]
