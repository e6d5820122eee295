"""The JSON session API: sign in, see who is signed in, sign out."""

from __future__ import annotations

from export_mgmt.accounts.tables import UserSession
from export_mgmt.settings import get_settings
from tests.conftest import PASSWORD, create_user
from tests.integration.accounts.helpers import browser

URL = "/api/v1/session"


async def _clerk() -> int:
    return await create_user("clerk", "county_clerk", county_code="210115")


async def test_json_sign_in_returns_the_role_and_a_csrf_token(client):
    await _clerk()
    response = await client.post(URL, json={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "clerk"
    assert body["role"] == "county_clerk"
    assert body["county_code"] == "210115"
    assert len(body["csrf_token"]) >= 32
    assert response.cookies["em_session"]
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith("em_session="))
    assert "httponly" in header.lower()


async def test_current_session_shows_who_is_signed_in(client):
    await _clerk()
    token = (await client.post(URL, json={"username": "clerk", "password": PASSWORD})).json()["csrf_token"]
    response = await client.get(URL)
    assert response.status_code == 200
    assert response.json()["username"] == "clerk"
    assert response.json()["csrf_token"] == token


async def test_current_session_without_sign_in_is_401_json(client):
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.json()["status"] == 401


async def test_json_sign_out_ends_the_session(client):
    user_id = await _clerk()
    token = (await client.post(URL, json={"username": "clerk", "password": PASSWORD})).json()["csrf_token"]
    response = await client.delete(URL, headers={"X-CSRF-Token": token})
    assert response.status_code == 204
    assert (await client.get(URL)).status_code == 401
    assert await UserSession.count().where(UserSession.user == user_id) == 0


async def test_json_sign_out_needs_the_csrf_header(client):
    await _clerk()
    await client.post(URL, json={"username": "clerk", "password": PASSWORD})
    response = await client.delete(URL)
    assert response.status_code == 403
    assert (await client.get(URL)).status_code == 200


async def test_wrong_credentials_are_422_json_with_errors(client):
    await _clerk()
    response = await client.post(URL, json={"username": "clerk", "password": "Wrong-pass-999"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"]
    assert "em_session" not in response.cookies
    assert await UserSession.count() == 0


async def test_missing_fields_are_a_json_error(client):
    response = await client.post(URL, json={"username": "clerk"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")


async def test_json_sign_in_is_throttled_like_the_form(client):
    await _clerk()
    for _ in range(get_settings().login_max_failures_per_account):
        await client.post(URL, json={"username": "clerk", "password": "Wrong-pass-999"})
    response = await client.post(URL, json={"username": "clerk", "password": PASSWORD})
    assert response.status_code == 422
    assert await UserSession.count() == 0


async def test_json_sign_in_again_replaces_the_old_session(client, app):
    await _clerk()
    await client.post(URL, json={"username": "clerk", "password": PASSWORD})
    first = client.cookies["em_session"]
    await client.post(URL, json={"username": "clerk", "password": PASSWORD})
    assert client.cookies["em_session"] != first
    assert (await client.get(URL)).status_code == 200
    async with browser(app, {"em_session": first}) as old:
        assert (await old.get(URL)).status_code == 401
