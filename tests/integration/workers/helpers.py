"""Shared helpers for the worker-registry integration tests."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import httpx
from babel import dates as babel_dates

from export_mgmt.audit.services import READ_ACTIONS
from export_mgmt.audit.tables import AuditLog
from export_mgmt.idnumber import make_number, parse
from export_mgmt.regions import resolve_current
from export_mgmt.workers import services
from export_mgmt.workers.tables import Worker, WorkerLanguage, WorkerSkill
from tests.conftest import PASSWORD, create_agency, create_user, csrf_from, login

LIAOZHONG = "210115"  # 辽中区, the clerk fixture's county
HEPING = "210102"  # 和平区
KANGPING = "210123"  # 康平县

FORM_DEFAULTS = {
    "id_number": "", "name": "", "county_code": "", "township_code": "", "township_name": "", "village": "",
    "phone": "", "education": "junior_secondary", "health_check_date": "", "health_check_result": "",
    "training": "", "intention": "either", "status": "available", "notes": "",
    **{f"skills.{i}.{part}": "" for i in range(3) for part in ("trade", "level", "certificate_no")},
    **{f"languages.{i}.{part}": "" for i in range(2) for part in ("language", "level", "test_name", "score")},
}


def today() -> dt.date:
    return services.today()


def number(region: str = LIAOZHONG, born: dt.date = dt.date(1985, 3, 4), seq: int = 123) -> str:
    """A valid 18-character identity number; an odd `seq` makes a man, an even one a woman."""
    return make_number(region, born, seq)


def born_aged(years: int) -> dt.date:
    """A birth date some weeks more than `years` years ago: the person is exactly `years` old today."""
    d = today() - dt.timedelta(days=60)
    return dt.date(d.year - years, d.month, min(d.day, 28))


def fifteen_digit(eighteen: str) -> str:
    """The first-generation form of a 19xx 18-character number."""
    assert eighteen[6:8] == "19"
    return eighteen[:6] + eighteen[8:17]


def masked(full: str) -> str:
    return full[:6] + "*" * 8 + full[-4:]


def en_date(value: dt.date) -> str:
    return babel_dates.format_date(value, format="medium", locale="en")


# ---- database set-up and inspection ---------------------------------------------------------------------

async def add_worker(name: str, id_number: str, county_code: str | None = None, **values) -> int:
    """A worker written straight to the database, for set-up."""
    identity = parse(id_number, today=today())
    rows = await Worker.insert(Worker(
        id_number=identity.number, name=name, sex=identity.sex, birth_date=identity.birth_date,
        id_region_code=identity.region_code, county_code=county_code or resolve_current(identity.region_code),
        **values,
    )).returning(Worker.id)
    return rows[0]["id"]


async def add_skill(worker_id: int, trade: str, level: str = "") -> None:
    await WorkerSkill.insert(WorkerSkill(worker=worker_id, trade=trade, level=level))


async def worker_rows(**where) -> list[dict]:
    query = Worker.select()
    for key, value in where.items():
        query = query.where(getattr(Worker, key) == value)
    return await query


async def worker_by_number(id_number: str) -> dict | None:
    return await Worker.select().where(Worker.id_number == id_number).first()


async def count_all() -> tuple[int, int, int]:
    return await Worker.count(), await WorkerSkill.count(), await WorkerLanguage.count()


async def audit_rows(worker_id: int) -> list[dict]:
    """The record's changes (reads that showed numbers in full are rows of their own, left out here)."""
    rows = await AuditLog.select().where(
        (AuditLog.entity == "worker") & (AuditLog.entity_id == str(worker_id))
        & AuditLog.action.not_in(READ_ACTIONS)).order_by(AuditLog.id)
    return [{**row, "changes": json.loads(row["changes"])} for row in rows]


# ---- users ----------------------------------------------------------------------------------------------

