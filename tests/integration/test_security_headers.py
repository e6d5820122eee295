"""What every answer carries and how errors read: pages are never stored, a number no record can have is a bad
request on both engines, and the API's schema describes the errors as they are sent."""

from __future__ import annotations

import pytest

HUGE = "18446744073709551616"  # 2**64: beyond SQLite's integers and PostgreSQL's


async def test_pages_and_api_answers_are_not_stored_but_static_files_may_be(admin_client, client):
    for response in [await admin_client.get("/workers/"), await admin_client.get("/api/v1/workers"),
                     await client.get("/login"), await client.get("/complaint/track"), await client.get("/nowhere")]:
        assert response.headers["cache-control"] == "no-store", response.url
    static = await client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
    # A handler's own Cache-Control is kept.
    script = await client.get("/complaint/print.js")
    assert script.headers["cache-control"] == "public, max-age=3600"


@pytest.mark.parametrize("path", [f"/api/v1/cases/{HUGE}", f"/api/v1/followups/{HUGE}",
                                  f"/api/v1/fees/flagged?agency={HUGE}"])
async def test_an_id_too_large_for_the_database_is_a_bad_request(admin_client, path):
    response = await admin_client.get(path)
    assert response.status_code == 400
    assert response.json()["status"] == 400


async def test_a_page_address_with_an_id_too_large_is_a_bad_request(admin_client):
    assert (await admin_client.get(f"/workers/{HUGE}")).status_code == 400


async def test_the_schema_describes_api_errors_as_sent(admin_client):
    schema = (await admin_client.get("/api/schema/openapi.json")).json()
    operation = schema["paths"]["/api/v1/workers"]["post"]
    for status in ("400", "401", "403", "404", "422"):
        body = operation["responses"][status]["content"]["application/json"]["schema"]
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        assert {"status", "title", "detail"} <= set(body["required"])
    sent = await admin_client.post("/api/v1/workers", json={}, headers={"x-csrf-token": "wrong"})
    assert sent.status_code == 403 and {"status", "title", "detail"} <= set(sent.json())


async def test_an_address_no_route_matches_gets_the_security_headers_too(client):
    for response in [await client.get("/nowhere"), await client.request("PATCH", "/login")]:
        assert response.status_code in (404, 405)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
