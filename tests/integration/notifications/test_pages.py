"""The notifications page: one's own messages only, newest first, opening, marking read; and users' e-mail."""

from __future__ import annotations

import json

import pytest

from export_mgmt.accounts.tables import AppUser
from export_mgmt.audit.tables import AuditLog
from export_mgmt.notifications.tables import Notification
from tests.conftest import create_user, login
from tests.integration.accounts.helpers import has_field_error, post_form, translated

PAGE = "/notifications/"
EXPIRED = "Licence %(number)s of %(agency)s has expired."


async def _notify(user_id: int, number: str, link: str = "/agencies/7", read: bool = False) -> int:
    params = json.dumps({"number": number, "agency": "沈阳劳务"}, ensure_ascii=False)
    rows = await Notification.insert(Notification(
        user=user_id, kind="licence_expired", key=f"licence-expired:{number}", params=params, link=link,
    )).returning(Notification.id)
    if read:
        await Notification.update({Notification.read_at: Notification.created_at}).where(
            Notification.id == rows[0]["id"])
    return rows[0]["id"]


def _text(number: str) -> str:
    return translated(EXPIRED, number=number, agency="沈阳劳务")


async def _is_read(notification_id: int) -> bool:
    row = await Notification.select(Notification.read_at).where(Notification.id == notification_id).first()
    return row["read_at"] is not None


async def _signed_in(client, username: str = "reader", role: str = "inspector") -> int:
    user_id = await create_user(username, role)
    assert (await login(client, username)).status_code in (302, 303)
    return user_id


def _badge(html: str) -> str | None:
    if '<span class="badge">' not in html:
        return None
    return html.split('<span class="badge">', 1)[1].split("</span>", 1)[0]


# ---- the list ----

async def test_signed_out_visitor_is_sent_to_login(client):
    response = await client.get(PAGE)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


async def test_reader_sees_only_own_notifications_newest_first(client):
    me = await _signed_in(client)
    someone = await create_user("someone", "supervisor")
    await _notify(me, "L-OLD", read=True)
    await _notify(someone, "L-THEIRS")
    await _notify(me, "L-NEW")
    response = await client.get(PAGE)
    assert response.status_code == 200
    html = response.text
    assert _text("L-OLD") in html and _text("L-NEW") in html
    assert _text("L-THEIRS") not in html
    assert html.index(_text("L-NEW")) < html.index(_text("L-OLD"))
    # The unread one stands out, and the badge counts it.
    rows = html.split('id="notifications"', 1)[1].split("<tr")
    unread_row = next(row for row in rows if _text("L-NEW") in row)
    read_row = next(row for row in rows if _text("L-OLD") in row)
    assert 'class="unread"' in unread_row and "<strong>" in unread_row and translated("New") in unread_row
    assert "<strong>" not in read_row and translated("New") not in read_row
    assert _badge(html) == "1"


async def test_show_unread_only(client):
    me = await _signed_in(client)
    await _notify(me, "L-READ", read=True)
    await _notify(me, "L-UNREAD")
    html = (await client.get(PAGE + "?unread=1")).text
    assert _text("L-UNREAD") in html and _text("L-READ") not in html
    assert 'name="unread" value="1" checked' in html


async def test_nothing_to_show(client):
    await _signed_in(client)
    assert translated("No notifications.") in (await client.get(PAGE)).text
    assert translated("No unread notifications.") in (await client.get(PAGE + "?unread=1")).text


# ---- opening and marking read ----

async def test_opening_marks_it_read_and_follows_its_link(client):
    me = await _signed_in(client)
    first = await _notify(me, "L-1", link="/agencies/42")
    second = await _notify(me, "L-2")
    response = await post_form(client, f"/notifications/{first}/open", {}, token_page=PAGE)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/agencies/42"
    assert await _is_read(first) and not await _is_read(second)
    html = (await client.get(PAGE)).text
    assert _badge(html) == "1"


async def test_opening_someone_elses_notification_does_nothing(client):
    await _signed_in(client)
    theirs = await _notify(await create_user("someone", "supervisor"), "L-THEIRS", link="/agencies/9")
    response = await post_form(client, f"/notifications/{theirs}/open", {}, token_page=PAGE)
    assert response.status_code in (302, 303)
    assert response.headers["location"].rstrip("/") == "/notifications"
    assert not await _is_read(theirs)


async def test_a_link_to_another_site_is_not_followed(client):
    me = await _signed_in(client)
    notification = await _notify(me, "L-1", link="//evil.example/phish")
    response = await post_form(client, f"/notifications/{notification}/open", {}, token_page=PAGE)
    assert response.headers["location"] == "/notifications/"


