"""Sessions: a new one at every sign-in, ended by sign-out, and by idle and absolute time limits."""

from __future__ import annotations

import datetime as dt

from export_mgmt.accounts.sessions import utcnow
from export_mgmt.accounts.tables import UserSession
from export_mgmt.audit.tables import AuditLog
from tests.conftest import create_user
from tests.integration.accounts.helpers import browser, is_signed_in, post_form, sign_in


async def _clerk() -> int:
    return await create_user("clerk", "county_clerk", county_code="210115")


async def _age_sessions(user_id: int, idle: dt.timedelta = dt.timedelta(0),
                        age: dt.timedelta = dt.timedelta(0)) -> None:
    now = utcnow()
    await UserSession.update({UserSession.last_seen_at: now - idle, UserSession.created_at: now - age}).where(
        UserSession.user == user_id)


async def test_session_cookie_is_new_after_sign_in_even_if_one_was_planted(client):
    await _clerk()
    client.cookies.set("em_session", "planted-by-an-attacker", domain="testserver.local")
    before = {"planted-by-an-attacker", *client.cookies.values()}
    response = await sign_in(client, "clerk")
    token = response.cookies["em_session"]
    assert token not in before
    assert await is_signed_in(client)


async def test_signing_in_again_in_the_same_browser_replaces_the_old_session(client, app):
    await _clerk()
    first = (await sign_in(client, "clerk")).cookies["em_session"]
    second = (await sign_in(client, "clerk")).cookies["em_session"]
    assert second != first
    assert await is_signed_in(client)
    async with browser(app, {"em_session": first}) as old:
        assert not await is_signed_in(old)


async def test_sign_out_ends_the_session_on_the_server(client, app):
    user_id = await _clerk()
    token = (await sign_in(client, "clerk")).cookies["em_session"]
    response = await post_form(client, "/logout", {}, token_page="/account/password")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login"
    assert not await is_signed_in(client)
    async with browser(app, {"em_session": token}) as replay:
        assert not await is_signed_in(replay)
    assert await UserSession.count().where(UserSession.user == user_id) == 0
    assert await AuditLog.exists().where((AuditLog.action == "logout") & (AuditLog.actor_id == user_id))


async def test_sign_out_in_one_browser_leaves_other_browsers_signed_in(client, other_client):
    await _clerk()
    await sign_in(client, "clerk")
    await sign_in(other_client, "clerk")
    await post_form(client, "/logout", {}, token_page="/account/password")
    assert not await is_signed_in(client)
    assert await is_signed_in(other_client)


async def test_idle_session_is_sent_to_login(client):
    user_id = await _clerk()
    await sign_in(client, "clerk")
    await _age_sessions(user_id, idle=dt.timedelta(minutes=31), age=dt.timedelta(minutes=40))
    response = await client.get("/account/password")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")
    assert await UserSession.count() == 0


async def test_activity_keeps_the_session_alive(client):
    user_id = await _clerk()
    await sign_in(client, "clerk")
    await _age_sessions(user_id, idle=dt.timedelta(minutes=25), age=dt.timedelta(minutes=40))
    assert await is_signed_in(client)
    row = (await UserSession.select(UserSession.last_seen_at).where(UserSession.user == user_id))[0]
    assert utcnow() - row["last_seen_at"] < dt.timedelta(minutes=1)
    # Another 25 quiet minutes are fine again: the idle clock restarted.
    await UserSession.update({UserSession.last_seen_at: utcnow() - dt.timedelta(minutes=25)}).where(
        UserSession.user == user_id)
    assert await is_signed_in(client)


async def test_session_ends_after_the_absolute_limit_despite_activity(client):
    user_id = await _clerk()
    await sign_in(client, "clerk")
    await _age_sessions(user_id, idle=dt.timedelta(seconds=5), age=dt.timedelta(hours=12, minutes=1))
    response = await client.get("/account/password")
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")
    assert await UserSession.count() == 0
