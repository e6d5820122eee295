"""Interface language: Chinese by default, the browser's choice, and a remembered switch."""

from __future__ import annotations

import re

from export_mgmt.accounts.tables import AppUser
from tests.conftest import create_user
from tests.integration.accounts.helpers import browser, post_form, sign_in

ZH = '<html lang="zh-CN">'
EN = '<html lang="en">'


async def test_default_language_is_chinese(client):
    page = await client.get("/login")
    assert ZH in page.text


async def test_english_browser_gets_english(client):
    page = await client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert EN in page.text


async def test_browser_preference_order_is_respected(client):
    assert ZH in (await client.get("/login", headers={"Accept-Language": "fr, zh-CN;q=0.8, en;q=0.5"})).text
    assert EN in (await client.get("/login", headers={"Accept-Language": "fr, en;q=0.8, zh;q=0.5"})).text


async def test_language_switch_is_remembered_by_the_browser(client):
    response = await post_form(client, "/lang", {"locale": "en", "next": "/login"}, token_page="/login")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login"
    header = next(h for h in response.headers.get_list("set-cookie") if h.startswith("em_lang="))
    max_age = re.search(r"max-age=(\d+)", header, re.I)
    assert max_age and int(max_age.group(1)) >= 30 * 24 * 3600
    assert EN in (await client.get("/login")).text


async def test_chosen_language_beats_the_browser_header(client):
    await post_form(client, "/lang", {"locale": "zh_CN", "next": "/"}, token_page="/login")
    assert ZH in (await client.get("/login", headers={"Accept-Language": "en"})).text


async def test_unknown_language_changes_nothing(client):
    response = await post_form(client, "/lang", {"locale": "fr", "next": "/login"}, token_page="/login")
    assert response.status_code in (302, 303)
    assert "em_lang" not in response.cookies
    assert ZH in (await client.get("/login")).text


async def test_language_switch_never_redirects_off_site(client):
    response = await post_form(client, "/lang", {"locale": "en", "next": "//evil.example"}, token_page="/login")
    assert response.headers["location"] == "/"


async def test_signed_in_user_keeps_the_language_in_a_new_browser(clerk_client, app):
    await post_form(clerk_client, "/lang", {"locale": "en", "next": "/"}, token_page="/account/password")
    row = (await AppUser.select(AppUser.locale).where(AppUser.username == "clerk"))[0]
    assert row["locale"] == "en"
    assert EN in (await clerk_client.get("/account/password")).text
    async with browser(app) as new_browser:
        assert ZH in (await new_browser.get("/login")).text
        response = await sign_in(new_browser, "clerk")
        assert response.status_code in (302, 303)
        assert EN in (await new_browser.get("/account/password")).text


async def test_stored_language_applies_right_after_sign_in(client):
    await create_user("clerk", "county_clerk", county_code="210115", locale="en")
    await sign_in(client, "clerk")
    assert EN in (await client.get("/account/password")).text
