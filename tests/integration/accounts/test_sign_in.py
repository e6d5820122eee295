"""Signing in with the form: where it leads, the cookie it sets, and what it refuses."""

from __future__ import annotations

import pytest

from export_mgmt.accounts.tables import AppUser, UserSession
from tests.conftest import create_user
from tests.integration.accounts.helpers import has_field_error, is_signed_in, sign_in, translated

WRONG = "Wrong user name or password."


async def test_sign_in_redirects_to_the_requested_page(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await sign_in(client, "clerk", next_page="/account/password")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/account/password"
    assert await is_signed_in(client)


async def test_session_cookie_is_http_only_and_same_site_lax(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await sign_in(client, "clerk")
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith("em_session=")]
    assert len(headers) == 1
    attributes = {part.strip().lower() for part in headers[0].split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert response.cookies["em_session"]


async def test_user_name_is_not_case_sensitive(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await sign_in(client, "  Clerk ")
    assert response.status_code in (302, 303)


async def test_wrong_password_shows_the_form_again_with_an_error(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await sign_in(client, "clerk", "Not-the-password-1")
    assert response.status_code == 400
    assert 'lang="zh-CN"' in response.text
    assert translated(WRONG, "zh_CN") in response.text
    assert 'name="username" type="text" value="clerk"' in response.text
    assert 'role="alert"' in response.text
    assert not await is_signed_in(client)
    assert await UserSession.count() == 0


async def test_wrong_password_error_follows_the_browser_language(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    client.headers["Accept-Language"] = "en"
    response = await sign_in(client, "clerk", "Not-the-password-1")
    assert response.status_code == 400
    assert '<html lang="en">' in response.text
    assert translated(WRONG, "en") in response.text


async def test_unknown_user_gets_the_same_error_as_a_wrong_password(client):
    response = await sign_in(client, "nobody", "Whatever-123")
    assert response.status_code == 400
    assert translated(WRONG) in response.text
    assert 'value="nobody"' in response.text


async def test_inactive_user_cannot_sign_in(client):
    user_id = await create_user("clerk", "county_clerk", county_code="210115")
    await AppUser.update({AppUser.active: False}).where(AppUser.id == user_id)
    response = await sign_in(client, "clerk")
    assert response.status_code == 400
    assert translated(WRONG) in response.text
    assert not await is_signed_in(client)
    assert await UserSession.count() == 0


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "http://evil.example/login"])
async def test_sign_in_never_redirects_off_site(client, target):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await sign_in(client, "clerk", next_page=target)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/"


async def test_login_page_does_not_carry_an_off_site_target(client):
    page = await client.get("/login", params={"next": "//evil.example"})
    login_form = page.text.split('action="/login"', 1)[1].split("</form>", 1)[0]
    assert 'name="next" value="/"' in login_form
    assert "evil.example" not in login_form


async def test_signed_out_visitor_is_sent_to_login_and_back(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await client.get("/account/password")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login?next=")
    page = await client.get(response.headers["location"])
    assert 'name="next" value="/account/password"' in page.text


async def test_a_failed_attempt_does_not_show_a_field_error_that_reveals_which_part_was_wrong(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    response = await sign_in(client, "clerk", "Not-the-password-1")
    assert not has_field_error(response.text, "username")
    assert not has_field_error(response.text, "password")
