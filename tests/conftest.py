"""Test setup: environment first (before the app is imported), one schema per run, a clean database per test.

TEST_DATABASE_URL selects PostgreSQL; without it the suite runs on a fresh SQLite file.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="export-mgmt-tests-"))
os.environ["DATA_DIR"] = str(_TMP)
os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
# Cheap hashing keeps the suite fast; production defaults are far stronger.
os.environ["ARGON2_TIME_COST"] = "1"
os.environ["ARGON2_MEMORY_KIB"] = "8192"
_SERVER_URL = os.environ.get("TEST_DATABASE_URL", "")
# On PostgreSQL each run creates its own database beside the one named, so runs never collide.
_TEST_DB = f"export_mgmt_test_{os.getpid()}"
os.environ["DATABASE_URL"] = (
    _SERVER_URL.rsplit("/", 1)[0] + "/" + _TEST_DB if _SERVER_URL else f"sqlite:///{_TMP / 'test.sqlite3'}"
)
os.environ["PICCOLO_CONF"] = "export_mgmt.piccolo_conf"

import httpx  # noqa: E402
import pytest  # noqa: E402

from export_mgmt import db  # noqa: E402
from export_mgmt.accounts.passwords import hash_password  # noqa: E402
from export_mgmt.accounts.tables import AppUser  # noqa: E402
from export_mgmt.agencies.tables import Agency  # noqa: E402
from export_mgmt.app import create_app  # noqa: E402
from export_mgmt.followups.schedule import seed_default_rules  # noqa: E402
from export_mgmt.ratings.scale import seed_default_scale  # noqa: E402
from export_mgmt.schema import migrate  # noqa: E402

TABLES = ["rating_grade", "rating_parameter", "export_target", "public_attempt", "complaint_document",
          "complaint_inspector", "complaint_worker", "complaint", "notification", "job_run", "case_referral",
          "case_inspector", "inspection_case", "followup_document", "followup_sweep", "followup", "followup_rule",
          "calendar_day", "calendar_year", "fee_entry", "placement_document",
          "placement_event", "placement", "api_token", "broker", "reserve_fund_entry", "licence_status_change",
          "licence", "employer", "worker_language", "worker_skill", "worker", "login_failure", "user_session",
          "audit_log", "app_user", "agency"]
PASSWORD = "Secret-pass-123"
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


async def _postgres_database(action: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_SERVER_URL)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_TEST_DB} WITH (FORCE)")
        if action == "create":
            await conn.execute(f"CREATE DATABASE {_TEST_DB}")
    finally:
        await conn.close()


if _SERVER_URL:
    # Before any engine exists: Piccolo's PostgreSQL engine connects as soon as it is built.
    asyncio.run(_postgres_database("create"))


@pytest.fixture(scope="session", autouse=True)
async def database():
    postgres = db.engine().engine_type == "postgres"
    await db.start()
    await migrate()
    yield
    await db.stop()
    if postgres:
        await _postgres_database("drop")


@pytest.fixture(autouse=True)
async def clean_tables(database):
    engine = db.engine()
    if engine.engine_type == "postgres":
        await engine.run_ddl(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    else:
        for table in TABLES:
            await engine.run_ddl(f"DELETE FROM {table}")
    await seed_default_rules()
    await seed_default_scale()
    yield


@pytest.fixture(scope="session")
def app():
    return create_app(manage_database=False)


def _client(app, address: str = "127.0.0.1") -> httpx.AsyncClient:
    # httpx runs the app in this event loop, beside the suite's shared connection pool.
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


@pytest.fixture
async def client(app):
    async with _client(app) as test_client:
        yield test_client


@pytest.fixture
async def other_client(app):
    """A second browser, for the same or another user, from another address."""
    async with _client(app, "127.0.0.2") as test_client:
        yield test_client


async def create_agency(name: str = "测试劳务公司", county_code: str = "210115") -> int:
    rows = await Agency.insert(Agency(name=name, county_code=county_code)).returning(Agency.id)
    return rows[0]["id"]


async def create_user(username: str, role: str = "admin", county_code: str | None = None,
                      agency_id: int | None = None, password: str = PASSWORD, locale: str | None = None) -> int:
    rows = await AppUser.insert(AppUser(
        username=username, display_name=username.title(), password_hash=await hash_password(password), role=role,
        county_code=county_code, agency=agency_id, locale=locale,
    )).returning(AppUser.id)
    return rows[0]["id"]


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD):
    page = await client.get("/login")
    return await client.post("/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_from(page.text), "next": "/"},
                             follow_redirects=False)


async def page_token(client: httpx.AsyncClient, path: str = "/") -> str:
    return csrf_from((await client.get(path)).text)


@pytest.fixture
async def admin_client(client):
    await create_user("admin", "admin")
    response = await login(client, "admin")
    assert response.status_code in (302, 303), response.text
    return client


@pytest.fixture
async def clerk_client(client):
    """A clerk of 辽中区 (210115)."""
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await login(client, "clerk")
    assert response.status_code in (302, 303), response.text
    return client