async def sign_in(client: httpx.AsyncClient, username: str, role: str, county_code: str | None = None) -> None:
    """Create a user and sign them in through the login page."""
    agency_id = await create_agency() if role == "agency_staff" else None
    await create_user(username, role, county_code=county_code, agency_id=agency_id)
    response = await login(client, username)
    assert response.status_code in (302, 303), response.text


async def api_sign_in(client: httpx.AsyncClient, username: str, role: str,
                      county_code: str | None = None) -> dict[str, str]:
    """Create a user, sign them in through the JSON API and return the header writes must carry."""
    agency_id = await create_agency() if role == "agency_staff" else None
    await create_user(username, role, county_code=county_code, agency_id=agency_id)
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


# ---- pages ----------------------------------------------------------------------------------------------

async def submit_new(client: httpx.AsyncClient, **fields) -> httpx.Response:
    """Open the register form and send it with these fields (the rest as a blank form sends them)."""
    page = await client.get("/workers/new")
    assert page.status_code == 200, page.text
    data = {**FORM_DEFAULTS, **fields, "csrf_token": csrf_from(page.text)}
    return await client.post("/workers/new", data=data, follow_redirects=False)


async def open_edit(client: httpx.AsyncClient, worker_id: int) -> tuple[dict, str]:
    """The edit form's current values (as the browser would send them back) and its CSRF token."""
    page = await client.get(f"/workers/{worker_id}/edit")
    assert page.status_code == 200, page.text
    return form_fields(page.text), csrf_from(page.text)


async def submit_edit(client: httpx.AsyncClient, worker_id: int, values: dict, csrf: str) -> httpx.Response:
    return await client.post(f"/workers/{worker_id}/edit", data={**values, "csrf_token": csrf},
                             follow_redirects=False)


def redirected_id(response: httpx.Response) -> int:
    assert response.status_code in (302, 303), response.text
    match = re.fullmatch(r"/workers/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def field_error(page: str, name: str) -> str | None:
    """The message shown next to a field, or None."""
    match = re.search(rf'<span class="field-error" id="{re.escape(name)}-error">(.*?)</span>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_error(page: str) -> str | None:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_fields(page: str) -> dict:
    """What the browser would submit: inputs, selected options, checked boxes and textareas."""
    form = re.search(r'<form method="post" action="/workers/[^"]*"(.*?)</form>', page, re.S).group(1)
    values: dict = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'\bname="([^"]*)"', tag)
        if not name or " disabled" in tag:
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        value = html.unescape(value.group(1)) if value else ""
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                values.setdefault(name.group(1), []).append(value)
            continue
        values[name.group(1)] = value
    for name, body in re.findall(r'<select[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        first = re.search(r'<option value="([^"]*)"', body)
        values[name] = html.unescape((chosen or first).group(1)) if (chosen or first) else ""
    for name, body in re.findall(r'<textarea[^>]*\bname="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        values[name] = html.unescape(body)
    values.pop("csrf_token", None)
    return values


def shown_id_number(page: str) -> str:
    match = re.search(r'<dd class="mono" id="id-number">([^<]*)</dd>', page)
    assert match, "record page shows no identity number"
    return match.group(1)


def list_rows(page: str) -> list[str]:
    body = re.search(r'<table class="table" id="worker-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [row for row in re.findall(r"<tr>(.*?)</tr>", body, re.S) if "/workers/" in row]


def listed_names(page: str) -> list[str]:
    return [html.unescape(re.search(r'<a href="/workers/\d+">([^<]*)</a>', row).group(1))
            for row in list_rows(page)]


def listed_numbers(page: str) -> list[str]:
    return [re.search(r'<td class="mono">([^<]*)</td>', row).group(1) for row in list_rows(page)]


# ---- API ------------------------------------------------------------------------------------------------

def api_body(id_number: str, name: str = "张三", **fields) -> dict:
    return {"id_number": id_number, "name": name, **fields}
