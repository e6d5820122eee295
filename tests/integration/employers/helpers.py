"""Shared helpers for the employer-register integration tests."""

from __future__ import annotations

import html
import json
import re

import httpx

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit.tables import AuditLog
from export_mgmt.employers.tables import Employer
from tests.conftest import PASSWORD, create_agency, create_user, csrf_from, login

ROLES = ("admin", "county_clerk", "agency_staff", "inspector", "supervisor")

FORM_DEFAULTS = {
    "kind": "foreign", "name": "", "country": "", "region": "", "destination_group": "", "registration_no": "",
    "sector": "", "address": "", "contact": "", "programme": "",
}

FOREIGN = {"kind": "foreign", "name": "现代重工株式会社", "country": "KR", "region": "蔚山",
           "registration_no": "610-81-00001", "sector": "marine", "programme": "kr_eps_e9"}
DOMESTIC = {"kind": "domestic", "name": "苏州电子厂", "country": "CN", "region": "江苏省苏州市",
            "destination_group": "YRD", "sector": "manufacturing"}


def actor(role: str = "admin", user_id: int = 1, username: str = "admin", agency_id: int | None = None) -> Actor:
    return Actor(id=user_id, username=username, display_name=username, role=role,
                 county_code="210115" if role == "county_clerk" else None, agency_id=agency_id)


async def add_employer(name: str = "测试雇主", country: str = "KR", **values) -> int:
    """An employer written straight to the database, for set-up."""
    kind = "domestic" if country == "CN" else "foreign"
    defaults = {"region": "首尔" if kind == "foreign" else "广东省深圳市",
                "destination_group": "PRD" if kind == "domestic" else ""}
    rows = await Employer.insert(Employer(kind=kind, name=name, country=country, **{**defaults, **values})).returning(
        Employer.id)
    return rows[0]["id"]


async def employer_rows(**where) -> list[dict]:
    query = Employer.select().order_by(Employer.id)
    for key, value in where.items():
        query = query.where(getattr(Employer, key) == value)
    return await query


async def audit_rows(employer_id: int) -> list[dict]:
    rows = await AuditLog.select().where(
        (AuditLog.entity == "employer") & (AuditLog.entity_id == str(employer_id))).order_by(AuditLog.id)
    return [{**row, "changes": json.loads(row["changes"])} for row in rows]


async def sign_in(client: httpx.AsyncClient, username: str, role: str) -> None:
    """Create a user of this role and sign them in through the login page."""
    agency_id = await create_agency() if role == "agency_staff" else None
    await create_user(username, role, county_code="210115" if role == "county_clerk" else None, agency_id=agency_id)
    response = await login(client, username)
    assert response.status_code in (302, 303), response.text


async def api_sign_in(client: httpx.AsyncClient, username: str, role: str) -> dict[str, str]:
    """Create a user, sign them in through the JSON API and return the header writes must carry."""
    agency_id = await create_agency() if role == "agency_staff" else None
    await create_user(username, role, county_code="210115" if role == "county_clerk" else None, agency_id=agency_id)
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


async def submit_new(client: httpx.AsyncClient, **fields) -> httpx.Response:
    """Open the add form and send it with these fields (the rest as a blank form sends them)."""
    page = await client.get("/employers/new")
    assert page.status_code == 200, page.text
    data = {**FORM_DEFAULTS, **fields, "csrf_token": csrf_from(page.text)}
    return await client.post("/employers/new", data=data, follow_redirects=False)


async def open_edit(client: httpx.AsyncClient, employer_id: int) -> tuple[dict, str]:
    """The edit form's current values (as the browser would send them back) and its CSRF token."""
    page = await client.get(f"/employers/{employer_id}/edit")
    assert page.status_code == 200, page.text
    return form_fields(page.text), csrf_from(page.text)


async def submit_edit(client: httpx.AsyncClient, employer_id: int, values: dict, csrf: str) -> httpx.Response:
    return await client.post(f"/employers/{employer_id}/edit", data={**values, "csrf_token": csrf},
                             follow_redirects=False)


def redirected_id(response: httpx.Response) -> int:
    assert response.status_code in (302, 303), response.text
    match = re.fullmatch(r"/employers/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<span class="field-error" id="{re.escape(name)}-error">(.*?)</span>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_error(page: str) -> str | None:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_fields(page: str) -> dict:
    """What the browser would submit: inputs, checked boxes and selected options."""
    form = re.search(r'<form method="post" action="/employers/[^"]*"(.*?)</form>', page, re.S).group(1)
    values: dict = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'\bname="([^"]*)"', tag)
        if not name or " disabled" in tag:
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                values[name.group(1)] = html.unescape(value.group(1)) if value else "on"
            continue
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<select[^>]*\bname="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        first = re.search(r'<option value="([^"]*)"', body)
        values[name] = html.unescape((chosen or first).group(1)) if (chosen or first) else ""
    values.pop("csrf_token", None)
    return values


def listed_names(page: str) -> list[str]:
    body = re.search(r'<table class="table" id="employer-list">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [html.unescape(name) for name in re.findall(r'<a href="/employers/\d+">([^<]*)</a>', body)]
