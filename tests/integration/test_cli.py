"""The command line: creating the first administrator and loading the demo data."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from export_mgmt.accounts.tables import AppUser
from export_mgmt.agencies.tables import Broker, Licence
from export_mgmt.audit.tables import AuditLog
from export_mgmt.employers.tables import Employer
from export_mgmt.placements import lifecycle
from export_mgmt.placements.tables import FeeEntry, Placement
from export_mgmt.regions import shenyang_counties
from export_mgmt.workers.tables import Worker


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "export_mgmt.cli", *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


async def test_create_admin_makes_an_administrator_who_can_sign_in(client):
    result = run_cli("create-admin", "Chief", "--display-name", "市局管理员", ADMIN_PASSWORD="Str0ng-enough-pw")
    assert result.returncode == 0, result.stderr
    rows = await AppUser.select().where(AppUser.username == "chief")
    assert rows and rows[0]["role"] == "admin" and rows[0]["display_name"] == "市局管理员"
    assert await AuditLog.exists().where((AuditLog.entity == "user") & (AuditLog.action == "created"))
    page = await client.get("/login")
    from tests.conftest import csrf_from

    response = await client.post("/login", data={"username": "chief", "password": "Str0ng-enough-pw",
                                                 "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 302


async def test_create_admin_refuses_a_weak_password_and_writes_nothing():
    result = run_cli("create-admin", "chief", ADMIN_PASSWORD="short")
    assert result.returncode != 0
    assert not await AppUser.exists().where(AppUser.username == "chief")


async def test_demo_covers_every_county_with_old_and_retired_codes():
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    assert "Demo-clerk-2026" in result.stdout  # credentials are printed
    counties = {row["county_code"] for row in await Worker.select(Worker.county_code).distinct()}
    assert counties == {c.code for c in shenyang_counties()}
    assert await Worker.count() >= 300
    # 辽中县's retired code stays on the number but the worker counts for 辽中区.
    assert await Worker.exists().where((Worker.id_region_code == "210122") & (Worker.county_code == "210115"))
    # Heping's code is younger than this person, and the number is still valid.
    born_before_heping = (Worker.id_region_code == "210102") & (Worker.birth_date < dt.date(1983, 1, 1))
    assert await Worker.exists().where(born_before_heping)
    roles = {row["role"] for row in await AppUser.select(AppUser.role)}
    assert roles == {"admin", "county_clerk", "agency_staff", "inspector", "supervisor"}
    # Agencies with licences in every state a worker may meet, and placements in every status.
    licence_states = {(r["status"], r["valid_to"] < dt.date.today()) for r in await Licence.select()}
    assert {("active", False), ("suspended", False), ("active", True)} <= licence_states
    statuses = {r["status"] for r in await Placement.select(Placement.status).distinct()}
    assert statuses == set(lifecycle.STATUS)
    flags = {r["flag"] for r in await FeeEntry.select(FeeEntry.flag).distinct()}
    assert flags == {"ok", "over_cap", "prohibited"}
    countries = {r["country"] for r in await Employer.select(Employer.country).distinct()}
    assert countries == {"KR", "JP", "SG", "CN"}
    assert await Broker.count() > 0
    again = run_cli("demo")
    assert again.returncode == 0 and await Worker.count() == len(await Worker.select(Worker.id))
