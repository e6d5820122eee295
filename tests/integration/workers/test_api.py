"""The JSON API for the worker registry: /api/v1/workers."""

import datetime as dt

import pytest

from tests.integration.workers.helpers import (
    LIAOZHONG,
    api_body,
    api_sign_in,
    audit_rows,
    count_all,
    fifteen_digit,
    number,
    worker_rows,
)

FULL = number(LIAOZHONG, dt.date(1970, 5, 6), 123)


@pytest.fixture
async def clerk_api(client):
    headers = await api_sign_in(client, "clerk", "county_clerk", LIAOZHONG)
    return client, headers


async def create(client, headers, **fields) -> dict:
    response = await client.post("/api/v1/workers", json=api_body(FULL, **fields), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_register_returns_201_with_the_record(clerk_api):
    client, headers = clerk_api
    record = await create(client, headers, phone="13812345678", township_code="210115101",
                          preferred_destinations=["KR"], skills=[{"trade": "电焊", "level": "3"}],
                          languages=[{"language": "ko", "level": "basic", "test_name": "EPS-TOPIK", "score": 180}])
    assert record["id_number"] == FULL and record["id_number_masked"] is False
    assert (record["sex"], record["birth_date"], record["county_code"]) == ("M", "1970-05-06", LIAOZHONG)
    assert record["county_name"] == "辽中区"
    assert record["township_name"] == "于家房镇"
    assert record["preferred_destinations"] == ["KR"]
    assert record["skills"] == [{"trade": "电焊", "level": "3", "certificate_no": ""}]
    assert record["languages"] == [{"language": "ko", "level": "basic", "test_name": "EPS-TOPIK", "score": 180}]
    assert record["version"] == 1
    assert (await worker_rows(id=record["id"]))[0]["name"] == "张三"
    [entry] = await audit_rows(record["id"])
    assert (entry["action"], entry["actor_name"]) == ("created", "clerk")


async def test_read_one_worker_by_id(clerk_api):
    client, headers = clerk_api
    record = await create(client, headers)
    response = await client.get(f"/api/v1/workers/{record['id']}")
    assert response.status_code == 200
    assert response.json() == record


@pytest.mark.parametrize("form", ["18", "15", "lower-x"])
async def test_read_one_worker_by_identity_number(clerk_api, form):
    client, headers = clerk_api
    record = await create(client, headers)
    given = {"18": FULL, "15": fifteen_digit(FULL), "lower-x": FULL.lower()}[form]
    response = await client.get(f"/api/v1/workers/by-id-number/{given}")
    assert response.status_code == 200
    assert response.json()["id"] == record["id"]


@pytest.mark.parametrize("path", ["/api/v1/workers/999999", f"/api/v1/workers/by-id-number/{FULL}",
                                  "/api/v1/workers/by-id-number/not-a-number"])
async def test_unknown_worker_is_404_json(clerk_api, path):
    client, _ = clerk_api
    response = await client.get(path)
    assert response.status_code == 404
    assert response.json()["status"] == 404


async def test_put_with_the_current_version_saves_the_change(clerk_api):
    client, headers = clerk_api
    record = await create(client, headers, skills=[{"trade": "电焊"}])
    body = api_body(FULL, "张三", phone="13900000000", status="placed", skills=[{"trade": "木工", "level": "4"}],
                    version=record["version"])
    response = await client.put(f"/api/v1/workers/{record['id']}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["phone"], updated["status"], updated["version"]) == ("13900000000", "placed", 2)
    assert updated["skills"] == [{"trade": "木工", "level": "4", "certificate_no": ""}]
    assert [entry["action"] for entry in await audit_rows(record["id"])] == ["created", "updated"]


async def test_put_with_a_stale_version_is_refused(clerk_api):
    client, headers = clerk_api
    record = await create(client, headers)
    first = api_body(FULL, "张三", phone="13900000000", version=1)
    assert (await client.put(f"/api/v1/workers/{record['id']}", json=first, headers=headers)).status_code == 200
    stale = api_body(FULL, "张三", phone="13800000000", version=1)
    response = await client.put(f"/api/v1/workers/{record['id']}", json=stale, headers=headers)
    assert response.status_code == 422
    assert "Someone else changed this record" in response.json()["errors"][""]
    row = (await worker_rows(id=record["id"]))[0]
    assert (row["phone"], row["version"]) == ("13900000000", 2)


async def test_bad_input_is_422_with_field_errors(clerk_api):
    client, headers = clerk_api
    response = await client.post("/api/v1/workers", json=api_body("36042619910102009X", "", phone="x"),
                                 headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422
    assert set(body["errors"]) == {"id_number", "name", "phone"}
    assert await count_all() == (0, 0, 0)


@pytest.mark.parametrize("body", [
    api_body(FULL, is_admin=True),
    api_body(FULL, sex="F"),
    api_body(FULL, skills=[{"trade": "电焊", "salary": 9000}]),
])
async def test_unknown_json_fields_are_rejected(clerk_api, body):
    client, headers = clerk_api
    response = await client.post("/api/v1/workers", json=body, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert await count_all() == (0, 0, 0)


async def test_more_skills_or_languages_than_allowed_are_refused_not_dropped(clerk_api):
    client, headers = clerk_api
    too_many_skills = api_body(FULL, skills=[{"trade": f"工种{i}"} for i in range(11)])
    too_many_languages = api_body(FULL, languages=[{"language": "ko"} for _ in range(6)])
    for body in (too_many_skills, too_many_languages):
        response = await client.post("/api/v1/workers", json=body, headers=headers)
        assert response.status_code == 422, response.text
    assert await count_all() == (0, 0, 0)


async def test_wrong_types_and_missing_fields_are_400(clerk_api):
    client, headers = clerk_api
    for body in ({"name": "张三"}, api_body(FULL, languages=[{"language": "ko", "score": "high"}])):
        response = await client.post("/api/v1/workers", json=body, headers=headers)
        assert response.status_code == 400, body
    assert await count_all() == (0, 0, 0)


async def test_writes_without_the_csrf_header_are_refused(clerk_api):
    client, _ = clerk_api
    response = await client.post("/api/v1/workers", json=api_body(FULL))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")
    assert await count_all() == (0, 0, 0)


@pytest.mark.parametrize("method, path", [("GET", "/api/v1/workers"), ("GET", "/api/v1/workers/1"),
                                          ("GET", f"/api/v1/workers/by-id-number/{FULL}"),
                                          ("POST", "/api/v1/workers"), ("PUT", "/api/v1/workers/1")])
async def test_unauthenticated_calls_get_401_json(client, method, path):
    kwargs = {"json": api_body(FULL, version=1)} if method != "GET" else {}
    response = await client.request(method, path, **kwargs)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == 401


async def test_openapi_schema_lists_the_worker_api(client):
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/workers" in paths
    assert {"get", "post"} <= set(paths["/api/v1/workers"])
    assert "put" in paths["/api/v1/workers/{worker_id}"]
    assert "/api/v1/workers/by-id-number/{id_number}" in paths
    assert not any(path.startswith("/workers") for path in paths)
