"""Set-up and page-reading helpers for the inspection-case page, API and access tests."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from dataclasses import dataclass

import httpx
import pytest

from export_mgmt.accounts.actor import SYSTEM, Actor
from export_mgmt.followups.tables import FollowUp
from export_mgmt.inspections import services, workflow
from export_mgmt.inspections.schemas import CaseCreate, CaseTransition
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.workdays.calendar import WorkCalendar
from tests.conftest import PASSWORD, create_user, csrf_from, login
from tests.integration.placements.helpers_rules import (
    HEPING,
    LIAOZHONG,
    add_employer,
    add_worker,
    insert_placement,
    licensed_agency,
)

__all__ = ["HEPING", "LIAOZHONG"]

_seq = itertools.count(1)


@pytest.fixture
def english(client, other_client):
    """Messages are read in English whatever the default interface language is."""
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"


def today() -> dt.date:
    """The bureau's calendar day, as the services count it."""
    return services.today()


def day(offset: int = 0) -> str:
    return (today() + dt.timedelta(days=offset)).isoformat()


# ---- users ----------------------------------------------------------------------------------------------

async def user(username: str, role: str, county_code: str | None = None, agency_id: int | None = None) -> Actor:
    """A user in the database and the Actor the services see for them."""
    user_id = await create_user(username, role, county_code=county_code, agency_id=agency_id)
    return Actor(id=user_id, username=username, display_name=username.title(), role=role, county_code=county_code,
                 agency_id=agency_id)


async def sign_in(client: httpx.AsyncClient, username: str, role: str, county_code: str | None = None,
                  agency_id: int | None = None) -> Actor:
    who = await user(username, role, county_code, agency_id)
    response = await login(client, username)
    assert response.status_code in (302, 303), response.text
    return who


# ---- cases ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: int
    agency_id: int | None
    worker_id: int | None
    placement_id: int | None
    followup_id: int | None
    employer_id: int | None


async def case_from_followup(country: str = "KR", county_code: str = LIAOZHONG, agency_id: int | None = None,
                             worker_name: str | None = None, finding: str = "wages_unpaid",
                             unpaid_amount: int = 4_000_000) -> Case:
    """A placement, a recorded follow-up that found a problem, and the case opened from it (as the sweep does)."""
    n = next(_seq)
    agency_id = agency_id or await licensed_agency(f"劳务公司{n}")
    programme = "domestic" if country == "CN" else {"KR": "kr_eps_e9", "JP": "jp_ssw", "SG": "sg_work_permit"}[
        country]
    employer_id = await add_employer(country, name=f"Employer {country} {n}")
    worker_id, _ = await add_worker(worker_name or f"工人{n}", county_code=county_code, status="abroad")
    placement_id = await insert_placement(worker_id, agency_id, programme=programme, employer_id=employer_id)
    currency = {"KR": "KRW", "JP": "JPY", "SG": "SGD", "CN": "CNY"}[country]
    rows = await FollowUp.insert(FollowUp(
        placement=placement_id, kind="periodic", seq=n, due_date=today() - dt.timedelta(days=3),
        overdue_after=today() + dt.timedelta(days=4), status="done", done_on=today() - dt.timedelta(days=1),
        method="phone", reached=True, worker_status=finding, unpaid_months=2 if finding == "wages_unpaid" else 0,
        unpaid_amount=unpaid_amount if finding == "wages_unpaid" else 0,
        unpaid_currency=currency if finding == "wages_unpaid" else "", notes="工资拖欠两个月",
        recorded_by="agency",
    )).returning(FollowUp.id)
    followup_id = rows[0]["id"]
    case_id = await services.open_from_followup(SYSTEM, followup_id)
    return Case(id=case_id, agency_id=agency_id, worker_id=worker_id, placement_id=placement_id,
                followup_id=followup_id, employer_id=employer_id)


async def desk_case(opener: Actor, agency_id: int | None = None, employer_country: str = "CN",
                    finding: str = "wages_unpaid", **fields) -> Case:
    """A case opened at the desk against an agency (when agency_id is given) or a new employer."""
    employer_id = None
    if agency_id is None:
        employer_id = await add_employer(employer_country, name=f"Desk employer {next(_seq)}")
    data = CaseCreate(**{
        "source": "routine", "respondent_type": "agency" if agency_id else "employer", "employer_id": employer_id,
        "agency_id": agency_id, "jurisdiction": "CITY", "finding": finding, "facts": "Wages withheld for 3 months.",
        "unpaid_months": 3, "currency": "CNY", "amount_owed": 1_200_000, **fields})
    case_id = await services.open_case(opener, data)
    return Case(id=case_id, agency_id=agency_id, worker_id=None, placement_id=None, followup_id=None,
                employer_id=employer_id)


