"""Set-up and page-reading helpers for the placement page and API tests (test_pages*.py, test_api*.py)."""

from __future__ import annotations

import datetime as dt
import html
import re
from contextlib import asynccontextmanager

import httpx
import pytest

from export_mgmt.agencies.tables import Agency, Licence
from export_mgmt.employers.tables import Employer
from export_mgmt.idnumber import make_number, parse
from export_mgmt.regions import resolve_current
from export_mgmt.workers.services import today
from export_mgmt.workers.tables import Worker
from tests.conftest import PASSWORD, _client, create_user, csrf_from, login

LIAOZHONG = "210115"  # 辽中区
HEPING = "210102"  # 和平区
WORKER_NAME = "金外派"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def english(client, other_client):
    """Messages are read in English whatever the default interface language is."""
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"


@asynccontextmanager
async def browser(app, address: str):
    """One more browser, from its own address, reading English."""
    async with _client(app, address) as extra:
        extra.headers["Accept-Language"] = "en"
        yield extra


# ---- database set-up ------------------------------------------------------------------------------------

def born_aged(years: int) -> dt.date:
    d = today() - dt.timedelta(days=60)
    return dt.date(d.year - years, d.month, min(d.day, 28))


async def add_agency(name: str, scope: str = "KR,JP,SG,DOMESTIC", licence_status: str = "active") -> int:
    rows = await Agency.insert(Agency(name=name, county_code=LIAOZHONG)).returning(Agency.id)
    agency_id = rows[0]["id"]
    await Licence.insert(Licence(
        agency=agency_id, kind="overseas_cooperation", number=f"LN-{agency_id:04d}-{name}", scope=scope,
        valid_from=today() - dt.timedelta(days=365), valid_to=today() + dt.timedelta(days=5 * 365),
        status=licence_status))
    return agency_id


async def add_employer(name: str = "Hanil Metal Co.", country: str = "KR", region: str = "Ansan") -> int:
    rows = await Employer.insert(Employer(kind="domestic" if country == "CN" else "foreign", name=name,
                                          country=country, region=region, active=True)).returning(Employer.id)
    return rows[0]["id"]


async def add_worker(name: str = WORKER_NAME, county_code: str = LIAOZHONG, age: int = 30,
                     seq: int = 123) -> tuple[int, str]:
    """A worker of the labour pool written straight to the database; returns (id, identity number)."""
    identity = parse(make_number(county_code, born_aged(age), seq), today=today())
    rows = await Worker.insert(Worker(
        id_number=identity.number, name=name, sex=identity.sex, birth_date=identity.birth_date,
        id_region_code=identity.region_code, county_code=resolve_current(identity.region_code),
    )).returning(Worker.id)
    return rows[0]["id"], identity.number


async def worker_status(worker_id: int) -> str:
    return (await Worker.select(Worker.status).where(Worker.id == worker_id).first())["status"]


# ---- users ----------------------------------------------------------------------------------------------

async def sign_in(client: httpx.AsyncClient, username: str, role: str, county_code: str | None = None,
                  agency_id: int | None = None) -> None:
    await create_user(username, role, county_code=county_code, agency_id=agency_id)
    response = await login(client, username)
    assert response.status_code in (302, 303), response.text


async def api_sign_in(client: httpx.AsyncClient, username: str, role: str, county_code: str | None = None,
                      agency_id: int | None = None) -> dict[str, str]:
    """Sign in through the JSON API; returns the header writes must carry."""
    await create_user(username, role, county_code=county_code, agency_id=agency_id)
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


# ---- the forms ------------------------------------------------------------------------------------------

def placement_form(id_number: str, employer_id: int, **fields) -> dict:
    """A valid Korea EPS report as the form sends it (money in won, dates as the date inputs send them)."""
    start = today() + dt.timedelta(days=30)
    return {
        "worker_id_number": id_number, "broker_id": "", "employer_id": str(employer_id),
        "destination_country": "KR", "destination_city": "Ansan", "destination_group": "",
        "programme": "kr_eps_e9", "job_title": "Welder", "sector": "manufacturing",
        "contract_start": start.isoformat(), "contract_end": (start + dt.timedelta(days=3 * 365 - 1)).isoformat(),
        "wage_currency": "KRW", "basic_wage": "2,060,740", "gross_wage": "2,500,000",
        "departure_date": (start - dt.timedelta(days=2)).isoformat(), "accident_insurance": "on",
        "insurance_policy_no": "PICC-001", "notes": "",
        **fields,
    }


def api_placement(id_number: str, employer_id: int, **fields) -> dict:
    """The same report as the JSON API takes it: money in integer minor units."""
    form = placement_form(id_number, employer_id)
    body = {key: form[key] for key in ("worker_id_number", "destination_country", "destination_city", "programme",
                                       "job_title", "sector", "contract_start", "contract_end", "wage_currency",
                                       "departure_date", "insurance_policy_no")}
    return {**body, "employer_id": employer_id, "basic_wage": 2060740, "gross_wage": 2500000,
            "accident_insurance": True, **fields}


async def report_through_form(client: httpx.AsyncClient, data: dict) -> httpx.Response:
    page = await client.get("/placements/new")
    assert page.status_code == 200, page.text
    return await client.post("/placements/new", data={**data, "csrf_token": csrf_from(page.text)},
                             follow_redirects=False)


async def post_on_record(client: httpx.AsyncClient, placement_id: int, action: str, data: dict,
                         files: dict | None = None) -> httpx.Response:
    """Send one of the record page's forms (status, fees, documents) with the page's CSRF token."""
    page = await client.get(f"/placements/{placement_id}")
    assert page.status_code == 200, page.text
    return await client.post(f"/placements/{placement_id}/{action}", data={**data, "csrf_token": csrf_from(page.text)},
                             files=files, follow_redirects=False)


def placement_id_from(response: httpx.Response) -> int:
    assert response.status_code in (302, 303), response.text
    match = re.fullmatch(r"/placements/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


# ---- reading pages --------------------------------------------------------------------------------------

def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<span class="field-error" id="{re.escape(name)}-error">(.*?)</span>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_error(page: str) -> str | None:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input id="f-{re.escape(name)}" name="{re.escape(name)}"[^>]*\bvalue="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def selected(page: str, name: str) -> str | None:
    body = re.search(rf'<select id="f-{re.escape(name)}" name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    chosen = re.search(r'<option value="([^"]*)" selected>', body.group(1)) if body else None
    return html.unescape(chosen.group(1)) if chosen else None


def listed_workers(page: str) -> list[str]:
    body = re.search(r'<table class="table" id="placement-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [html.unescape(name) for name in re.findall(r'<a href="/placements/\d+">([^<]*)</a>', body)]


def table_text(page: str, table_id: str) -> str:
    """The visible text of one table, tags dropped and whitespace folded."""
    body = re.search(rf'<table class="table" id="{re.escape(table_id)}">(.*?)</table>', page, re.S).group(1)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
