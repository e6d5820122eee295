"""Turning a route of the access rules into a request: its path filled with a tenant's records, and a body the
route would accept from a role allowed to use it; a browser per role; a snapshot of a tenant's records."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
from litestar import Litestar
from litestar.routes import HTTPRoute

from export_mgmt.agencies.tables import Agency, ApiToken, Broker, Licence, ReserveFundEntry
from export_mgmt.audit.services import READ_ACTIONS
from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import today
from export_mgmt.complaints.tables import Complaint, ComplaintDocument, ComplaintInspector, ComplaintWorker
from export_mgmt.followups.tables import FollowUp, FollowUpDocument
from export_mgmt.inspections.tables import CaseInspector, CaseReferral, InspectionCase
from export_mgmt.notifications.tables import Notification
from export_mgmt.placements.tables import FeeEntry, Placement, PlacementDocument, PlacementEvent
from export_mgmt.workers.tables import Worker
from tests.conftest import _client, create_user, csrf_from, login
from tests.integration.security.access_rules import ROLES
from tests.integration.security.world import PDF, Tenant, World

PARAM = re.compile(r"\{(\w+):\w+\}")
MISSING = re.compile(r"/\d+(?=/|$)")  # every number in a filled path, to name records that do not exist
# Path parameters that name a record belonging to a county or an agency.
TENANT_PARAMS = {"worker_id", "agency_id", "licence_id", "broker_id", "token_id", "placement_id", "document_id",
                 "followup_id", "case_id", "referral_id", "complaint_id", "notification_id", "user_id", "id_number"}


def app_routes(app: Litestar) -> set[str]:
    """Every "METHOD path" the application answers (Litestar's automatic OPTIONS answers aside)."""
    found = set()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                found.update(f"{method} {route.path}" for method in handler.http_methods if method != "OPTIONS")
    return found


def is_api(key: str) -> bool:
    return key.split(" ", 1)[1].startswith("/api/")


def params(key: str) -> list[str]:
    return PARAM.findall(key)


def _value(name: str, path: str, w: World, t: Tenant) -> str:
    if name == "document_id":
        return str(t.placement_document if path.startswith("/placements") else
                   t.followup_document if path.startswith("/followups") else t.complaint_document)
    fixed = {"employer_id": w.employer, "rule_id": w.rule, "name": "no-such-job", "year": 2099,
             "token": "no-such-import", "file_path": "app.css", "path": "no-such-page"}
    if name in fixed:
        return str(fixed[name])
    return str({"user_id": t.clerk, "worker_id": t.worker, "agency_id": t.agency, "licence_id": t.licence,
                "broker_id": t.broker, "token_id": t.token, "placement_id": t.placement, "followup_id": t.followup,
                "case_id": t.case, "referral_id": t.referral, "complaint_id": t.complaint,
                "notification_id": t.notification, "id_number": t.id_number, "number": t.licence_number}[name])


def url(key: str, w: World, t: Tenant, parent: Tenant | None = None) -> str:
    """The route's path naming tenant t's records; with `parent`, the first parameter names parent's record."""
    path = key.split(" ", 1)[1]
    first = params(key)[:1]
    return PARAM.sub(lambda m: _value(m.group(1), path, w,
                                      parent if parent is not None and [m.group(1)] == first else t), path)


def _day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


def _placement(t: Tenant, w: World) -> dict:
    start = today() + dt.timedelta(days=30)
    return {"worker_id_number": t.id_number, "employer_id": "", "destination_country": "CN",
            "destination_city": "苏州", "destination_group": "YRD", "programme": "domestic", "job_title": "Welder",
            "sector": "manufacturing", "contract_start": start.isoformat(),
            "contract_end": (start + dt.timedelta(days=364)).isoformat(), "wage_currency": "CNY",
            "basic_wage": "4000", "gross_wage": "5000", "accident_insurance": "on", "notes": ""}


def _api_placement(t: Tenant, w: World) -> dict:
    form = _placement(t, w)
    body = {k: v for k, v in form.items() if k not in ("employer_id", "basic_wage", "gross_wage", "accident_insurance")}
    return {**body, "basic_wage": 400_000, "gross_wage": 500_000, "accident_insurance": True}


async def _version(table, record_id: int) -> int:
    """The record's current version, so a body works however often the record changed before."""
    return (await table.select(table.version).where(table.id == record_id).first())["version"]


async def _next_status(t: Tenant) -> dict:
    status = (await Placement.select(Placement.status).where(Placement.id == t.placement).first())["status"]
    return {"status": {"reported": "departed", "departed": "working"}.get(status, "terminated"), "on_date": _day()}


async def _open_followup(t: Tenant) -> int:
    """Tenant t's scheduled follow-up while it is open; once recorded, a fresh one due today."""
    row = await FollowUp.select(FollowUp.status).where(FollowUp.id == t.followup).first()
    if row["status"] == "pending":
        return t.followup
    rows = await FollowUp.insert(FollowUp(placement=t.placement, kind="periodic", seq=99, due_date=today(),
                                          overdue_after=today() + dt.timedelta(days=7))).returning(FollowUp.id)
    t.followup = rows[0]["id"]
    return t.followup


def _record() -> dict:
    return {"done_on": _day(), "method": "phone", "reached": "yes", "worker_status": "working", "notes": ""}


def _worker(t: Tenant) -> dict:
    return {"id_number": t.id_number, "name": t.worker_name + "改", "county_code": t.county, "education":
            "junior_secondary", "intention": "either", "status": "available", "version": _version(Worker, t.worker)}


FORMS = {
    "POST /workers/new": lambda w, t: {"id_number": "11010519491231002X", "name": "新工人", "county_code": t.county,
                                       "education": "junior_secondary", "intention": "either", "status": "available"},
    "POST /workers/{worker_id:int}/edit": lambda w, t: _worker(t),
    "POST /placements/new": lambda w, t: {**_placement(t, w), "worker_id_number": t.free_id_number},
    "POST /placements/{placement_id:int}/edit": lambda w, t: {**_placement(t, w), "agency_id": str(t.agency),
                                                              "version": _version(Placement, t.placement)},
    "POST /placements/{placement_id:int}/status": lambda w, t: _next_status(t),
    "POST /placements/{placement_id:int}/fees": lambda w, t: {"payee": "agency", "amount": "100", "currency": "CNY",
                                                              "paid_on": _day(), "purpose": "service_fee"},
    "POST /followups/{followup_id:int}/record": lambda w, t: _record(),
    "POST /placements/{placement_id:int}/followups/new": lambda w, t: _record(),
    "POST /agencies/{agency_id:int}/brokers/new": lambda w, t: {"id_number": "11010519491231002X", "name": "新经纪"},
    "POST /agencies/{agency_id:int}/brokers/{broker_id:int}/edit": lambda w, t: {
        "id_number": t.broker_id_number, "name": t.broker_name + "改", "phone": "13800000000",
        "version": _version(Broker, t.broker)},
    "POST /agencies/{agency_id:int}/brokers/{broker_id:int}/strike-off": lambda w, t: {"on_date": _day(),
                                                                                         "reason": "left"},
    "POST /employers/new": lambda w, t: {"kind": "foreign", "name": "Daewoo Heavy", "country": "KR",
                                         "region": "Geoje"},
}
UPLOADS = {"POST /placements/{placement_id:int}/documents": "document",
           "POST /followups/{followup_id:int}/evidence": "evidence",
           "POST /complaints/{complaint_id:int}/documents": "document"}
JSON = {
    "POST /api/v1/workers": lambda w, t: {"id_number": "11010519491231002X", "name": "新工人"},
    "PUT /api/v1/workers/{worker_id:int}": lambda w, t: {"id_number": t.id_number, "name": t.worker_name + "改",
                                                         "county_code": t.county,
                                                         "version": _version(Worker, t.worker)},
    "POST /api/v1/brokers": lambda w, t: {"id_number": "11010519491231002X", "name": "新经纪", "agency_id": t.agency},
    "POST /api/v1/employers": lambda w, t: {"kind": "foreign", "name": "Daewoo Heavy", "country": "KR"},
    "PUT /api/v1/employers/{employer_id:int}": lambda w, t: {"kind": "foreign", "name": "Hanil Metal Co.",
                                                             "country": "KR", "region": "Busan", "version": 1},
    "POST /api/v1/placements": lambda w, t: {**_api_placement(t, w), "worker_id_number": t.free_id_number},
    "PUT /api/v1/placements/{placement_id:int}": lambda w, t: {**_api_placement(t, w), "agency_id": t.agency,
                                                               "version": _version(Placement, t.placement)},
    "POST /api/v1/placements/{placement_id:int}/status": lambda w, t: _next_status(t),
    "POST /api/v1/placements/{placement_id:int}/fees": lambda w, t: {
        "payee": "agency", "amount": 10_000, "currency": "CNY", "paid_on": _day(), "purpose": "service_fee"},
    "POST /api/v1/followups/{followup_id:int}/record": lambda w, t: {**_record(), "reached": True},
    "POST /api/v1/placements/{placement_id:int}/followups": lambda w, t: {**_record(), "reached": True},
    "POST /api/v1/cases": lambda w, t: {"source": "routine", "respondent_type": "agency", "agency_id": t.agency,
                                        "finding": "wages_unpaid", "jurisdiction": t.county},
    "POST /api/v1/cases/{case_id:int}/assign": lambda w, t: {"inspector_ids": []},
    "POST /api/v1/cases/{case_id:int}/status": lambda w, t: {"status": "investigating",
                                                              "version": _version(InspectionCase, t.case)},
    "POST /api/v1/cases/{case_id:int}/extend": lambda w, t: {"version": _version(InspectionCase, t.case)},
    "POST /api/v1/cases/{case_id:int}/referrals": lambda w, t: {"target": "commerce", "sent_on": _day()},
    "POST /api/v1/cases/{case_id:int}/referrals/{referral_id:int}/reply": lambda w, t: {"reply": "done",
                                                                                         "replied_on": _day()},
}


async def _settled(body: dict, text: bool) -> dict:
    """A body whose values may still be waiting on the database (a version, a status); a form's values as text."""
    if inspect.isawaitable(body):
        body = await body
    settled = {k: (await v if inspect.isawaitable(v) else v) for k, v in body.items()}
    return {k: str(v) for k, v in settled.items()} if text else settled


async def prepare(key: str, t: Tenant) -> None:
    """Before writing to tenant t's record with `key`: a follow-up record needs a follow-up still open."""
    if key.endswith("/record"):
        await _open_followup(t)


@dataclass
class Browser:
    """A signed-in person (or an agency's system with its token) and what its writes must carry."""
    role: str
    client: httpx.AsyncClient
    csrf: str = ""

    async def call(self, key: str, target: str, w: World, t: Tenant, empty: bool = False,
                   extra: dict | None = None) -> httpx.Response:
        """`key` at `target` with the body that works on tenant t's records (none when `empty`), plus `extra`."""
        method = key.split(" ", 1)[0]
        if method in ("GET", "HEAD"):
            return await self.client.request(method, target)
        headers = {"X-CSRF-Token": self.csrf} if self.csrf else {}
        if is_api(key):
            body = {} if empty or key not in JSON else await _settled(JSON[key](w, t), text=False)
            body.update(extra or {})
            return await self.client.request(method, target, json=body, headers=headers)
        data = {} if empty or key not in FORMS else await _settled(FORMS[key](w, t), text=True)
        data.update({k: str(v) for k, v in (extra or {}).items()})
        files = None if empty or key not in UPLOADS else {UPLOADS[key]: ("evidence.pdf", PDF, "application/pdf")}
        return await self.client.request(method, target, data={**data, "csrf_token": self.csrf}, files=files,
                                         headers=headers)


async def browser(app: Litestar, role: str, w: World, stack: AsyncExitStack) -> Browser:
    """A browser for `role` ("anonymous", a role, or "agency_token"), confined to w.own where the role has a scope;
    closed with `stack`."""
    client = await stack.enter_async_context(_client(app))
    client.headers["Accept-Language"] = "en"
    if role == "anonymous":
        return Browser(role, client)
    if role == "agency_token":
        client.headers["Authorization"] = f"Bearer {w.own.raw_token}"
        return Browser(role, client)
    assert role in ROLES
    username = {"admin": "admin", "county_clerk": "clerk1", "agency_staff": "staff1"}.get(role)
    if username is None:
        username = role
        await create_user(username, role)
    response = await login(client, username)
    assert response.status_code in (302, 303), response.text
    return Browser(role, client, csrf_from((await client.get("/account/password")).text))


async def audit_count() -> int:
    """Audit rows of changes: a refusal (entity "access") and a read of a full number are audited too, but
    change nothing."""
    return await AuditLog.count().where((AuditLog.entity != "access") & AuditLog.action.not_in(READ_ACTIONS))


async def snapshot(t: Tenant) -> dict:
    """Every row of tenant t's records and of the records hanging from them."""
    one = {
        "agency": Agency.select().where(Agency.id == t.agency),
        "licence": Licence.select().where(Licence.agency == t.agency),
        "reserve": ReserveFundEntry.select().where(ReserveFundEntry.licence == t.licence),
        "broker": Broker.select().where(Broker.agency == t.agency),
        "token": ApiToken.select(ApiToken.id, ApiToken.name, ApiToken.revoked_at).where(ApiToken.agency == t.agency),
        "worker": Worker.select().where(Worker.county_code == t.county),
        "placement": Placement.select().where(Placement.agency == t.agency),
        "event": PlacementEvent.select().where(PlacementEvent.placement == t.placement),
        "fee": FeeEntry.select().where(FeeEntry.placement == t.placement),
        "placement_document": PlacementDocument.select().where(PlacementDocument.placement == t.placement),
        "followup": FollowUp.select().where(FollowUp.placement == t.placement),
        "followup_document": FollowUpDocument.select().where(FollowUpDocument.followup == t.followup),
        "complaint": Complaint.select().where(Complaint.id == t.complaint),
        "complaint_worker": ComplaintWorker.select().where(ComplaintWorker.complaint == t.complaint),
        "complaint_inspector": ComplaintInspector.select().where(ComplaintInspector.complaint == t.complaint),
        "complaint_document": ComplaintDocument.select().where(ComplaintDocument.complaint == t.complaint),
        "case": InspectionCase.select().where(InspectionCase.agency == t.agency),
        "case_inspector": CaseInspector.select().where(CaseInspector.inspection_case == t.case),
        "referral": CaseReferral.select().where(CaseReferral.inspection_case == t.case),
        "notification": Notification.select().where(Notification.user == t.clerk),
    }
    return {name: sorted(await query, key=lambda row: row["id"]) for name, query in one.items()}
