"""User administration by city administrators: who gets in, what is refused, and the trail it leaves."""

from __future__ import annotations

import json

import pytest

from export_mgmt.accounts.tables import AppUser, UserSession
from export_mgmt.audit.tables import AuditLog
from tests.conftest import create_agency, create_user
from tests.integration.accounts.helpers import has_field_error, is_signed_in, post_form, sign_in, translated

NEW_PASSWORD = "Brand-new-pass-456"


def _clerk_form(**changes: str) -> dict[str, str]:
    return {"username": "liaozhong", "display_name": "辽中办事员", "role": "county_clerk",
            "county_code": "210115", "agency_id": "", "password": NEW_PASSWORD, "active": "on", **changes}


async def _create(client, form: dict[str, str]):
    return await post_form(client, "/admin/users/new", form, token_page="/admin/users/new")


async def _update(client, user_id: int, form: dict[str, str]):
    return await post_form(client, f"/admin/users/{user_id}", form, token_page=f"/admin/users/{user_id}")


async def _user(username: str) -> dict | None:
    rows = await AppUser.select().where(AppUser.username == username)
    return rows[0] if rows else None


# ---- who may enter ----

@pytest.mark.parametrize("path", ["/admin/users/", "/admin/users/new", "/admin/audit/"])
async def test_clerk_is_not_allowed_into_administration(clerk_client, path):
    response = await clerk_client.get(path)
    assert response.status_code == 403
    assert "<html" in response.text


@pytest.mark.parametrize("path", ["/admin/users/", "/admin/audit/"])
async def test_signed_out_visitor_is_sent_to_login(client, path):
    response = await client.get(path)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=")


async def test_clerk_cannot_create_users_by_posting_directly(clerk_client):
    response = await _create(clerk_client, _clerk_form())
    assert response.status_code == 403
    assert await _user("liaozhong") is None


