"""Shared helpers for the agency, licence, broker and verification tests."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import httpx
from stdnum.cn import uscc

from export_mgmt.accounts.actor import Actor
from export_mgmt.agencies.services import today
from export_mgmt.agencies.tables import Agency, Broker, Licence
from export_mgmt.audit.services import READ_ACTIONS
from export_mgmt.audit.tables import AuditLog
from export_mgmt.idnumber import make_number
from tests.conftest import PASSWORD, create_agency, create_user, csrf_from, login

VALID_CODE = "91110000600037341L"
LIAOZHONG = "210115"
KANGPING = "210123"

ADMIN = Actor(id=1, username="admin", display_name="Admin", role="admin")


def credit_code(seed: int) -> str:
    """A valid unified social credit code, different for each seed."""
    base = f"91210100{seed:09d}"
    return base + uscc.calc_check_digit(base)


def broker_number(seq: int = 123, born: dt.date = dt.date(1980, 1, 2)) -> str:
    return make_number(LIAOZHONG, born, seq)


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def staff(agency_id: int, username: str = "staff") -> Actor:
    return Actor(id=2, username=username, display_name=username, role="agency_staff", agency_id=agency_id)


# ---- database set-up -------------------------------------------------------------------------------------

async def add_licence(agency_id: int, number: str = "LW-001", scope: str = "KR,JP", status: str = "active",
                      valid_from: dt.date | None = None, valid_to: dt.date | None = None,
                      kind: str = "overseas_cooperation", reserve_required: int | None = 300_000_000) -> int:
    rows = await Licence.insert(Licence(
        agency=agency_id, kind=kind, number=number, scope=scope, issuing_authority="辽宁省商务厅",
        valid_from=valid_from or days(-365), valid_to=valid_to or days(365), status=status,
        reserve_required=reserve_required if kind == "overseas_cooperation" else None,
    )).returning(Licence.id)
    return rows[0]["id"]


async def add_broker(agency_id: int, name: str = "王经纪", seq: int = 123, **values) -> int:
    rows = await Broker.insert(Broker(agency=agency_id, id_number=broker_number(seq), name=name, **values)).returning(
        Broker.id)
    return rows[0]["id"]


async def add_agency(name: str, seed: int, county: str = LIAOZHONG, **values) -> int:
    rows = await Agency.insert(Agency(name=name, credit_code=credit_code(seed), county_code=county,
                                      **values)).returning(Agency.id)
    return rows[0]["id"]


async def licence_row(licence_id: int) -> dict:
    return await Licence.select().where(Licence.id == licence_id).first()


async def audit_rows(entity: str, entity_id) -> list[dict]:
    """The record's changes (reads that showed numbers in full are rows of their own, left out here)."""
    rows = await AuditLog.select().where(
        (AuditLog.entity == entity) & (AuditLog.entity_id == str(entity_id))
        & AuditLog.action.not_in(READ_ACTIONS)).order_by(AuditLog.id)
    return [{**row, "changes": json.loads(row["changes"])} for row in rows]


# ---- users ----------------------------------------------------------------------------------------------

async def sign_in(client: httpx.AsyncClient, username: str, role: str, county_code: str | None = None,
                  agency_id: int | None = None) -> None:
    if role == "agency_staff" and agency_id is None:
        agency_id = await create_agency()
    await create_user(username, role, county_code=county_code, agency_id=agency_id)
    response = await login(client, username)
    assert response.status_code in (302, 303), response.text


async def api_sign_in(client: httpx.AsyncClient, username: str, role: str, agency_id: int | None = None,
                      county_code: str | None = None) -> dict[str, str]:
    await create_user(username, role, county_code=county_code, agency_id=agency_id)
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


# ---- pages ----------------------------------------------------------------------------------------------

async def post_form(client: httpx.AsyncClient, page_path: str, action: str, **fields) -> httpx.Response:
    """Open page_path for its CSRF token, then send the form to action."""
    page = await client.get(page_path)
    assert page.status_code == 200, page.text
    return await client.post(action, data={**fields, "csrf_token": csrf_from(page.text)}, follow_redirects=False)


def redirected_to(response: httpx.Response, pattern: str) -> re.Match:
    assert response.status_code in (302, 303), response.text
    match = re.fullmatch(pattern, response.headers["location"])
    assert match, response.headers["location"]
    return match


def field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<span class="field-error" id="{re.escape(name)}-error">(.*?)</span>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def form_error(page: str) -> str | None:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def text_of(page: str) -> str:
    return html.unescape(page)
