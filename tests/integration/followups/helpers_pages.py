"""Set-up and page-reading helpers for the follow-up page, API, schedule and compliance tests."""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx

from export_mgmt.audit.tables import AuditLog
from export_mgmt.followups.tables import FollowUp
from export_mgmt.placements.tables import Placement
from tests.conftest import csrf_from
from tests.integration.placements.helpers_pages import (  # noqa: F401 (re-exported for the tests)
    HEPING,
    LIAOZHONG,
    PDF,
    browser,
    english,
    field_error,
    form_error,
    input_value,
    selected,
    sign_in,
    table_text,
)
from tests.integration.placements.helpers_rules import add_worker, insert_placement, licensed_agency, today


def day(offset: int = 0) -> dt.date:
    return today() + dt.timedelta(days=offset)


async def placed(worker_name: str, agency_id: int, county_code: str = LIAOZHONG, programme: str = "kr_eps_e9",
                 departed_days_ago: int | None = None) -> int:
    """A worker of `county_code` placed by `agency_id` and working; optionally departed that many days ago."""
    worker_id, _ = await add_worker(worker_name, county_code=county_code, status="abroad")
    placement_id = await insert_placement(worker_id, agency_id, programme=programme)
    if departed_days_ago is not None:
        await Placement.update({Placement.departure_date: day(-departed_days_ago)}).where(
            Placement.id == placement_id)
    return placement_id


async def world() -> dict:
    """Two agencies; 甲 places 张三 (辽中区) and 王五 (和平区), 乙 places 李四 (辽中区)."""
    ours, theirs = await licensed_agency("甲劳务公司"), await licensed_agency("乙劳务公司")
    return {
        "agency": ours, "other_agency": theirs,
        "zhang": await placed("张三", ours, LIAOZHONG),
        "wang": await placed("王五", ours, HEPING),
        "li": await placed("李四", theirs, LIAOZHONG),
    }


async def add_followup(placement_id: int, kind: str = "periodic", seq: int = 1, due: int = 0, grace: int = 7,
                       status: str = "pending", **fields) -> int:
    """A follow-up row written straight to the database, due `due` days from today."""
    rows = await FollowUp.insert(FollowUp(
        placement=placement_id, kind=kind, seq=seq, due_date=day(due), overdue_after=day(due + grace),
        status=status, **fields)).returning(FollowUp.id)
    return rows[0]["id"]


async def add_done(placement_id: int, seq: int = 1, due: int = -20, done: int = -18, grace: int = 7,
                   kind: str = "periodic", **fields) -> int:
    """A follow-up already recorded `done` days from today (reached, working normally unless told otherwise)."""
    values = dict(reached=True, worker_status="working", method="phone", recorded_by="someone")
    values.update(fields)
    return await add_followup(placement_id, kind=kind, seq=seq, due=due, grace=grace, status="done",
                              done_on=day(done), **values)


async def followup_row(followup_id: int) -> dict:
    return await FollowUp.select().where(FollowUp.id == followup_id).first()


async def audit_actions(entity: str, entity_id: int) -> list[str]:
    rows = await AuditLog.select(AuditLog.action).where(
        (AuditLog.entity == entity) & (AuditLog.entity_id == str(entity_id))).order_by(AuditLog.id)
    return [r["action"] for r in rows]


def record_form(**fields) -> dict:
    """A valid record form: reached by phone today, working normally."""
    return {"done_on": today().isoformat(), "method": "phone", "reached": "yes", "worker_status": "working",
            "wages_paid_to": "", "unpaid_months": "", "unpaid_amount": "", "unpaid_currency": "KRW",
            "notes": "", **fields}


async def post_from(client: httpx.AsyncClient, page_path: str, action: str, data: dict,
                    files: dict | None = None) -> httpx.Response:
    """Send a form of the page at `page_path` to `action`, with that page's CSRF token."""
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**data, "csrf_token": csrf_from(page.text)}, files=files,
                             follow_redirects=False)


def listed_workers(page: str) -> list[str]:
    """The worker names of the worklist, in order."""
    body = re.search(r'<table class="table" id="followup-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    rows = re.findall(r'<tr class="followup[^"]*">(.*?)</tr>', body, re.S)
    return [html.unescape(re.findall(r"<td>(.*?)</td>", row, re.S)[0]) for row in rows]


def late_rows(page: str) -> int:
    return len(re.findall(r'<tr class="followup followup-late">', page))


def checked(page: str, name: str) -> str | None:
    match = re.search(rf'<input type="radio" name="{re.escape(name)}" value="([^"]*)" checked>', page)
    return match.group(1) if match else None
