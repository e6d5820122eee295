"""Demo agencies, licences, brokers, employers, placements in every status and a fee ledger with flags."""

from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import uscc

from export_mgmt.agencies.tables import Agency, Broker, Licence, LicenceStatusChange, ReserveFundEntry
from export_mgmt.employers.tables import Employer
from export_mgmt.idnumber import age_on, make_number
from export_mgmt.placements import lifecycle
from export_mgmt.placements.fees import Fee, PlacementTerms, assess
from export_mgmt.placements.tables import FeeEntry, Placement, PlacementEvent
from export_mgmt.workers.tables import Worker


def credit_code(body: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return body + uscc.calc_check_digit(body)


AGENCIES = [
    # name, county, credit code body, licences: (kind, number, scope, from, to, status, reason)
    ("沈阳国际经济技术合作有限公司", "210103", "91210103MA0XK1234", [
        ("overseas_cooperation", "LNWL-2101-0001", "KR,JP,SG", -2000, 800, "active", ""),
        ("employment_intermediary", "RLZY-210103-015", "DOMESTIC", -1500, 600, "active", ""),
    ]),
    ("辽中区劳务输出服务中心", "210115", "12210115MB1234567", [
        ("employment_intermediary", "RLZY-210115-003", "DOMESTIC", -1000, 45, "active", ""),  # expires soon
    ]),
    ("新民市海外就业服务有限公司", "210181", "91210181MA0YQ8765", [
        ("overseas_cooperation", "LNWL-2101-0007", "KR,JP", -900, 500, "suspended",
         "年度检查未通过：风险处置备用金不足"),
    ]),
    ("法库县劳务派遣有限公司", "210124", "91210124MA0UR4321", [
        ("employment_intermediary", "RLZY-210124-002", "DOMESTIC", -1200, -20, "active", ""),  # past its date
    ]),
]

EMPLOYERS = [
    ("foreign", "KR", "경기도 안산시", "", "(주)대한정밀", "123-45-67890", "manufacturing", "kr_eps_e9"),
    ("foreign", "KR", "충청남도 논산시", "", "논산농업법인", "312-81-55555", "agriculture", "kr_eps_e9"),
    ("foreign", "JP", "愛知県豊田市", "", "株式会社中部精工", "1800-01-234567", "manufacturing", "jp_technical_intern"),
    ("foreign", "JP", "茨城県鉾田市", "", "鉾田農業協同組合", "0500-05-000123", "agriculture", "jp_ssw"),
    ("foreign", "SG", "Singapore", "", "Lion City Builders Pte Ltd", "201912345K", "construction", "sg_work_permit"),
    ("foreign", "SG", "Singapore", "", "Jurong Marine Services Pte Ltd", "199801234M", "marine", "sg_work_permit"),
    ("domestic", "CN", "上海市", "YRD", "上海浦东电子有限公司", "91310115MA1K00001", "manufacturing", ""),
    ("domestic", "CN", "江苏省苏州市", "YRD", "苏州工业园区精密制造厂", "91320594MA1M00002", "manufacturing", ""),
    ("domestic", "CN", "广东省东莞市", "PRD", "东莞长安电子厂", "91441900MA4U00003", "manufacturing", ""),
    ("domestic", "CN", "四川省成都市", "WEST", "成都天府建设集团", "91510100MA6C00004", "construction", ""),
]

# (programme, country, employer index, currency, basic, gross, contract months)
PLACEMENT_KINDS = [
    ("kr_eps_e9", "KR", 0, "KRW", 2_100_000, 2_600_000, 36),
    ("kr_eps_e9", "KR", 1, "KRW", 2_060_000, 2_300_000, 36),
    ("jp_technical_intern", "JP", 2, "JPY", 180_000, 210_000, 36),
    ("jp_ssw", "JP", 3, "JPY", 200_000, 230_000, 24),
    ("sg_work_permit", "SG", 4, "SGD", 160_000, 210_000, 24),
    ("sg_work_permit", "SG", 5, "SGD", 170_000, 220_000, 24),
    ("domestic", "CN", 6, "CNY", 450_000, 560_000, 12),
    ("domestic", "CN", 8, "CNY", 420_000, 520_000, 12),
    ("domestic", "CN", 9, "CNY", 500_000, 650_000, 10),
]

# Each status's path from "reported", so the timeline of every demo placement is complete.
PATHS = {
    "reported": ["reported"],
    "departed": ["reported", "departed"],
    "working": ["reported", "departed", "working"],
    "employer_changed": ["reported", "departed", "working", "employer_changed"],
    "unreachable": ["reported", "departed", "working", "unreachable"],
    "completed": ["reported", "departed", "working", "completed"],
    "returned": ["reported", "departed", "working", "returned"],
    "terminated": ["reported", "terminated"],
}


async def load_placements(rng: random.Random, today: dt.date) -> dict[str, int]:
    """Insert the demo set; returns the ids other demo pieces need (set-based inserts throughout)."""
    agency_ids, licence_rows = [], []
    for name, county, code_body, licences in AGENCIES:
        rows = await Agency.insert(Agency(
            name=name, county_code=county, credit_code=credit_code(code_body),
            address=f"沈阳市{name[:3]}路{rng.randint(1, 300)}号",
            legal_representative=rng.choice(["王建国", "李淑珍", "张立新", "刘海燕"]), contact_name="办公室",
            contact_phone=f"024-{rng.randint(20000000, 29999999)}",
        )).returning(Agency.id)
        agency_ids.append(rows[0]["id"])
        for kind, number, scope, start, end, status, reason in licences:
            licence_rows.append(Licence(
                agency=rows[0]["id"], kind=kind, number=number, scope=scope, issuing_authority=(
                    "辽宁省商务厅" if kind == "overseas_cooperation" else "沈阳市劳动和社会保障局"),
                valid_from=today + dt.timedelta(days=start), valid_to=today + dt.timedelta(days=end), status=status,
                status_reason=reason, status_changed_on=today - dt.timedelta(days=30) if reason else None,
                reserve_required=300_000_000 if kind == "overseas_cooperation" else None,
            ))
    licence_ids = [r["id"] for r in await Licence.insert(*licence_rows).returning(Licence.id)]
    suspended = [lid for lid, row in zip(licence_ids, licence_rows) if row.status == "suspended"]
    await LicenceStatusChange.insert(*[LicenceStatusChange(
        licence=lid, status="suspended", reason="年度检查未通过：风险处置备用金不足",
        effective_on=today - dt.timedelta(days=30), actor_name="admin") for lid in suspended])
    overseas = [lid for lid, row in zip(licence_ids, licence_rows) if row.kind == "overseas_cooperation"]
    await ReserveFundEntry.insert(
        ReserveFundEntry(licence=overseas[0], kind="deposit", amount=300_000_000,
                         on_date=today - dt.timedelta(days=900)),
        ReserveFundEntry(licence=overseas[0], kind="draw", amount=12_000_000, on_date=today - dt.timedelta(days=200),
                         note="垫付劳务人员工资"),
        ReserveFundEntry(licence=overseas[0], kind="top_up", amount=12_000_000,
                         on_date=today - dt.timedelta(days=185)),
        ReserveFundEntry(licence=overseas[1], kind="deposit", amount=100_000_000,
                         on_date=today - dt.timedelta(days=800)),
    )
    brokers = []
    for index, agency_id in enumerate(agency_ids):
        for n in range(3):
            born = dt.date(1970 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28))
            number = make_number(AGENCIES[index][1], born, 500 + index * 10 + n)
            brokers.append(Broker(agency=agency_id, id_number=number,
                                  name=rng.choice("王李张刘陈杨赵") + rng.choice(["志强", "秀英", "海涛", "丽娟"]),
                                  certificate_no=f"JJR-{AGENCIES[index][1]}-{index * 10 + n:04d}",
                                  status="struck_off" if n == 2 and index == 0 else "active"))
    broker_ids = [r["id"] for r in await Broker.insert(*brokers).returning(Broker.id)]
    employers = [Employer(kind=kind, country=country, region=region, destination_group=group, name=name,
                          registration_no=reg, sector=sector, programme=programme, address=region, contact="人事部")
                 for kind, country, region, group, name, reg, sector, programme in EMPLOYERS]
    employer_ids = [r["id"] for r in await Employer.insert(*employers).returning(Employer.id)]
    count = await _placements(rng, today, agency_ids, broker_ids, employer_ids)
    return {"agencies": len(agency_ids), "licences": len(licence_ids), "brokers": len(broker_ids),
            "employers": len(employer_ids), "placements": count}