async def test_mark_all_read_touches_only_the_readers_own(client):
    me = await _signed_in(client)
    mine = [await _notify(me, "L-1"), await _notify(me, "L-2")]
    theirs = await _notify(await create_user("someone", "supervisor"), "L-3")
    assert _badge((await client.get(PAGE)).text) == "2"
    response = await post_form(client, "/notifications/read-all", {}, token_page=PAGE)
    assert response.status_code in (302, 303)
    assert [await _is_read(n) for n in mine] == [True, True]
    assert not await _is_read(theirs)
    html = (await client.get(PAGE)).text
    assert _badge(html) is None
    assert 'action="/notifications/read-all"' not in html  # nothing left to mark


@pytest.mark.parametrize("path", ["/notifications/{id}/open", "/notifications/read-all"])
async def test_posts_need_the_csrf_token(client, path):
    me = await _signed_in(client)
    notification = await _notify(me, "L-1")
    response = await post_form(client, path.format(id=notification), {})
    assert response.status_code == 403
    assert not await _is_read(notification)


# ---- the address notifications are e-mailed to (user administration) ----

def _user_form(**changes: str) -> dict[str, str]:
    return {"username": "zhang", "display_name": "张科员", "role": "inspector", "county_code": "", "agency_id": "",
            "password": "Brand-new-pass-456", "active": "on", "email": "zhang@rsj.shenyang.gov.cn", **changes}


async def test_admin_gives_a_new_user_an_email_address(admin_client):
    response = await post_form(admin_client, "/admin/users/new", _user_form(), token_page="/admin/users/new")
    assert response.status_code in (302, 303)
    user = await AppUser.select().where(AppUser.username == "zhang").first()
    assert user["email"] == "zhang@rsj.shenyang.gov.cn"
    created = await AuditLog.select().where((AuditLog.entity == "user") & (AuditLog.action == "created")).first()
    assert json.loads(created["changes"])["email"] == [None, "zhang@rsj.shenyang.gov.cn"]
    assert "zhang@rsj.shenyang.gov.cn" in (await admin_client.get("/admin/users/")).text
    assert 'value="zhang@rsj.shenyang.gov.cn"' in (await admin_client.get(response.headers["location"])).text


async def test_the_email_address_may_stay_empty(admin_client):
    response = await post_form(admin_client, "/admin/users/new", _user_form(email="  "), token_page="/admin/users/new")
    assert response.status_code in (302, 303)
    assert (await AppUser.select(AppUser.email).where(AppUser.username == "zhang").first())["email"] == ""


@pytest.mark.parametrize(("email", "message", "params"), [
    ("zhang-at-rsj", "Enter an e-mail address such as name@example.com.", {}),
    ("zhang@rsj", "Enter an e-mail address such as name@example.com.", {}),
    ("zhang wei@rsj.gov.cn", "Enter an e-mail address such as name@example.com.", {}),
    ("z" * 190 + "@rsj.gov.cn", "At most %(n)s characters.", {"n": 200}),
])
async def test_an_implausible_email_address_is_refused(admin_client, email, message, params):
    response = await post_form(admin_client, "/admin/users/new", _user_form(email=email),
                               token_page="/admin/users/new")
    assert response.status_code == 400
    assert has_field_error(response.text, "email")
    assert translated(message, **params) in response.text
    assert f'value="{email}"' in response.text
    assert not await AppUser.exists().where(AppUser.username == "zhang")


async def test_changing_the_email_address_is_audited(admin_client):
    user_id = await create_user("zhang", "inspector")
    path = f"/admin/users/{user_id}"
    form = _user_form(password="", email="new@rsj.gov.cn")
    response = await post_form(admin_client, path, form, token_page=path)
    assert response.status_code in (302, 303)
    assert (await AppUser.select(AppUser.email).where(AppUser.id == user_id).first())["email"] == "new@rsj.gov.cn"
    response = await post_form(admin_client, path, {**form, "email": "bad"}, token_page=path)
    assert response.status_code == 400 and has_field_error(response.text, "email")
    response = await post_form(admin_client, path, {**form, "email": ""}, token_page=path)
    assert (await AppUser.select(AppUser.email).where(AppUser.id == user_id).first())["email"] == ""
    changes = [json.loads(r["changes"]).get("email") for r in await AuditLog.select().where(
        (AuditLog.entity == "user") & (AuditLog.action == "updated")).order_by(AuditLog.id)]
    assert changes == [["", "new@rsj.gov.cn"], ["new@rsj.gov.cn", ""]]
