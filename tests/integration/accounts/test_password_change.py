"""Changing one's own password."""

from __future__ import annotations

from export_mgmt.audit.tables import AuditLog
from tests.conftest import PASSWORD, create_user
from tests.integration.accounts.helpers import has_field_error, is_signed_in, post_form, sign_in

NEW_PASSWORD = "Brand-new-pass-456"


async def _change(client, current: str, new: str, confirm: str | None = None):
    return await post_form(client, "/account/password", {
        "current_password": current, "new_password": new,
        "confirm_password": new if confirm is None else confirm}, token_page="/account/password")


async def test_wrong_current_password_is_refused(clerk_client, other_client):
    response = await _change(clerk_client, "Not-my-password-1", NEW_PASSWORD)
    assert response.status_code == 400
    assert has_field_error(response.text, "current_password")
    assert (await sign_in(other_client, "clerk", NEW_PASSWORD)).status_code == 400
    assert not await AuditLog.exists().where(AuditLog.action == "password_changed")


async def test_short_new_password_is_refused(clerk_client):
    response = await _change(clerk_client, PASSWORD, "short-1")
    assert response.status_code == 400
    assert has_field_error(response.text, "new_password")


async def test_letters_only_new_password_is_refused(clerk_client):
    response = await _change(clerk_client, PASSWORD, "onlyletterspassword")
    assert response.status_code == 400
    assert has_field_error(response.text, "new_password")


async def test_new_password_containing_the_user_name_is_refused(clerk_client):
    response = await _change(clerk_client, PASSWORD, "my-clerk-pass-1")
    assert response.status_code == 400
    assert has_field_error(response.text, "new_password")


async def test_mistyped_confirmation_is_refused(clerk_client, other_client):
    response = await _change(clerk_client, PASSWORD, NEW_PASSWORD, "Brand-new-pass-457")
    assert response.status_code == 400
    assert has_field_error(response.text, "confirm_password")
    assert (await sign_in(other_client, "clerk")).status_code in (302, 303)


async def test_password_change_signs_out_other_sessions_but_not_this_one(client, other_client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await sign_in(client, "clerk")
    await sign_in(other_client, "clerk")
    response = await _change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 200
    assert 'role="status"' in response.text
    assert await is_signed_in(client)
    assert not await is_signed_in(other_client)


async def test_new_password_replaces_the_old_one(clerk_client, other_client):
    await _change(clerk_client, PASSWORD, NEW_PASSWORD)
    assert (await sign_in(other_client, "clerk", PASSWORD)).status_code == 400
    assert (await sign_in(other_client, "clerk", NEW_PASSWORD)).status_code in (302, 303)


async def test_password_change_is_audited(clerk_client):
    await _change(clerk_client, PASSWORD, NEW_PASSWORD)
    rows = await AuditLog.select().where(AuditLog.action == "password_changed")
    assert len(rows) == 1
    assert rows[0]["actor_name"] == "clerk"
    assert rows[0]["entity"] == "user"
    assert NEW_PASSWORD not in rows[0]["changes"]