async def _placements(rng: random.Random, today: dt.date, agency_ids: list[int], broker_ids: list[int],
                      employer_ids: list[int]) -> int:
    # Workers aged 20–39 who are free: the demo places them and sets their pool status to match.
    candidates = [w for w in await Worker.select(Worker.id, Worker.birth_date, Worker.status).order_by(Worker.id)
                  if 20 <= age_on(w["birth_date"], today) <= 39]
    rng.shuffle(candidates)
    statuses = list(PATHS) * 5
    rows, plans = [], []
    for worker, status in zip(candidates, statuses):
        programme, country, employer, currency, basic, gross, months = rng.choice(PLACEMENT_KINDS)
        agency = agency_ids[0] if country != "CN" else rng.choice(agency_ids[:2])
        start = today - dt.timedelta(days=rng.randint(30, 500) if status != "reported" else -30)
        end = start + dt.timedelta(days=months * 30)
        rows.append(Placement(
            worker=worker["id"], agency=agency, broker=broker_ids[0] if agency == agency_ids[0] else broker_ids[3],
            employer=employer_ids[employer], destination_country=country, destination_city=EMPLOYERS[employer][2],
            destination_group=EMPLOYERS[employer][3], programme=programme, job_title="操作工",
            sector=EMPLOYERS[employer][6], contract_start=start, contract_end=end, wage_currency=currency,
            basic_wage=basic, gross_wage=gross,
            departure_date=start - dt.timedelta(days=3) if status != "reported" else None,
            accident_insurance=True, insurance_policy_no=f"PICC-{rng.randint(10**7, 10**8)}", status=status,
            status_changed_on=min(today, start + dt.timedelta(days=20 * (len(PATHS[status]) - 1))), created_by="demo",
        ))
        plans.append((worker, status, country, start))
    ids = [r["id"] for r in await Placement.insert(*rows).returning(Placement.id)]
    events, fees = [], []
    by_status: dict[str, list[int]] = {}
    for placement_id, row, (worker, status, country, start) in zip(ids, rows, plans):
        for step, event_status in enumerate(PATHS[status]):
            events.append(PlacementEvent(placement=placement_id, status=event_status, actor_name="demo",
                                         on_date=min(today, start + dt.timedelta(days=20 * step))))
        fees.extend(_demo_fees(rng, placement_id, row))
        by_status.setdefault(lifecycle.worker_status_for(status, country != "CN"), []).append(worker["id"])
    # One UPDATE per resulting pool status, not one per worker.
    for pool_status, worker_ids in by_status.items():
        await Worker.update({Worker.status: pool_status}).where(Worker.id.is_in(worker_ids))
    await PlacementEvent.insert(*events)
    await FeeEntry.insert(*fees)
    return len(ids)


