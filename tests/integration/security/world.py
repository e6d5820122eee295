"""Two tenants side by side for the access tests: a county (辽中区 / 和平区) with its agency, and in each every kind of
record a path can name, every one carrying a name or number found nowhere else."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

from export_mgmt.agencies.tables import ApiToken, Broker, Licence
from export_mgmt.agencies.tokens import token_hash
from export_mgmt.clock import today
from export_mgmt.complaints.tables import ComplaintDocument
from export_mgmt.employers.tables import Employer
from export_mgmt.followups.tables import FollowUpDocument, FollowUpRule
from export_mgmt.idnumber import make_number
from export_mgmt.inspections.tables import CaseReferral, InspectionCase
from export_mgmt.notifications.tables import Notification
from export_mgmt.placements.tables import PlacementDocument
from export_mgmt.uploads import upload_dir
from tests.conftest import create_agency, create_user
from tests.integration.exports.helpers import complaint, followup, placement, worker

PDF = b"%PDF-1.4\n% access test\n"


@dataclass
class Tenant:
    """One county and its agency, with a record of every kind; `mark` is in every name, so a list or a download
    that shows any of this tenant's rows shows the mark."""
    mark: str
    county: str
    agency: int
    agency_name: str
    licence: int
    licence_number: str
    broker: int
    broker_name: str
    broker_id_number: str
    token: int
    raw_token: str
    worker: int
    worker_name: str
    id_number: str
    free_id_number: str  # a worker in no placement, for reporting new ones
    placement: int
    placement_document: int
    followup: int
    followup_document: int
    complaint: int
    complaint_name: str
    complaint_document: int
    case: int
    referral: int
    clerk: int
    staff: int
    notification: int


async def _file(table, **values) -> int:
    stored = secrets.token_hex(16)
    (upload_dir() / stored).write_bytes(PDF)
    rows = await table.insert(table(filename="evidence.pdf", content_type="application/pdf", size=len(PDF),
                                    sha256="0" * 64, stored_name=stored, **values)).returning(table.id)
    return rows[0]["id"]


async def tenant(mark: str, county: str, seq: int) -> Tenant:
    on = today()
    agency_name = f"{mark}劳务公司"
    agency = await create_agency(agency_name, county)
    licence_number = f"LIC-{mark}-{seq}"
    licence = (await Licence.insert(Licence(
        agency=agency, kind="employment_intermediary", number=licence_number, scope="DOMESTIC",
        valid_from=on - dt.timedelta(days=300), valid_to=on + dt.timedelta(days=300))).returning(Licence.id))[0]["id"]
    broker_name = f"{mark}经纪"
    broker_id_number = make_number(county, dt.date(1980, 1, 2), 10 + seq)
    broker = (await Broker.insert(Broker(agency=agency, id_number=broker_id_number, name=broker_name))
              .returning(Broker.id))[0]["id"]
    raw_token = secrets.token_urlsafe(24)
    token = (await ApiToken.insert(ApiToken(agency=agency, name=f"{mark}系统", token_hash=token_hash(raw_token)))
             .returning(ApiToken.id))[0]["id"]
    worker_name = f"{mark}工人"
    worker_id, id_number = await worker(worker_name, county)
    _, free_id_number = await worker(f"{mark}待派工人", county)
    placement_id = await placement(worker_id, agency, "domestic", [("reported", on - dt.timedelta(days=20))])
    followup_id = await followup(placement_id, on + dt.timedelta(days=3))
    complaint_name = f"{mark}投诉人"
    complaint_id = await complaint(county, on - dt.timedelta(days=2), complainant=complaint_name)
    case = (await InspectionCase.insert(InspectionCase(
        source="follow_up", worker=worker_id, agency=agency, placement=placement_id, followup=followup_id,
        respondent_type="agency", respondent_name=agency_name, jurisdiction=county, finding="wages_unpaid",
        opened_on=on, currency="CNY", amount_owed=100_000, unpaid_months=1,
    )).returning(InspectionCase.id))[0]["id"]
    referral = (await CaseReferral.insert(CaseReferral(
        inspection_case=case, target="sending_agency", sent_on=on, reference=f"REF-{mark}",
    )).returning(CaseReferral.id))[0]["id"]
    clerk = await create_user(f"clerk{seq}", "county_clerk", county_code=county)
    staff = await create_user(f"staff{seq}", "agency_staff", agency_id=agency)
    notification = (await Notification.insert(Notification(
        user=clerk, kind="contract_ending", key=f"test-{mark}",
        params=json.dumps({"worker": worker_name, "placement": placement_id, "date": on.isoformat()}),
        link=f"/placements/{placement_id}",
    )).returning(Notification.id))[0]["id"]
    return Tenant(
        mark=mark, county=county, agency=agency, agency_name=agency_name, licence=licence,
        licence_number=licence_number, broker=broker, broker_name=broker_name, broker_id_number=broker_id_number,
        token=token, raw_token=raw_token,
        worker=worker_id, worker_name=worker_name, id_number=id_number, free_id_number=free_id_number,
        placement=placement_id,
        placement_document=await _file(PlacementDocument, placement=placement_id),
        followup=followup_id, followup_document=await _file(FollowUpDocument, followup=followup_id),
        complaint=complaint_id, complaint_name=complaint_name,
        complaint_document=await _file(ComplaintDocument, complaint=complaint_id),
        case=case, referral=referral, clerk=clerk, staff=staff, notification=notification)


@dataclass
class World:
    own: Tenant  # 辽中区: the signed-in clerk's county, the signed-in staff's agency
    other: Tenant  # 和平区: never theirs
    employer: int
    rule: int
    admin: int


async def build() -> World:
    own = await tenant("甲辽中", "210115", 1)
    other = await tenant("乙和平", "210102", 2)
    employer = (await Employer.insert(Employer(kind="foreign", name="Hanil Metal Co.", country="KR", region="Ansan",
                                               active=True)).returning(Employer.id))[0]["id"]
    rule = (await FollowUpRule.select(FollowUpRule.id).first())["id"]
    admin = await create_user("admin", "admin")
    return World(own=own, other=other, employer=employer, rule=rule, admin=admin)