async def test_admin_sees_the_user_list(admin_client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await admin_client.get("/admin/users/")
    assert response.status_code == 200
    assert ">admin</a>" in response.text
    assert ">clerk</a>" in response.text


# ---- creating users ----

async def test_admin_creates_a_county_clerk_bound_to_a_county(admin_client, other_client):
    response = await _create(admin_client, _clerk_form())
    user = await _user("liaozhong")
    assert user is not None
    assert response.status_code in (302, 303)
    assert response.headers["location"] == f"/admin/users/{user['id']}"
    assert (user["role"], user["county_code"], user["agency"], user["active"]) == (
        "county_clerk", "210115", None, True)
    assert (await sign_in(other_client, "liaozhong", NEW_PASSWORD)).status_code in (302, 303)


async def test_admin_creates_agency_staff_bound_to_an_agency(admin_client):
    agency_id = await create_agency()
    response = await _create(admin_client, _clerk_form(username="agent", role="agency_staff", county_code="",
                                                       agency_id=str(agency_id)))
    assert response.status_code in (302, 303)
    user = await _user("agent")
    assert (user["role"], user["agency"], user["county_code"]) == ("agency_staff", agency_id, None)


async def test_clerk_without_county_is_refused(admin_client):
    response = await _create(admin_client, _clerk_form(county_code=""))
    assert response.status_code == 400
    assert has_field_error(response.text, "county_code")
    assert 'value="liaozhong"' in response.text
    assert await _user("liaozhong") is None


async def test_clerk_outside_the_city_is_refused(admin_client):
    response = await _create(admin_client, _clerk_form(county_code="110101"))
    assert response.status_code == 400
    assert has_field_error(response.text, "county_code")
    assert await _user("liaozhong") is None


async def test_agency_staff_without_agency_is_refused(admin_client):
    response = await _create(admin_client, _clerk_form(username="agent", role="agency_staff", county_code=""))
    assert response.status_code == 400
    assert has_field_error(response.text, "agency_id")
    assert await _user("agent") is None


async def test_agency_staff_with_an_unknown_agency_is_refused(admin_client):
    response = await _create(admin_client, _clerk_form(username="agent", role="agency_staff", agency_id="999"))
    assert response.status_code == 400
    assert has_field_error(response.text, "agency_id")
    assert await _user("agent") is None


@pytest.mark.parametrize("username", ["clerk", "CLERK"])
async def test_duplicate_user_name_is_refused(admin_client, username):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await _create(admin_client, _clerk_form(username=username))
    assert response.status_code == 400
    assert has_field_error(response.text, "username")
    assert await AppUser.count().where(AppUser.username == "clerk") == 1
    assert not await AuditLog.exists().where(AuditLog.action == "created")


async def test_weak_initial_password_is_refused(admin_client):
    response = await _create(admin_client, _clerk_form(password="short"))
    assert response.status_code == 400
    assert has_field_error(response.text, "password")
    assert NEW_PASSWORD not in response.text
    assert await _user("liaozhong") is None


# ---- changing users ----

async def test_admin_cannot_deactivate_themselves(admin_client):
    admin = await _user("admin")
    response = await _update(admin_client, admin["id"], {"display_name": "Admin", "role": "admin"})
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert (await _user("admin"))["active"] is True
    assert await is_signed_in(admin_client)


async def test_admin_cannot_demote_themselves(admin_client):
    admin = await _user("admin")
    response = await _update(admin_client, admin["id"], {"display_name": "Admin", "role": "supervisor",
                                                         "active": "on"})
    assert response.status_code == 400
    assert (await _user("admin"))["role"] == "admin"


async def test_deactivating_a_user_ends_their_sessions(admin_client, other_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await sign_in(other_client, "clerk")
    assert await is_signed_in(other_client)
    response = await _update(admin_client, clerk_id, {"display_name": "Clerk", "role": "county_clerk",
                                                      "county_code": "210115"})
    assert response.status_code in (302, 303)
    assert (await _user("clerk"))["active"] is False
    assert not await is_signed_in(other_client)
    assert await UserSession.count().where(UserSession.user == clerk_id) == 0
    assert (await sign_in(other_client, "clerk")).status_code == 400


async def test_resetting_a_password_ends_the_users_sessions(admin_client, other_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await sign_in(other_client, "clerk")
    await _update(admin_client, clerk_id, {"display_name": "Clerk", "role": "county_clerk",
                                           "county_code": "210115", "active": "on", "password": NEW_PASSWORD})
    assert not await is_signed_in(other_client)
    assert (await sign_in(other_client, "clerk", NEW_PASSWORD)).status_code in (302, 303)


async def test_renaming_a_user_keeps_them_signed_in(admin_client, other_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await sign_in(other_client, "clerk")
    await _update(admin_client, clerk_id, {"display_name": "王五", "role": "county_clerk",
                                           "county_code": "210115", "active": "on"})
    assert (await _user("clerk"))["display_name"] == "王五"
    assert await is_signed_in(other_client)


# ---- the audit trail of user changes ----

async def test_creating_a_user_writes_an_audit_row(admin_client):
    await _create(admin_client, _clerk_form())
    user = await _user("liaozhong")
    rows = await AuditLog.select().where((AuditLog.entity == "user") & (AuditLog.action == "created"))
    assert len(rows) == 1
    row = rows[0]
    assert (row["actor_name"], row["actor_id"], row["entity_id"]) == (
        "admin", (await _user("admin"))["id"], str(user["id"]))
    changes = json.loads(row["changes"])
    assert changes["username"] == [None, "liaozhong"]
    assert changes["county_code"] == [None, "210115"]
    assert NEW_PASSWORD not in row["changes"]


async def test_updating_a_user_writes_the_changed_fields(admin_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await _update(admin_client, clerk_id, {"display_name": "王五", "role": "county_clerk",
                                           "county_code": "210114", "active": "on"})
    rows = await AuditLog.select().where((AuditLog.entity == "user") & (AuditLog.action == "updated"))
    assert len(rows) == 1
    assert rows[0]["actor_name"] == "admin"
    assert rows[0]["entity_id"] == str(clerk_id)
    changes = json.loads(rows[0]["changes"])
    assert changes == {"display_name": ["Clerk", "王五"], "county_code": ["210115", "210114"]}


async def test_deactivation_is_audited(admin_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await _update(admin_client, clerk_id, {"display_name": "Clerk", "role": "county_clerk",
                                           "county_code": "210115"})
    row = (await AuditLog.select().where(AuditLog.action == "updated"))[0]
    assert json.loads(row["changes"]) == {"active": [True, False]}


async def test_password_reset_is_audited_without_the_password(admin_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await _update(admin_client, clerk_id, {"display_name": "Clerk", "role": "county_clerk",
                                           "county_code": "210115", "active": "on", "password": NEW_PASSWORD})
    row = (await AuditLog.select().where(AuditLog.action == "updated"))[0]
    assert "password" in json.loads(row["changes"])
    assert NEW_PASSWORD not in row["changes"]


async def test_user_page_shows_the_history(admin_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    await _update(admin_client, clerk_id, {"display_name": "王五", "role": "county_clerk",
                                           "county_code": "210115", "active": "on"})
    page = await admin_client.get(f"/admin/users/{clerk_id}")
    history = page.text.split('class="history"', 1)[1]
    assert translated("Changed") in history
    assert f"{translated('Name')}: " in history
    assert "<ins>王五</ins>" in history
    assert "<del>Clerk</del>" in history
    assert "<td>admin</td>" in history


async def test_password_reset_containing_the_user_name_is_refused(admin_client):
    clerk_id = await create_user("clerk", "county_clerk", county_code="210115")
    response = await _update(admin_client, clerk_id, {"display_name": "Clerk", "role": "county_clerk",
                                                      "county_code": "210115", "active": "on",
                                                      "password": "clerk-pass-2024"})
    assert response.status_code == 400
    assert has_field_error(response.text, "password")
    assert not await AuditLog.exists().where(AuditLog.action == "updated")
