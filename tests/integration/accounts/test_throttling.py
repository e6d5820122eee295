"""Login throttling: too many failures lock the account, or the address, for the window."""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.sessions import utcnow
from export_mgmt.accounts.tables import LoginFailure, UserSession
from export_mgmt.settings import get_settings
from tests.conftest import create_user, csrf_from
from tests.integration.accounts.helpers import is_signed_in, post_form, sign_in, translated

THROTTLED = "Too many failed sign-in attempts. Wait %(n)s minutes and try again."


def _throttle_message() -> str:
    return translated(THROTTLED, n=get_settings().login_window_minutes)


async def _fail(client, usernames: list[str]) -> None:
    token = csrf_from((await client.get("/login")).text)
    for username in usernames:
        response = await post_form(client, "/login", {"username": username, "password": "Wrong-pass-999"}, token)
        assert response.status_code == 400


async def test_account_is_locked_after_five_failures_even_for_the_right_password(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await _fail(client, ["clerk"] * get_settings().login_max_failures_per_account)
    response = await sign_in(client, "clerk")
    assert response.status_code == 400
    assert _throttle_message() in response.text
    assert not await is_signed_in(client)
    assert await UserSession.count() == 0


async def test_four_failures_still_let_the_right_password_in(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await _fail(client, ["clerk"] * (get_settings().login_max_failures_per_account - 1))
    response = await sign_in(client, "clerk")
    assert response.status_code in (302, 303)


async def test_account_lock_applies_from_every_address(client, other_client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await _fail(client, ["clerk"] * get_settings().login_max_failures_per_account)
    response = await sign_in(other_client, "clerk")
    assert response.status_code == 400
    assert _throttle_message() in response.text


async def test_account_lock_does_not_lock_other_accounts(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await create_user("admin", "admin")
    await _fail(client, ["clerk"] * get_settings().login_max_failures_per_account)
    response = await sign_in(client, "admin")
    assert response.status_code in (302, 303)


async def test_account_lock_ends_when_the_failures_leave_the_window(client):
    await create_user("clerk", "county_clerk", county_code="210115")
    await _fail(client, ["clerk"] * get_settings().login_max_failures_per_account)
    past = utcnow() - dt.timedelta(minutes=get_settings().login_window_minutes + 1)
    await LoginFailure.update({LoginFailure.failed_at: past}).where(LoginFailure.username == "clerk")
    response = await sign_in(client, "clerk")
    assert response.status_code in (302, 303)


async def test_many_failures_from_one_address_block_that_address_only(client, other_client):
    await create_user("admin", "admin")
    limit = get_settings().login_max_failures_per_address
    await _fail(client, [f"guess{n}" for n in range(limit)])
    blocked = await sign_in(client, "admin")
    assert blocked.status_code == 400
    assert _throttle_message() in blocked.text
    allowed = await sign_in(other_client, "admin")
    assert allowed.status_code in (302, 303)
    assert await is_signed_in(other_client)
