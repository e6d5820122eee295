"""Set-up and inspection for the complaint service tests (services called with Actor objects).

The services read the bureau's day through `today` imported from export_mgmt.clock into each module; set_today()
pins that name in every module a complaint passes through, so statutory dates do not depend on when the suite runs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit.services import READ_ACTIONS
from export_mgmt.audit.tables import AuditLog
from export_mgmt.complaints import blacklist, intake, services, workflow
from export_mgmt.complaints.schemas import ComplaintCreate, ComplaintTransition, Evidence, Filed, WorkerLine
from export_mgmt.complaints.tables import Complaint, ComplaintDocument, ComplaintInspector, ComplaintWorker
from export_mgmt.idnumber import make_number
from export_mgmt.inspections import services as inspections
from export_mgmt.notifications.tables import Notification
from export_mgmt.uploads import upload_dir
from tests.integration.placements.helpers_rules import actor

D = dt.date
LIAOZHONG = "210115"  # 辽中区, a county of the city
HEPING = "210102"  # 和平区, another
# An ordinary Monday well inside the years the chinesecalendar package knows: 60 + 30 working days stay in 2024.
MONDAY = D(2024, 3, 4)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

_seq = itertools.count(1)


def set_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """The bureau's day as the complaint services (and the inspection case they open) see it."""
    for module in (workflow, services, intake, blacklist, inspections):
        monkeypatch.setattr(module, "today", lambda: day)


def id_number(born: dt.date = D(1985, 5, 5), region: str = LIAOZHONG) -> str:
    """A valid identity number nobody else in the test has (born in 1985, unlike the pool's helpers)."""
    return make_number(region, born, next(_seq) % 1000)


def worker(name: str = "张三", amount: int = 1_500_000, months: int = 3, currency: str = "CNY",
           number: str | None = None, representative: bool = False) -> WorkerLine:
    return WorkerLine(name=name, id_number=id_number() if number is None else number, months_owed=months,
                      currency=currency, amount_owed=amount, representative=representative)


def complaint(**fields) -> ComplaintCreate:
    """A complaint that passes every intake rule, unless `fields` say otherwise."""
    values = dict(kind="complaint", complainant_name="张三", complainant_id_number=id_number(),
                  complainant_phone="13800000000", complainant_address="辽中区蒲东街道1号",
                  respondent_name="沈阳某建筑工程有限公司", work_place=LIAOZHONG, arrears_from="2023-06-01",
                  arrears_to="2023-12-31", facts="工地拖欠三个月工资", request="支付拖欠工资")
    values.update(fields)
    if "workers" not in fields:
        values["workers"] = [worker(values["complainant_name"] or "张三", number=values["complainant_id_number"])]
    return ComplaintCreate(**values)


def report(**fields) -> ComplaintCreate:
    """A report (举报) by someone who is not one of the workers."""
    values = dict(kind="report", complainant_name="李举报", complainant_id_number=id_number(D(1970, 7, 7)),
                  complainant_phone="13900000001", complainant_address="和平区举报路8号", relationship="other",
                  workers=[])
    values.update(fields)
    return complaint(**values)


async def file(who: Actor | None = None, data: ComplaintCreate | None = None, on: dt.date = MONDAY,
               evidence: list[Evidence] = ()) -> Filed:
    return await intake.file(who, data or complaint(), list(evidence), on=on)


# ---- working a complaint ---------------------------------------------------------------------------------------

async def row(complaint_id: int) -> dict:
    return await Complaint.select().where(Complaint.id == complaint_id).first()


async def workers_of(complaint_id: int) -> list[dict]:
    return await ComplaintWorker.select().where(ComplaintWorker.complaint == complaint_id).order_by(
        ComplaintWorker.id)


async def force(complaint_id: int, **values) -> None:
    """Set columns directly: set-up that does not depend on the rules under test."""
    await Complaint.update({getattr(Complaint, k): v for k, v in values.items()}).where(Complaint.id == complaint_id)


async def move(who: Actor, complaint_id: int, status: str, version: int | None = None, **fields) -> None:
    version = (await row(complaint_id))["version"] if version is None else version
    await workflow.transition(who, complaint_id, ComplaintTransition(status=status, version=version, **fields))