async def assign(opener: Actor, case_id: int, *inspectors: Actor) -> None:
    await workflow.assign(opener, case_id, [i.id for i in inspectors])


async def cancel(actor: Actor, case_id: int, note: str = "Duplicate of another case.") -> None:
    await workflow.transition(actor, case_id, CaseTransition(status="cancelled", version=await version_of(case_id),
                                                             note=note))


async def case_row(case_id: int) -> dict:
    return await InspectionCase.select().where(InspectionCase.id == case_id).first()


async def set_deadline(case_id: int, investigate_by: dt.date | None) -> None:
    await InspectionCase.update({InspectionCase.investigate_by: investigate_by}).where(InspectionCase.id == case_id)


async def add_recheck(case: Case, seq: int = 1) -> int:
    rows = await FollowUp.insert(FollowUp(
        placement=case.placement_id, kind="recheck", seq=seq, inspection_case=case.id, due_date=today(),
        overdue_after=today() + dt.timedelta(days=7),
    )).returning(FollowUp.id)
    return rows[0]["id"]


def last_covered_year() -> int:
    """The last year the chinesecalendar package knows (2026 when these tests were written)."""
    calendar, year = WorkCalendar(), today().year
    while calendar.covers(year + 1):
        year += 1
    while not calendar.covers(year):
        year -= 1
    return year


# ---- pages ----------------------------------------------------------------------------------------------

async def post_on_case(client: httpx.AsyncClient, case_id: int, action: str, data: dict) -> httpx.Response:
    """Send one of the case page's forms with the page's CSRF token (a list value for a repeated field)."""
    page = await client.get(f"/cases/{case_id}")
    assert page.status_code == 200, page.text
    return await client.post(f"/cases/{case_id}/{action}", data={**data, "csrf_token": csrf_from(page.text)},
                             follow_redirects=False)


async def version_of(case_id: int) -> int:
    return (await case_row(case_id))["version"]


def form_html(page: str, form_id: str) -> str:
    match = re.search(rf'<form[^>]*id="{re.escape(form_id)}"[^>]*>(.*?)</form>', page, re.S)
    assert match, f"no form {form_id}"
    return match.group(1)


def hidden_version(fragment: str) -> str:
    match = re.search(r'<input type="hidden" name="version" value="([^"]*)">', fragment)
    assert match, "no version field"
    return match.group(1)


def has_form(page: str, form_id: str) -> bool:
    return f'id="{form_id}"' in page


def field_error(page: str, prefix: str, name: str) -> str | None:
    match = re.search(rf'<span class="field-error" id="{re.escape(prefix)}-{re.escape(name)}-error">(.*?)</span>',
                      page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_error(fragment: str) -> str | None:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', fragment, re.S)
    return html.unescape(match.group(1)) if match else None


def input_value(page: str, prefix: str, name: str) -> str | None:
    match = re.search(rf'<input id="{re.escape(prefix)}-{re.escape(name)}" name="{re.escape(name)}"[^>]*'
                      rf'\bvalue="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def textarea_value(page: str, prefix: str, name: str) -> str | None:
    match = re.search(rf'<textarea id="{re.escape(prefix)}-{re.escape(name)}" name="{re.escape(name)}"[^>]*>(.*?)'
                      r'</textarea>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def options(page: str, select_id: str) -> list[str]:
    body = re.search(rf'<select id="{re.escape(select_id)}"[^>]*>(.*?)</select>', page, re.S)
    assert body, f"no select {select_id}"
    return [v for v in re.findall(r'<option value="([^"]*)"', body.group(1)) if v]


def selected(page: str, select_id: str) -> list[str]:
    body = re.search(rf'<select id="{re.escape(select_id)}"[^>]*>(.*?)</select>', page, re.S)
    assert body, f"no select {select_id}"
    return re.findall(r'<option value="([^"]*)" selected>', body.group(1))


def listed_cases(page: str) -> list[int]:
    """The case ids of the worklist, in the order shown."""
    body = re.search(r'<table class="table" id="case-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [int(i) for i in re.findall(r'<a href="/cases/(\d+)">', body)]


def case_row_html(page: str, case_id: int) -> str:
    body = re.search(r'<table class="table" id="case-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        if f'<a href="/cases/{case_id}">' in row:
            return row
    raise AssertionError(f"case {case_id} is not listed")


def text_of(fragment: str) -> str:
    """The visible text, tags dropped and whitespace folded."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{re.escape(section_id)}">(.*?)</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


async def api_sign_in(client: httpx.AsyncClient, username: str, role: str, county_code: str | None = None,
                      agency_id: int | None = None) -> tuple[Actor, dict[str, str]]:
    """Sign in through the JSON API; returns the user and the header writes must carry."""
    who = await user(username, role, county_code, agency_id)
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return who, {"X-CSRF-Token": response.json()["csrf_token"]}
