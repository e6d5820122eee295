"""The follow-up JSON API: an agency's system with its bearer token, and people with a session and CSRF header."""

from __future__ import annotations

from export_mgmt.agencies import tokens
from export_mgmt.audit.tables import AuditLog
from export_mgmt.followups.tables import FollowUp
from tests.integration.followups.helpers_pages import LIAOZHONG, add_done, add_followup, followup_row, world
from tests.integration.placements.helpers_pages import api_sign_in
from tests.integration.placements.helpers_rules import actor, today


async def _bearer(agency_id: int) -> dict[str, str]:
    _, token = await tokens.issue(await actor("admin"), agency_id, "外派管理系统")
    return {"Authorization": f"Bearer {token}"}


def found(**fields) -> dict:
    return {"done_on": today().isoformat(), "method": "phone", "reached": True, "worker_status": "working",
            **fields}


async def test_a_token_lists_reads_and_records_its_agencys_follow_ups(client):
    places = await world()
    ours = await add_followup(places["zhang"], due=-3)
    await add_followup(places["wang"], due=2)
    theirs = await add_followup(places["li"], due=-3)
    headers = await _bearer(places["agency"])

    listed = await client.get("/api/v1/followups", headers=headers)
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 2 and {item["worker_name"] for item in body["items"]} == {"张三", "王五"}
    assert body["items"][0]["id"] == ours  # the oldest due first
    assert (await client.get("/api/v1/followups", headers=headers, params={"q": "王"})).json()["total"] == 1

    one = await client.get(f"/api/v1/followups/{ours}", headers=headers)
    assert one.status_code == 200 and one.json()["can_record"] is True and one.json()["wage_currency"] == "KRW"

    response = await client.post(f"/api/v1/followups/{ours}/record", headers=headers, json=found(
        worker_status="wages_unpaid", unpaid_months=2, unpaid_amount=4_121_480, unpaid_currency="KRW",
        notes="两个月未发工资"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["status"] == "done" and data["unpaid_amount"] == 4_121_480 and data["unpaid_currency"] == "KRW"
    assert data["can_record"] is False and data["can_raise_case"] is True
    assert data["recorded_by"] == "api:外派管理系统"
    actors = [r["actor_name"] for r in await AuditLog.select(AuditLog.actor_name).where(
        (AuditLog.entity == "followup") & (AuditLog.entity_id == str(ours)))]
    assert actors == ["api:外派管理系统"]

    again = await client.post(f"/api/v1/followups/{ours}/record", json=found(notes="again"),
                              headers={**headers, "Accept-Language": "en"})
    assert again.status_code == 422 and "no longer open" in again.json()["errors"][""]
    assert (await followup_row(ours))["notes"] == "两个月未发工资"

    assert (await client.get(f"/api/v1/followups/{theirs}", headers=headers)).status_code == 404
    refused = await client.post(f"/api/v1/followups/{theirs}/record", headers=headers, json=found())
    assert refused.status_code == 404
    assert (await followup_row(theirs))["status"] == "pending"


async def test_validation_errors_come_back_by_field(client):
    places = await world()
    followup_id = await add_followup(places["zhang"], due=-3)
    headers = await _bearer(places["agency"])
    response = await client.post(f"/api/v1/followups/{followup_id}/record", headers=headers, json=found(
        done_on="2999-01-01", method="pigeon", worker_status="wages_unpaid", unpaid_months=0, unpaid_amount=0,
        unpaid_currency="XXX"))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"done_on", "method", "unpaid_months", "unpaid_amount", "unpaid_currency"}
    unknown = await client.post(f"/api/v1/followups/{followup_id}/record", headers=headers,
                                json={**found(), "status": "done"})
    assert unknown.status_code == 400  # fields the schema does not know are refused
    assert (await followup_row(followup_id))["status"] == "pending"


async def test_a_token_records_an_unscheduled_follow_up(client):
    places = await world()
    headers = await _bearer(places["agency"])
    response = await client.post(f"/api/v1/placements/{places['zhang']}/followups", headers=headers,
                                 json=found(reached=False, worker_status="", method="phone"))
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["kind"], data["status"], data["reached"], data["placement_id"]) == (
        "adhoc", "done", False, places["zhang"])
    assert await FollowUp.count().where(FollowUp.kind == "adhoc") == 1
    other = await client.post(f"/api/v1/placements/{places['li']}/followups", headers=headers, json=found())
    assert other.status_code == 404
    assert await FollowUp.count().where(FollowUp.kind == "adhoc") == 1


async def test_a_clerk_uses_the_api_with_a_session_and_its_csrf_header(client):
    places = await world()
    done = await add_done(places["li"], seq=1)
    due = await add_followup(places["li"], seq=2, due=-1)
    headers = await api_sign_in(client, "clerk", "county_clerk", county_code=LIAOZHONG)
    listed = await client.get("/api/v1/followups", params={"status": "done"})
    assert [item["id"] for item in listed.json()["items"]] == [done]
    no_header = await client.post(f"/api/v1/followups/{due}/record", json=found())
    assert no_header.status_code == 403
    response = await client.post(f"/api/v1/followups/{due}/record", json=found(), headers=headers)
    assert response.status_code == 200 and response.json()["recorded_by"] == "clerk"
    wang = await add_followup(places["wang"], due=-1)  # 和平区: outside the clerk's county
    assert (await client.get(f"/api/v1/followups/{wang}")).status_code == 404