async def order_all(complaint_id: int) -> dict[int, int]:
    """Every worker ordered paid what they claimed."""
    return {w["id"]: w["amount_owed"] for w in await workers_of(complaint_id)}


async def inspectors(n: int = 2) -> list[Actor]:
    return [await actor("inspector") for _ in range(n)]


# The way from a new complaint to each status, through the workflow itself.
PATHS = {
    "received": [],
    "supplement_requested": ["supplement_requested"],
    "rejected": ["rejected"],
    "accepted": ["accepted"],
    "investigating": ["accepted", "investigating"],
    "rectification_ordered": ["accepted", "investigating", "rectification_ordered"],
    "payment_ordered": ["accepted", "investigating", "rectification_ordered", "payment_ordered"],
    "transferred": ["accepted", "investigating", "rectification_ordered", "payment_ordered", "transferred"],
    "closed": ["accepted", "closed"],
}


def later(today: dt.date, days: int = 16) -> str:
    return (today + dt.timedelta(days=days)).isoformat()


async def step_data(complaint_id: int, target: str, today: dt.date = MONDAY) -> dict:
    """What a step on PATHS needs (the smallest valid data for each target)."""
    if target == "supplement_requested":
        return dict(note="请补充劳动合同复印件")
    if target == "rejected":
        return dict(reject_reason="labour_dispute", note="请向劳动人事争议仲裁委员会申请仲裁")
    if target in ("rectification_ordered", "payment_ordered"):
        extra = dict(compensation_percent=50) if target == "payment_ordered" else {}
        return dict(rectify_by=later(today), ordered=await order_all(complaint_id), **extra)
    if target == "transferred":
        return dict(note="移送沈阳市公安局辽中分局，编号2024-17")
    if target == "closed":
        return dict(outcome="withdrawn", note="投诉人撤回投诉")
    return {}


async def reach(who: Actor, complaint_id: int, status: str, team: list[Actor], today: dt.date = MONDAY) -> None:
    """Walk a received complaint to `status`; `team` (two inspectors) is assigned once it is accepted."""
    for target in PATHS[status]:
        await move(who, complaint_id, target, **await step_data(complaint_id, target, today))
        if target == "accepted":
            await services.assign(who, complaint_id, [i.id for i in team])


# ---- inspection ------------------------------------------------------------------------------------------------

def stored_files() -> set[str]:
    return {p.name for p in upload_dir().iterdir()}


async def counts() -> dict:
    """Everything an intake or a refused action could leave behind."""
    return {"complaint": await Complaint.count(), "worker": await ComplaintWorker.count(),
            "document": await ComplaintDocument.count(), "inspector": await ComplaintInspector.count(),
            "audit": await AuditLog.count(), "notification": await Notification.count(), "files": stored_files()}


async def history(complaint_id: int) -> list[tuple[str, dict]]:
    """The complaint's changes (reads that showed numbers in full are rows of their own, left out here)."""
    rows = await AuditLog.select(AuditLog.action, AuditLog.changes).where(
        (AuditLog.entity == "complaint") & (AuditLog.entity_id == str(complaint_id))
        & AuditLog.action.not_in(READ_ACTIONS)).order_by(AuditLog.id)
    return [(r["action"], json.loads(r["changes"])) for r in rows]


async def audit_text(complaint_id: int) -> str:
    """The whole audit trail of a complaint as stored."""
    rows = await AuditLog.select(AuditLog.changes, AuditLog.actor_name).where(
        (AuditLog.entity == "complaint") & (AuditLog.entity_id == str(complaint_id)))
    return " ".join(r["changes"] + " " + r["actor_name"] for r in rows)


async def notified(kind: str) -> list[tuple[int, str, dict]]:
    """(user id, key, params) of every notification of this kind."""
    rows = await Notification.select(Notification.user, Notification.key, Notification.params).where(
        Notification.kind == kind).order_by(Notification.user, Notification.key)
    return [(r["user"], r["key"], json.loads(r["params"])) for r in rows]
