"""The audit trail: sign-ins that fail, refusals, and every read that shows identity numbers in full."""

from __future__ import annotations

import datetime as dt
import json

from export_mgmt.audit.tables import AuditLog
from export_mgmt.complaints import monitoring
from export_mgmt.complaints import services as complaints
from tests.conftest import PASSWORD, create_agency, create_user, login
from tests.integration.agencies.helpers import add_broker, broker_number
from tests.integration.complaints.helpers_services import complaint, file, history
from tests.integration.complaints.test_deadlines import enter_2027
from tests.integration.placements.helpers_rules import actor
from tests.integration.workers.helpers import HEPING, LIAOZHONG, add_worker, api_sign_in, number, sign_in

FULL = number(LIAOZHONG, seq=135)
ELSEWHERE = number(HEPING, seq=137)


async def trail(action: str) -> list[dict]:
    rows = await AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id)
    return [{**row, "changes": json.loads(row["changes"])} for row in rows]


async def everything_written() -> str:
    return json.dumps(await AuditLog.select(), ensure_ascii=False, default=str)


async def test_a_wrong_password_is_written_to_the_trail_with_the_account_and_address(client):
    user_id = await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    response = await login(client, "clerk", "not-the-password")
    assert response.status_code == 400
    [failed] = await trail("login_failed")
    assert (failed["entity"], failed["entity_id"], failed["actor_name"]) == ("user", str(user_id), "clerk")
    assert failed["client_address"] == "127.0.0.1"
    assert await trail("login") == []
    assert (await login(client, "clerk")).status_code == 302
    [signed_in] = await trail("login")
    assert signed_in["entity_id"] == str(user_id)


async def test_a_name_that_is_no_account_is_not_kept_people_type_passwords_there(client):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    response = await login(client, PASSWORD, PASSWORD)  # the password typed into the name field, twice
    assert response.status_code == 400
    [failed] = await trail("login_failed")
    assert failed["actor_name"] == "" and failed["entity_id"] == ""
    assert failed["changes"] == {"account": [None, "unknown"]}
    assert PASSWORD.lower() not in (await everything_written()).lower()


async def test_the_json_sign_in_is_audited_the_same_way(client):
    await create_user("inspector", "inspector")
    response = await client.post("/api/v1/session", json={"username": "inspector", "password": "wrong-one-123"})
    assert response.status_code == 422
    assert [row["actor_name"] for row in await trail("login_failed")] == ["inspector"]


async def test_a_clerk_reading_a_record_in_full_leaves_one_row_per_view(client):
    await sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    worker_id = await add_worker("张三", FULL)
    page = await client.get(f"/workers/{worker_id}")
    assert page.status_code == 200 and FULL in page.text
    api = await client.get(f"/api/v1/workers/{worker_id}")
    assert api.json()["id_number"] == FULL
    views = await trail("viewed_full_id")
    assert [(v["entity"], v["entity_id"], v["actor_name"]) for v in views] == [("worker", str(worker_id), "clerk")] * 2
    assert views[0]["client_address"] == "127.0.0.1"
    # The record's own history lists changes, not the views.
    assert "Viewed full identity numbers" not in (await client.get(f"/workers/{worker_id}")).text


async def test_masked_reads_leave_no_view_rows(client):
    await sign_in(client, "supervisor", "supervisor")
    worker_id = await add_worker("张三", FULL)
    page = await client.get(f"/workers/{worker_id}")
    assert page.status_code == 200 and FULL not in page.text
    await client.get("/workers/")
    assert await trail("viewed_full_id") == []


async def test_a_look_up_by_number_is_audited_with_the_record_found(client):
    headers = await api_sign_in(client, "inspector", "inspector")
    worker_id = await add_worker("张三", FULL)
    response = await client.get(f"/api/v1/workers/by-id-number/{FULL}", headers=headers)
    assert response.status_code == 200
    assert [v["entity_id"] for v in await trail("viewed_full_id")] == [str(worker_id)]


