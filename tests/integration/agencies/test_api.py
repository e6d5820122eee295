"""The JSON API: /api/v1/brokers and /api/v1/agencies/{id}."""

from export_mgmt.agencies.tables import Broker
from tests.integration.agencies.helpers import (
    add_agency,
    add_broker,
    add_licence,
    api_sign_in,
    audit_rows,
    broker_number,
    days,
)

FULL = broker_number(123)


async def test_agency_staff_register_a_broker_for_their_agency(client):
    a = await add_agency("甲劳务公司", 1)
    headers = await api_sign_in(client, "staff", "agency_staff", agency_id=a)
    response = await client.post("/api/v1/brokers", json={"id_number": FULL, "name": "王经纪",
                                                          "phone": "13900000000"}, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["agency_id"], body["id_number"], body["id_number_masked"]) == (a, FULL, False)
    assert (body["agency_name"], body["status"], body["version"]) == ("甲劳务公司", "active", 1)
    [entry] = await audit_rows("broker", body["id"])
    assert entry["action"] == "created"
    again = await client.post("/api/v1/brokers", json={"id_number": FULL, "name": "王经纪"}, headers=headers)
    assert again.status_code == 422
    assert "already registered with this agency" in again.json()["errors"]["id_number"]


async def test_admin_names_the_agency(client):
    a = await add_agency("甲劳务公司", 1)
    headers = await api_sign_in(client, "admin", "admin")
    missing = await client.post("/api/v1/brokers", json={"id_number": FULL, "name": "王经纪"}, headers=headers)
    assert missing.status_code == 422 and "agency_id" in missing.json()["errors"]
    response = await client.post("/api/v1/brokers", json={"agency_id": a, "id_number": FULL, "name": "王经纪"},
                                 headers=headers)
    assert response.status_code == 201 and response.json()["agency_id"] == a


async def test_readers_list_all_brokers_masked_and_filter_by_agency(client):
    a = await add_agency("甲劳务公司", 1)
    b = await add_agency("乙劳务公司", 2)
    await add_broker(a, name="甲经纪", seq=123)
    await add_broker(b, name="乙经纪", seq=125)
    headers = await api_sign_in(client, "supervisor", "supervisor")
    listed = (await client.get("/api/v1/brokers")).json()
    assert sorted(item["name"] for item in listed["items"]) == ["乙经纪", "甲经纪"]
    assert all("*" in item["id_number"] for item in listed["items"])
    only_b = (await client.get("/api/v1/brokers", params={"agency_id": b})).json()
    assert [item["name"] for item in only_b["items"]] == ["乙经纪"]
    response = await client.post("/api/v1/brokers", json={"agency_id": a, "id_number": broker_number(127),
                                                          "name": "x"}, headers=headers)
    assert response.status_code == 403
    assert await Broker.count() == 2


async def test_agency_endpoint_shows_public_fields_and_licences(client):
    a = await add_agency("甲劳务公司", 1, contact_phone="024-12345678", legal_representative="李明")
    await add_licence(a, number="LW-1", scope="KR", valid_to=days(-1))
    await add_broker(a, name="甲经纪")
    await api_sign_in(client, "inspector", "inspector")
    body = (await client.get(f"/api/v1/agencies/{a}")).json()
    assert body["name"] == "甲劳务公司" and body["county_name"] == "辽中区"
    assert [(lic["number"], lic["scope"], lic["status"]) for lic in body["licences"]] == [("LW-1", ["KR"], "expired")]
    text = str(body)
    assert "024-12345678" not in text and "李明" not in text and "甲经纪" not in text
    assert (await client.get("/api/v1/agencies/999")).status_code == 404


async def test_api_is_in_the_schema(client):
    schema = (await client.get("/api/schema/openapi.json")).json()
    assert "/api/v1/brokers" in schema["paths"] and "/api/v1/agencies/{agency_id}" in schema["paths"]
    assert not any(path.startswith(("/verify", "/agencies")) for path in schema["paths"])