def _demo_fees(rng: random.Random, placement_id: int, row: Placement) -> list[FeeEntry]:
    """A plausible ledger, with some entries the rules flag (a deposit, an EPS fee, a Singapore fee over the cap)."""
    day = row.contract_start - dt.timedelta(days=40)
    ledger = [Fee("other", "medical", 30_000, "CNY", day), Fee("agency", "training", 150_000, "CNY", day)]
    if row.programme == "sg_work_permit":
        ledger.append(Fee("foreign_agency", "service_fee", row.basic_wage * rng.choice((1, 3)), "SGD", day))
    elif row.programme == "kr_eps_e9" and rng.random() < 0.3:
        ledger.append(Fee("broker", "service_fee", 500_000, "CNY", day))
    elif rng.random() < 0.15:
        ledger.append(Fee("agency", "deposit", 1_000_000, "CNY", day))
    terms = PlacementTerms(row.programme, row.contract_start, row.contract_end, row.wage_currency, row.basic_wage,
                           row.gross_wage)
    return [FeeEntry(placement=placement_id, payee=fee.payee, amount=fee.amount, currency=fee.currency,
                     paid_on=fee.paid_on, purpose=fee.purpose, receipt_no=f"R{placement_id:05d}{n}", flag=flag,
                     flag_reason=reason, created_by="demo")
            for n, (fee, (flag, reason)) in enumerate(zip(ledger, assess(terms, ledger)))]
