"""Set-up and page-reading helpers for the complaint desk page and access tests."""

from __future__ import annotations

import datetime as dt
import html
import re

import httpx

from export_mgmt.accounts.actor import Actor
from export_mgmt.complaints import intake, workflow
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.schemas import ComplaintCreate, ComplaintTransition, Filed, WorkerLine
from export_mgmt.complaints.tables import Complaint, ComplaintWorker
from export_mgmt.workdays.tables import CalendarYear
from tests.conftest import csrf_from
from tests.integration.inspections.helpers_cases import (
    HEPING,
    LIAOZHONG,
    english,
    field_error,
    form_error,
    form_html,
    has_form,
    input_value,
    last_covered_year,
    options,
    section,
    selected,
    sign_in,
    text_of,
    textarea_value,
    user,
)
from tests.integration.placements.helpers_rules import PDF, add_employer, add_worker, licensed_agency

__all__ = ["HEPING", "LIAOZHONG", "PDF", "add_employer", "add_worker", "english", "field_error", "form_error",
           "form_html", "has_form", "input_value", "licensed_agency", "options", "section", "selected", "sign_in",
           "text_of", "textarea_value", "user"]

REPORTER = "举报人李四"
REPORTER_PHONE = "13912345678"


def today() -> dt.date:
    """The bureau's calendar day, as the services count it."""
    return complaints.today()


def day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


async def enter_next_calendar_year() -> int:
    """The working-day calendar of the year after the last one chinesecalendar knows (2027 when written), so that
    a 60-working-day investigation deadline can be computed."""
    year = last_covered_year() + 1
    await CalendarYear.insert(CalendarYear(year=year, source="国务院办公厅关于放假安排的通知"))
    return year


# ---- complaints -----------------------------------------------------------------------------------------

def worker(name: str = "张三", amount: int = 1_500_000, currency: str = "CNY", id_number: str = "",
           months: int = 3) -> WorkerLine:
    return WorkerLine(name=name, id_number=id_number, months_owed=months, currency=currency, amount_owed=amount)


async def file_complaint(kind: str = "complaint", work_place: str = LIAOZHONG, respondent: str = "沈阳某建筑公司",
                         workers: list[WorkerLine] | None = None, actor: Actor | None = None,
                         name: str = "张三", phone: str = "13800000000", **fields) -> Filed:
    """A complaint filed through the online form (actor None) or at the desk (an inspector)."""
    data = ComplaintCreate(**{
        "kind": kind, "channel": "letter" if actor else "online", "complainant_name": name,
        "complainant_phone": phone, "respondent_name": respondent, "work_place": work_place,
        "arrears_from": day(-120), "arrears_to": day(-30), "facts": "拖欠工资三个月，老板说没钱。",
        "workers": workers if workers is not None else ([worker()] if kind == "complaint" else []), **fields})
    return await intake.file(actor, data)


async def complaint_row(complaint_id: int) -> dict:
    return await Complaint.select().where(Complaint.id == complaint_id).first()


async def worker_rows(complaint_id: int) -> list[dict]:
    return await ComplaintWorker.select().where(ComplaintWorker.complaint == complaint_id).order_by(
        ComplaintWorker.id)


async def version_of(complaint_id: int) -> int:
    return (await complaint_row(complaint_id))["version"]


async def update(complaint_id: int, **values) -> None:
    """Put a complaint where a test needs it (dates in the past, a status reached long ago)."""
    await Complaint.update({getattr(Complaint, k): v for k, v in values.items()}).where(Complaint.id == complaint_id)


async def update_worker(worker_id: int, **values) -> None:
    await ComplaintWorker.update({getattr(ComplaintWorker, k): v for k, v in values.items()}).where(
        ComplaintWorker.id == worker_id)


async def move(actor: Actor, complaint_id: int, status: str, **fields) -> None:
    """A status change through the service, as an inspector would make it."""
    await workflow.transition(actor, complaint_id, ComplaintTransition(
        status=status, version=await version_of(complaint_id), **fields))


async def assign(actor: Actor, complaint_id: int, *inspectors: Actor) -> None:
    await complaints.assign(actor, complaint_id, [i.id for i in inspectors])


# ---- pages ----------------------------------------------------------------------------------------------

async def post_on_complaint(client: httpx.AsyncClient, complaint_id: int, action: str, data: dict,
                            files: dict | None = None) -> httpx.Response:
    """Send one of the complaint page's forms with the page's CSRF token."""
    page = await client.get(f"/complaints/{complaint_id}")
    assert page.status_code == 200, page.text
    return await client.post(f"/complaints/{complaint_id}/{action}",
                             data={**data, "csrf_token": csrf_from(page.text)}, files=files,
                             follow_redirects=False)


def listed(page: str) -> list[int]:
    """The complaint ids of the worklist, in the order shown."""
    body = re.search(r'<table class="table" id="complaint-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [int(i) for i in re.findall(r'<a href="/complaints/(\d+)">', body)]


def row_html(page: str, complaint_id: int) -> str:
    body = re.search(r'<table class="table" id="complaint-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        if f'<a href="/complaints/{complaint_id}">' in row:
            return row
    raise AssertionError(f"complaint {complaint_id} is not listed")


def desk_error(page: str, name: str) -> str | None:
    """The message beside a field of the desk intake form (ids are the field names)."""
    match = re.search(rf'<span class="field-error" id="{re.escape(name)}-error">(.*?)</span>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def dd(page: str, dd_id: str) -> str:
    """The visible text of a <dd id=…>."""
    match = re.search(rf'<dd[^>]*id="{re.escape(dd_id)}"[^>]*>(.*?)</dd>', page, re.S)
    assert match, f"no {dd_id}"
    return text_of(match.group(1))


def calendar_errors(page: str) -> list[str]:
    """The loud calendar boxes, each with its markup (the navigation links to the calendar page too)."""
    return re.findall(r'<div class="alert alert-error calendar-missing" role="alert">(.*?)</div>', page, re.S)


def history(page: str) -> str:
    match = re.search(r'<section class="history">(.*?)</section>', page, re.S)
    assert match, "no history"
    return match.group(1)