async def test_a_record_outside_the_clerks_county_is_a_refusal_in_the_trail_with_the_number_masked(client):
    await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    other_id = await add_worker("李四", ELSEWHERE)
    assert (await client.get(f"/api/v1/workers/{other_id}")).status_code == 404
    assert (await client.get(f"/api/v1/workers/by-id-number/{ELSEWHERE}")).status_code == 404
    refusals = await trail("not_in_scope")
    assert [r["changes"]["path"][1] for r in refusals] == [
        f"/api/v1/workers/{other_id}", f"/api/v1/workers/by-id-number/{ELSEWHERE[:6]}********{ELSEWHERE[-4:]}"]
    assert {r["actor_name"] for r in refusals} == {"clerk"}
    assert await trail("viewed_full_id") == []
    assert ELSEWHERE not in await everything_written()


async def test_a_page_the_role_may_not_open_is_a_refusal_in_the_trail(client):
    await sign_in(client, "supervisor", "supervisor")
    assert (await client.get("/admin/users/")).status_code == 403  # a guard
    assert (await client.get("/workers/new")).status_code == 403  # the service's AccessDenied
    refusals = await trail("access_denied")
    assert [(r["actor_name"], r["changes"]["method"][1], r["changes"]["path"][1]) for r in refusals] == [
        ("supervisor", "GET", "/admin/users"), ("supervisor", "GET", "/workers/new")]


async def test_anonymous_visitors_are_sent_to_sign_in_without_a_row(client):
    assert (await client.get("/admin/users/", follow_redirects=False)).status_code in (302, 303)
    assert await trail("access_denied") == [] and await trail("not_in_scope") == []


async def test_lists_and_exports_mask_numbers_so_they_leave_no_view_rows(client):
    agency_id = await create_agency()
    await add_broker(agency_id, name="王经纪", seq=11)
    await add_worker("张三", FULL)
    await sign_in(client, "admin", "admin")
    for path in ("/workers/?format=csv", f"/agencies/{agency_id}/brokers/?format=csv", "/workers/",
                 f"/agencies/{agency_id}/brokers/"):
        response = await client.get(path)
        assert response.status_code == 200
        assert FULL not in response.text and broker_number(11) not in response.text
    assert await trail("viewed_full_id") == []


async def test_the_audit_log_page_names_the_new_actions(client):
    await create_user("clerk", "county_clerk", county_code=LIAOZHONG)
    await login(client, "clerk", "not-the-password")
    await sign_in(client, "admin", "admin")
    client.headers["Accept-Language"] = "en"
    page = await client.get("/admin/audit/")
    assert page.status_code == 200
    assert "Failed sign-in" in page.text


async def test_deadlines_the_nightly_job_fills_in_are_changes_in_the_complaints_trail():
    filed = await file(None, complaint(), on=dt.date(2026, 12, 28))
    await enter_2027()
    assert await monitoring.fill_missing_deadlines() == 1
    assert (await history(filed.id))[-1] == ("deadline_computed", {"decide_by": [None, "2027-01-05"]})
    [row] = await trail("deadline_computed")
    assert row["actor_name"] == "system"


async def test_a_brokers_record_read_in_full_is_audited_and_a_masked_read_is_not(client, other_client):
    agency_id = await create_agency()
    broker_id = await add_broker(agency_id, name="王经纪", seq=11)
    await sign_in(client, "admin", "admin")
    page = await client.get(f"/agencies/{agency_id}/brokers/{broker_id}")
    assert page.status_code == 200 and broker_number(11) in page.text
    await sign_in(other_client, "supervisor", "supervisor")
    page = await other_client.get(f"/agencies/{agency_id}/brokers/{broker_id}")
    assert page.status_code == 200 and broker_number(11) not in page.text
    views = await trail("viewed_full_id")
    assert [(v["entity"], v["entity_id"], v["actor_name"]) for v in views] == [("broker", str(broker_id), "admin")]


async def test_a_complaint_read_in_full_is_audited_and_a_scope_check_is_not():
    filed = await file(None, complaint())
    inspector, supervisor = await actor("inspector"), await actor("supervisor")
    shown = await complaints.get(inspector, filed.id)
    assert "*" not in shown.complainant_id_number
    await complaints.get(inspector, filed.id, shown=False)
    assert "*" in (await complaints.get(supervisor, filed.id)).complainant_id_number
    views = await trail("viewed_full_id")
    assert [(v["entity"], v["entity_id"], v["actor_name"]) for v in views] == [
        ("complaint", str(filed.id), inspector.username)]
