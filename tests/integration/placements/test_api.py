"""The JSON API for placements and fees: /api/v1/placements and /api/v1/fees/flagged."""

from __future__ import annotations

import pytest

from export_mgmt.placements.tables import FeeEntry, Placement
from export_mgmt.workers.services import today
from tests.integration.placements.helpers_pages import (  # noqa: F401 (english is a fixture)
    HEPING,
    LIAOZHONG,
    WORKER_NAME,
    add_agency,
    add_employer,
    add_worker,
    api_placement,
    api_sign_in,
    browser,
    english,
    worker_status,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
async def world():
    agency_id = await add_agency("辽中海外劳务")
    other_agency_id = await add_agency("和平劳务")
    employer_id = await add_employer()
    worker_id, id_number = await add_worker()
    return {"agency": agency_id, "other_agency": other_agency_id, "employer": employer_id, "worker": worker_id,
            "id_number": id_number}


@pytest.fixture
async def staff_api(client, world):
    headers = await api_sign_in(client, "staff", "agency_staff", agency_id=world["agency"])
    return client, headers


async def report(client, headers, world, **fields) -> dict:
    response = await client.post("/api/v1/placements", json=api_placement(world["id_number"], world["employer"],
                                                                           **fields), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_report_returns_201_with_the_record(staff_api, world):
    client, headers = staff_api
    record = await report(client, headers, world)
    assert (record["worker_id"], record["worker_name"], record["agency_id"]) == (
        world["worker"], WORKER_NAME, world["agency"])
    assert record["worker_id_number"] == world["id_number"]
    assert record["worker_county_code"] == LIAOZHONG
    assert (record["basic_wage"], record["gross_wage"], record["wage_currency"]) == (2060740, 2500000, "KRW")
    assert record["status"] == "reported" and record["status_changed_on"] == today().isoformat()
    assert record["employer_name"] == "Hanil Metal Co."
    assert [e["status"] for e in record["events"]] == ["reported"]
    assert record["next_statuses"] == ["departed", "working", "terminated"]
    assert record["fees"] == [] and record["documents"] == []
    assert await worker_status(world["worker"]) == "placed"
    assert (await client.get(f"/api/v1/placements/{record['id']}")).json() == record


async def test_report_errors_are_422_by_field_and_nothing_is_written(staff_api, world):
    client, headers = staff_api
    response = await client.post("/api/v1/placements", json=api_placement(
        world["id_number"], world["employer"], accident_insurance=False, contract_end="2020-13-01"), headers=headers)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["accident_insurance"] == "Accident insurance for the whole stay abroad is required."
    assert errors["contract_end"] == "Enter a date as YYYY-MM-DD."
    assert await Placement.count() == 0
    unknown = await client.post("/api/v1/placements", json={**api_placement(world["id_number"], world["employer"]),
                                                            "colour": "red"}, headers=headers)
    assert unknown.status_code == 400


async def test_search_is_scoped_and_filtered(app, staff_api, other_client, world):
    client, headers = staff_api
    record = await report(client, headers, world)
    result = (await client.get("/api/v1/placements")).json()
    assert [p["id"] for p in result["items"]] == [record["id"]] and result["total"] == 1
    assert result["items"][0]["worker_id_number"] != world["id_number"]  # masked in lists
    assert (await client.get("/api/v1/placements", params={"status": "working"})).json()["total"] == 0
    assert (await client.get("/api/v1/placements", params={"programme": "kr_eps_e9"})).json()["total"] == 1
    assert (await client.get("/api/v1/placements", params={"flagged": "true"})).json()["total"] == 0

    await api_sign_in(other_client, "rival", "agency_staff", agency_id=world["other_agency"])
    assert (await other_client.get("/api/v1/placements")).json()["total"] == 0
    assert (await other_client.get(f"/api/v1/placements/{record['id']}")).status_code == 404

    async with browser(app, "127.0.0.3") as clerk:
        await api_sign_in(clerk, "clerk", "county_clerk", county_code=LIAOZHONG)
        assert (await clerk.get("/api/v1/placements")).json()["total"] == 1
    async with browser(app, "127.0.0.4") as other_clerk:
        await api_sign_in(other_clerk, "clerk2", "county_clerk", county_code=HEPING)
        assert (await other_clerk.get("/api/v1/placements")).json()["total"] == 0
        assert (await other_clerk.get(f"/api/v1/placements/{record['id']}")).status_code == 404
    async with browser(app, "127.0.0.5") as admin:
        await api_sign_in(admin, "admin", "admin")
        assert (await admin.get("/api/v1/placements", params={"agency": world["agency"]})).json()["total"] == 1
        assert (await admin.get("/api/v1/placements", params={"agency": world["other_agency"]})).json()["total"] == 0


async def test_status_change(staff_api, world):
    client, headers = staff_api
    record = await report(client, headers, world)
    response = await client.post(f"/api/v1/placements/{record['id']}/status",
                                 json={"status": "departed", "on_date": today().isoformat(), "note": "off"},
                                 headers=headers)
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["status"] == "departed" and changed["version"] == record["version"] + 1
    assert [e["status"] for e in changed["events"]] == ["reported", "departed"]
    assert await worker_status(world["worker"]) == "abroad"
    refused = await client.post(f"/api/v1/placements/{record['id']}/status",
                                json={"status": "reported", "on_date": today().isoformat()}, headers=headers)
    assert refused.status_code == 422 and "status" in refused.json()["errors"]


async def test_fees_are_assessed_and_listed_when_flagged(app, staff_api, other_client, world):
    client, headers = staff_api
    record = await report(client, headers, world)
    response = await client.post(f"/api/v1/placements/{record['id']}/fees", json={
        "payee": "agency", "amount": 300000, "currency": "CNY", "paid_on": today().isoformat(),
        "purpose": "service_fee", "receipt_no": "R-1"}, headers=headers)
    assert response.status_code == 201, response.text
    fee = response.json()
    assert (fee["flag"], fee["flag_reason"], fee["amount"]) == ("prohibited", "no_fee_programme", 300000)
    ok = await client.post(f"/api/v1/placements/{record['id']}/fees", json={
        "payee": "other", "amount": 50000, "currency": "CNY", "paid_on": today().isoformat(),
        "purpose": "medical"}, headers=headers)
    assert ok.status_code == 201 and ok.json()["flag"] == "ok"
    bad = await client.post(f"/api/v1/placements/{record['id']}/fees", json={
        "payee": "agency", "amount": 0, "currency": "XXX", "paid_on": "", "purpose": "bribe"}, headers=headers)
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"amount", "currency", "paid_on", "purpose"}
    assert await FeeEntry.count() == 2

    flagged = (await client.get("/api/v1/fees/flagged")).json()
    assert [(f["placement_id"], f["flag"], f["worker_name"]) for f in flagged] == [
        (record["id"], "prohibited", WORKER_NAME)]
    assert (await client.get("/api/v1/placements", params={"flagged": "true"})).json()["items"][0]["flagged_fees"] == 1

    await api_sign_in(other_client, "rival", "agency_staff", agency_id=world["other_agency"])
    assert (await other_client.get("/api/v1/fees/flagged")).json() == []
    async with browser(app, "127.0.0.3") as admin:
        await api_sign_in(admin, "admin", "admin")
        assert len((await admin.get("/api/v1/fees/flagged")).json()) == 1
        assert (await admin.get("/api/v1/fees/flagged", params={"agency": world["other_agency"]})).json() == []


async def test_readers_cannot_write(app, staff_api, world):
    client, headers = staff_api
    record = await report(client, headers, world)
    async with browser(app, "127.0.0.3") as inspector:
        inspector_headers = await api_sign_in(inspector, "inspector", "inspector")
        assert (await inspector.get(f"/api/v1/placements/{record['id']}")).status_code == 200
        refused = await inspector.post(f"/api/v1/placements/{record['id']}/status", json={
            "status": "departed", "on_date": today().isoformat()}, headers=inspector_headers)
        assert refused.status_code == 403
        refused = await inspector.post("/api/v1/placements", json=api_placement(world["id_number"], world["employer"]),
                                       headers=inspector_headers)
        assert refused.status_code == 403


async def test_the_api_is_in_the_openapi_schema(client):
    paths = (await client.get("/api/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/placements", "/api/v1/placements/{placement_id}", "/api/v1/placements/{placement_id}/status",
            "/api/v1/placements/{placement_id}/fees", "/api/v1/fees/flagged"} <= set(paths)
    assert not any(path.startswith("/placements") for path in paths)
