"""A small known world for the list export tests: two counties, two agencies, a worker or two in each, with their
placements, follow-ups, fees, complaints, an inspection case, brokers, employers and an audit entry; and a browser
per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from export_mgmt.agencies.tables import Broker
from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import today
from export_mgmt.employers.tables import Employer
from export_mgmt.idnumber import make_number, mask
from export_mgmt.inspections.tables import InspectionCase
from tests.conftest import create_agency, create_user, login
from tests.integration.exports.helpers import complaint, fee, followup, placement, worker

LIAOZHONG = "210115"  # 辽中区
HEPING = "210102"  # 和平区
INJECTION = "=HYPERLINK(\"http://x\")"


@dataclass
class World:
    agency_a: int
    agency_b: int
    liaozhong_worker: int
    liaozhong_number: str
    heping_worker: int
    heping_number: str
    placement_a: int
    placement_b: int
    followup_a: int
    followup_b: int
    complaint_liaozhong: int
    complaint_heping: int


async def build() -> World:
    on = today()
    agency_a = await create_agency("甲劳务公司", LIAOZHONG)
    agency_b = await create_agency("乙劳务公司", HEPING)
    w1, n1 = await worker("李秀兰", LIAOZHONG, sex="F", born=dt.date(1975, 3, 4))
    await worker(INJECTION, LIAOZHONG)
    w2, n2 = await worker("王建国", HEPING, born=dt.date(1988, 8, 8))
    p1 = await placement(w1, agency_a, "kr_eps_e9", [("reported", on - dt.timedelta(days=60)),
                                                     ("departed", on - dt.timedelta(days=30))])
    p2 = await placement(w2, agency_b, "domestic", [("reported", on - dt.timedelta(days=20))])
    f1 = await followup(p1, on - dt.timedelta(days=2))
    f2 = await followup(p2, on + dt.timedelta(days=3))
    await fee(p1, on - dt.timedelta(days=40), 300_000, "CNY")
    c1 = await complaint(LIAOZHONG, on - dt.timedelta(days=5), complainant="赵投诉", owed=[(1_234_550, "CNY", 0)])
    c2 = await complaint(HEPING, on - dt.timedelta(days=6), complainant="钱投诉")
    await InspectionCase.insert(InspectionCase(
        source="follow_up", worker=w1, agency=agency_a, placement=p1, followup=f1, respondent_type="agency",
        respondent_name="甲劳务公司", jurisdiction=LIAOZHONG, finding="wages_unpaid", opened_on=on,
        currency="KRW", amount_owed=3_000_000, unpaid_months=2))
    await Broker.insert(
        Broker(agency=agency_a, id_number=make_number(LIAOZHONG, dt.date(1980, 1, 2), 11), name="孙经纪"),
        Broker(agency=agency_b, id_number=make_number(HEPING, dt.date(1981, 1, 2), 13), name="周经纪"))
    await Employer.insert(
        Employer(kind="foreign", name="Hanil Metal Co.", country="KR", region="Ansan", active=True),
        Employer(kind="domestic", name="苏州电子厂", country="CN", region="江苏省", destination_group="YRD",
                 active=True))
    await AuditLog.insert(AuditLog(actor_name="admin", entity="worker", entity_id=str(w1), action="create",
                                   changes='{"name": [null, "李秀兰"]}'))
    return World(agency_a, agency_b, w1, n1, w2, n2, p1, p2, f1, f2, c1, c2)


async def sign_in(client, role: str, county: str | None = None, agency: int | None = None,
                  locale: str | None = None) -> None:
    name = f"{role}{county or ''}{agency or ''}"
    await create_user(name, role, county_code=county, agency_id=agency, locale=locale)
    response = await login(client, name)
    assert response.status_code in (302, 303), response.text


__all__ = ["HEPING", "INJECTION", "LIAOZHONG", "World", "build", "mask", "sign_in"]
