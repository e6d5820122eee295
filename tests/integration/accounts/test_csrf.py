"""CSRF: forms and API calls without the page's token, or with a token from before signing in, change nothing."""

from __future__ import annotations

from export_mgmt.accounts.passwords import verify_password
from export_mgmt.accounts.tables import AppUser, UserSession
from export_mgmt.audit.tables import AuditLog
from tests.conftest import PASSWORD, create_user, csrf_from
from tests.integration.accounts.helpers import (
    is_signed_in,
    post_form,
    sign_in,
    translated,
    worker_payload,
)

STALE = "This form had expired, so nothing was done. Please send it again."
NEW_PASSWORD = "Brand-new-pass-456"


async def _password_unchanged(user_id: int) -> bool:
    row = (await AppUser.select(AppUser.password_hash).where(AppUser.id == user_id))[0]
    return await verify_password(row["password_hash"], PASSWORD)


def _refused_form(response) -> None:
    assert response.status_code in (400, 403)
    assert translated(STALE) in response.text
    assert 'name="csrf_token"' in response.text


# ---- the sign-in form ----

async def test_sign_in_without_token_shows_the_form_again_and_signs_nobody_in(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await client.get("/login")
    response = await post_form(client, "/login", {"username": "clerk", "password": PASSWORD})
    _refused_form(response)
    assert 'value="clerk"' in response.text
    assert not await is_signed_in(client)
    assert await UserSession.count() == 0
    assert await AuditLog.count() == 0


async def test_sign_in_form_shown_again_after_a_stale_token_can_be_sent(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await client.get("/login")
    refused = await post_form(client, "/login", {"username": "clerk", "password": PASSWORD}, "0" * 64)
    _refused_form(refused)
    retried = await post_form(client, "/login", {"username": "clerk", "password": PASSWORD},
                              csrf_from(refused.text))
    assert retried.status_code in (302, 303)


async def test_sign_in_form_from_before_signing_in_is_stale_afterwards(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    anonymous_token = csrf_from((await client.get("/login")).text)
    await sign_in(client, "clerk")
    sessions = await UserSession.count()
    response = await post_form(client, "/login", {"username": "clerk", "password": PASSWORD}, anonymous_token)
    _refused_form(response)
    assert await UserSession.count() == sessions


# ---- the password form ----

async def test_password_change_without_token_changes_nothing(clerk_client):
    user_id = (await AppUser.select(AppUser.id).where(AppUser.username == "clerk"))[0]["id"]
    response = await post_form(clerk_client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    _refused_form(response)
    assert await _password_unchanged(user_id)
    assert not await AuditLog.exists().where(AuditLog.action == "password_changed")
    assert await is_signed_in(clerk_client)


async def test_password_change_with_the_token_from_before_sign_in_changes_nothing(client):
    user_id = await create_user("clerk", "county_clerk", county_code="210115")
    anonymous_token = csrf_from((await client.get("/login")).text)
    await sign_in(client, "clerk")
    response = await post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        anonymous_token)
    _refused_form(response)
    assert await _password_unchanged(user_id)
    assert not await AuditLog.exists().where(AuditLog.action == "password_changed")


# ---- the user administration form ----

NEW_CLERK = {"username": "clerk2", "display_name": "李四", "role": "county_clerk", "county_code": "210115",
             "password": NEW_PASSWORD, "active": "on"}


async def test_creating_a_user_without_token_creates_nobody(admin_client):
    response = await post_form(admin_client, "/admin/users/new", NEW_CLERK)
    _refused_form(response)
    assert 'value="clerk2"' in response.text
    assert not await AppUser.exists().where(AppUser.username == "clerk2")
    assert not await AuditLog.exists().where(AuditLog.action == "created")


async def test_creating_a_user_with_the_token_from_before_sign_in_creates_nobody(client):
    await create_user("admin", "admin")
    anonymous_token = csrf_from((await client.get("/login")).text)
    await sign_in(client, "admin")
    response = await post_form(client, "/admin/users/new", NEW_CLERK, anonymous_token)
    _refused_form(response)
    assert not await AppUser.exists().where(AppUser.username == "clerk2")
    assert not await AuditLog.exists().where(AuditLog.action == "created")


async def test_editing_a_user_without_token_changes_nothing(admin_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    response = await post_form(admin_client, f"/admin/users/{clerk_id}", {
        "display_name": "Renamed", "role": "county_clerk", "county_code": "210115", "active": "on"})
    _refused_form(response)
    row = (await AppUser.select(AppUser.display_name).where(AppUser.id == clerk_id))[0]
    assert row["display_name"] == "Clerk"
    assert not await AuditLog.exists().where(AuditLog.action == "updated")


# ---- sign-out and the language switch: a plain refusal page ----

async def test_sign_out_without_token_is_refused_and_keeps_the_session(clerk_client):
    response = await clerk_client.post("/logout")
    assert response.status_code == 403
    assert "<html" in response.text
    assert await is_signed_in(clerk_client)


async def test_language_switch_without_token_is_refused(clerk_client):
    response = await clerk_client.post("/lang", data={"locale": "en", "next": "/"})
    assert response.status_code == 403
    assert "em_lang" not in response.cookies
    row = (await AppUser.select(AppUser.locale).where(AppUser.username == "clerk"))[0]
    assert row["locale"] is None


async def test_language_switch_without_token_is_refused_when_signed_out(client):
    await client.get("/login")
    response = await client.post("/lang", data={"locale": "en", "next": "/"})
    assert response.status_code == 403
    assert "em_lang" not in response.cookies


# ---- the JSON API: X-CSRF-Token header ----

async def _api_sign_in(client, username: str = "admin") -> str:
    response = await client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()["csrf_token"]


async def test_api_write_without_csrf_header_is_refused_with_json(client):
    await create_user("admin", "admin")
    await _api_sign_in(client)
    response = await client.post("/api/v1/workers", json=worker_payload())
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == 403
    assert (await client.get("/api/v1/workers")).json()["total"] == 0


async def test_api_write_with_the_sign_in_csrf_token_is_accepted(client):
    await create_user("admin", "admin")
    token = await _api_sign_in(client)
    response = await client.post("/api/v1/workers", json=worker_payload(), headers={"X-CSRF-Token": token})
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "张三"


async def test_api_put_needs_the_csrf_header(client):
    await create_user("admin", "admin")
    token = await _api_sign_in(client)
    created = (await client.post("/api/v1/workers", json=worker_payload(),
                                 headers={"X-CSRF-Token": token})).json()
    change = {**worker_payload(), "name": "张三丰", "version": created["version"]}
    refused = await client.put(f"/api/v1/workers/{created['id']}", json=change)
    assert refused.status_code == 403
    assert refused.json()["status"] == 403
    assert (await client.get(f"/api/v1/workers/{created['id']}")).json()["name"] == "张三"
    accepted = await client.put(f"/api/v1/workers/{created['id']}", json=change,
                                  headers={"X-CSRF-Token": token})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["name"] == "张三丰"


async def test_api_rejects_a_csrf_token_of_another_session(client, other_client):
    await create_user("admin", "admin")
    await _api_sign_in(client)
    foreign = await _api_sign_in(other_client)
    response = await client.post("/api/v1/workers", json=worker_payload(), headers={"X-CSRF-Token": foreign})
    assert response.status_code == 403
