"""An agency's own system reports through the API with a bearer token: no cookies, its agency only."""

import msgspec

from export_mgmt.agencies import tokens
from export_mgmt.audit.tables import AuditLog
from export_mgmt.placements.tables import Placement
from tests.integration.placements.helpers_rules import (
    actor,
    add_employer,
    add_worker,
    body,
    fee_body,
    insert_placement,
    licensed_agency,
)


async def _token_for(agency_id: int) -> tuple[int, str]:
    admin = await actor("admin")
    return await tokens.issue(admin, agency_id, "外派管理系统")


def _json(struct) -> dict:
    return msgspec.to_builtins(struct)


async def test_a_token_reports_a_placement_and_a_fee_without_csrf(client):
    agency = await licensed_agency()
    employer = await add_employer("KR")
    _, number = await add_worker("金志浩")
    _, token = await _token_for(agency)
    headers = {"Authorization": f"Bearer {token}"}
    response = await client.post("/api/v1/placements", json=_json(body(number, employer_id=employer)),
                                 headers=headers)
    assert response.status_code == 201, response.text
    placement = response.json()
    assert placement["agency_id"] == agency and placement["status"] == "reported"
    fee = await client.post(f"/api/v1/placements/{placement['id']}/fees", headers=headers,
                            json=_json(fee_body(300_000, "CNY")))
    assert fee.status_code == 201, fee.text
    assert fee.json()["flag"] == "prohibited"  # EPS: no placement fee may be charged
    listed = await client.get("/api/v1/placements", headers=headers)
    assert [item["id"] for item in listed.json()["items"]] == [placement["id"]]
    # The audit trail names the token's system as the actor.
    actors = {row["actor_name"] for row in await AuditLog.select(AuditLog.actor_name).where(
        AuditLog.entity == "placement")}
    assert actors == {"api:外派管理系统"}
    assert "set-cookie" not in response.headers or "em_session" not in response.headers["set-cookie"]


async def test_a_token_sees_nothing_of_another_agency(client):
    ours, theirs = await licensed_agency("甲"), await licensed_agency("乙")
    other = await insert_placement((await add_worker("李四"))[0], theirs)
    _, token = await _token_for(ours)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"/api/v1/placements/{other}", headers=headers)).status_code == 404
    refused = await client.post(f"/api/v1/placements/{other}/fees", headers=headers,
                                json=_json(fee_body(100, "CNY")))
    assert refused.status_code == 404
    assert (await client.get("/api/v1/placements", headers=headers)).json()["items"] == []


async def test_a_revoked_or_unknown_token_gets_401(client):
    agency = await licensed_agency()
    token_id, token = await _token_for(agency)
    assert (await client.get("/api/v1/placements", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    await tokens.revoke(await actor("admin"), agency, token_id)
    for value in (token, "not-a-token"):
        response = await client.get("/api/v1/placements", headers={"Authorization": f"Bearer {value}"})
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/json")
    assert await Placement.count() == 0


async def test_a_token_does_not_open_the_html_pages(client):
    agency = await licensed_agency()
    _, token = await _token_for(agency)
    response = await client.get("/placements/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]
