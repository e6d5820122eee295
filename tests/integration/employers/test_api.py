"""The JSON API for the employer register: /api/v1/employers."""

import asyncio

import pytest

from tests.integration.employers.helpers import DOMESTIC, FOREIGN, add_employer, api_sign_in, audit_rows, employer_rows


@pytest.fixture
async def admin_api(client):
    return client, await api_sign_in(client, "admin", "admin")


@pytest.fixture
async def agency_api(client):
    return client, await api_sign_in(client, "agent", "agency_staff")


async def test_agency_staff_add_a_foreign_employer(agency_api):
    client, headers = agency_api
    response = await client.post("/api/v1/employers", json=FOREIGN, headers=headers)
    assert response.status_code == 201, response.text
    record = response.json()
    assert {k: record[k] for k in FOREIGN} == FOREIGN
    assert (record["active"], record["version"], record["destination_group"], record["address"]) == (
        True, 1, "", "")
    assert set(record) == {"id", "kind", "name", "country", "region", "destination_group", "registration_no",
                           "sector", "address", "contact", "programme", "active", "created_at", "updated_at",
                           "version"}
    [entry] = await audit_rows(record["id"])
    assert (entry["action"], entry["actor_name"]) == ("created", "agent")


async def test_read_one_employer(admin_api):
    client, headers = admin_api
    record = (await client.post("/api/v1/employers", json=DOMESTIC, headers=headers)).json()
    response = await client.get(f"/api/v1/employers/{record['id']}")
    assert response.status_code == 200
    assert response.json() == record


async def test_unknown_employer_is_404_json(admin_api):
    client, _ = admin_api
    response = await client.get("/api/v1/employers/999999")
    assert response.status_code == 404 and response.json()["status"] == 404


async def test_refused_body_is_422_with_every_message(admin_api):
    client, headers = admin_api
    response = await client.post("/api/v1/employers", headers=headers,
                                 json={**FOREIGN, "country": "CN", "destination_group": "YRD", "name": ""})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "country": "A foreign employer is in Korea, Japan or Singapore: choose one of them.",
        "destination_group": "Only domestic employers have a destination group: leave it empty.",
        "name": "This field is required.",
    }
    assert await employer_rows() == []


async def test_duplicate_is_422_with_the_existing_id(admin_api):
    client, headers = admin_api
    first = (await client.post("/api/v1/employers", json=FOREIGN, headers=headers)).json()
    response = await client.post("/api/v1/employers", json={**FOREIGN, "name": "另一家"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["duplicate_id"] == first["id"]
    assert "registration_no" in response.json()["errors"]


@pytest.mark.parametrize("payload", [
    {"name": "缺少类别和国家"},
    {**FOREIGN, "unknown": "x"},
    {**FOREIGN, "name": 5},
])
async def test_malformed_body_is_400(admin_api, payload):
    client, headers = admin_api
    response = await client.post("/api/v1/employers", json=payload, headers=headers)
    assert response.status_code == 400
    assert await employer_rows() == []


async def test_write_without_csrf_header_is_refused(admin_api):
    client, _ = admin_api
    response = await client.post("/api/v1/employers", json=FOREIGN)
    assert response.status_code == 403
    assert await employer_rows() == []


async def test_search_with_filters(admin_api):
    client, _ = admin_api
    await add_employer("Hyundai Heavy", "KR")
    await add_employer("Tanaka Seiki", "JP")
    await add_employer("深圳电子厂", "CN")
    await add_employer("Closed Hyundai", "KR", active=False)

    async def names(query: str = "") -> list[str]:
        response = await client.get(f"/api/v1/employers{query}")
        assert response.status_code == 200
        return [item["name"] for item in response.json()["items"]]

    assert await names() == ["Hyundai Heavy", "Tanaka Seiki", "深圳电子厂", "Closed Hyundai"]
    assert await names("?country=KR&active=1") == ["Hyundai Heavy"]
    assert await names("?kind=domestic") == ["深圳电子厂"]
    assert await names("?q=hyundai") == ["Hyundai Heavy", "Closed Hyundai"]
    page = (await client.get("/api/v1/employers?country=JP")).json()
    assert (page["total"], page["page"]) == (1, 1)
    assert page["items"][0]["country"] == "JP" and page["items"][0]["kind"] == "foreign"


async def test_put_with_the_current_version_saves_and_audits(admin_api):
    client, headers = admin_api
    record = (await client.post("/api/v1/employers", json=FOREIGN, headers=headers)).json()
    response = await client.put(f"/api/v1/employers/{record['id']}", headers=headers,
                                json={**FOREIGN, "region": "釜山", "version": 1, "active": False})
    assert response.status_code == 200, response.text
    assert (response.json()["region"], response.json()["active"], response.json()["version"]) == ("釜山", False, 2)
    assert (await audit_rows(record["id"]))[-1]["changes"] == {"region": ["蔚山", "釜山"], "active": [True, False]}


async def test_put_with_a_stale_version_is_refused(admin_api):
    client, headers = admin_api
    record = (await client.post("/api/v1/employers", json=FOREIGN, headers=headers)).json()
    assert (await client.put(f"/api/v1/employers/{record['id']}", headers=headers,
                             json={**FOREIGN, "region": "釜山", "version": 1})).status_code == 200
    response = await client.put(f"/api/v1/employers/{record['id']}", headers=headers,
                                json={**FOREIGN, "region": "巨济", "version": 1})
    assert response.status_code == 422
    assert (await employer_rows(id=record["id"]))[0]["region"] == "釜山"


async def test_put_to_unknown_employer_is_404(admin_api):
    client, headers = admin_api
    response = await client.put("/api/v1/employers/999999", headers=headers, json={**FOREIGN, "version": 1})
    assert response.status_code == 404


async def test_api_schema_lists_the_employer_endpoints(admin_api):
    client, _ = admin_api
    paths = (await client.get("/api/schema/openapi.json")).json()["paths"]
    assert {"/api/v1/employers", "/api/v1/employers/{employer_id}"} <= set(paths)


async def test_two_agencies_adding_the_same_employer_at_once_make_one_record(client, other_client):
    first = await api_sign_in(client, "agent1", "agency_staff")
    second = await api_sign_in(other_client, "agent2", "agency_staff")
    for _ in range(3):
        responses = await asyncio.gather(
            client.post("/api/v1/employers", json=FOREIGN, headers=first),
            other_client.post("/api/v1/employers", json={**FOREIGN, "name": "现代重工"}, headers=second),
        )
        assert sorted(r.status_code for r in responses) in ([201, 422], [422, 422])
    assert len(await employer_rows()) == 1
