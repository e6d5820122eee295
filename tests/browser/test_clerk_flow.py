"""A county clerk's day in the browser: sign in, register a worker, find them, switch to English."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from export_mgmt.i18n import load_catalog
from export_mgmt.idnumber import make_number
from export_mgmt.settings import BASE_DIR

pytestmark = pytest.mark.browser

CLERK, CLERK_PASSWORD = "clerk", "Demo-clerk-2026"  # export_mgmt.demo.DEMO_USERS: 辽中区 (210115)
NEW_NUMBER = make_number("210115", dt.date(1988, 5, 17), 123)
NEW_NAME = "测试工人"
POOL = "Labour pool"  # an English msgid, shown in the top navigation


async def sign_in(page: Page) -> None:
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    await page.locator("#f-username").fill(CLERK)
    await page.locator("#f-password").fill(CLERK_PASSWORD)
    await page.locator("main form.form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"^[^?#]*//[^/]+/$"))
    await expect(page.locator("nav.mainnav a[href='/workers/']")).to_be_visible()


async def test_clerk_registers_finds_and_switches_language(page: Page):
    html, nav_pool = page.locator("html"), page.locator("nav.mainnav a[href='/workers/']")

    # A Chinese browser lands on the sign-in page, in Chinese.
    await page.goto("/")
    await expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    await expect(html).to_have_attribute("lang", "zh-CN")
    await sign_in(page)

    # Register from the start page.
    await page.locator("main a[href='/workers/new']").first.click()
    await expect(page).to_have_url(re.compile(r"/workers/new$"))
    await page.locator("#f-id_number").fill(NEW_NUMBER)
    await page.locator("#f-name").fill(NEW_NAME)
    await page.locator("#f-phone").fill("13812345678")
    towns = page.locator("#f-township_code option:not([value=''])")
    township = await towns.first.get_attribute("value") if await towns.count() else None
    if township:
        await page.locator("#f-township_code").select_option(township)
    await page.locator("main form.form button[type=submit]").click()

    # The new record, with the full identity number for the clerk who acts on it.
    await expect(page).to_have_url(re.compile(r"/workers/\d+$"))
    await expect(page.locator("main h1")).to_contain_text(NEW_NAME)
    await expect(page.locator("#id-number")).to_have_text(NEW_NUMBER)
    if township:
        await expect(page.locator("dl.record")).to_contain_text(f"({township})")

    # Find them in the labour pool.
    await nav_pool.click()
    await expect(page).to_have_url(re.compile(r"/workers/$"))
    await page.locator("form[role=search] input[name=q]").fill(NEW_NAME)
    await page.locator("form[role=search] button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"[?&]q="))
    rows = page.locator("#worker-list tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first.locator("a")).to_have_text(NEW_NAME)

    # Still Chinese; the English msgid appears only after switching.
    zh_pool = load_catalog(BASE_DIR / "locales", "zh_CN").gettext(POOL)
    assert zh_pool != POOL, "locales/zh_CN has no translation for 'Labour pool': the default UI is not Chinese"
    await expect(html).to_have_attribute("lang", "zh-CN")
    await expect(nav_pool).to_have_text(zh_pool)
    await expect(page.locator("main h1")).not_to_have_text(POOL)

    await page.locator("form.lang-switch button[value='en']").click()
    await expect(html).to_have_attribute("lang", "en")
    await expect(nav_pool).to_have_text(POOL)
    await expect(page.locator("main h1")).to_have_text(POOL)
    # The switch comes back to the same search (Litestar reports the path without its trailing slash).
    await expect(page).to_have_url(re.compile(r"/workers/?\?(.*&)?q=%E6%B5%8B"))
    await expect(rows.first.locator("a")).to_have_text(NEW_NAME)

    # Remembered on the next page load.
    await page.goto("/")
    await expect(html).to_have_attribute("lang", "en")
    await expect(nav_pool).to_have_text(POOL)
    await page.reload()
    await expect(html).to_have_attribute("lang", "en")


async def test_bad_identity_number_is_marked_and_typing_kept(page: Page):
    await sign_in(page)
    await page.goto("/workers/new")
    await page.locator("#f-id_number").fill("36042619910102009X")  # wrong check character
    await page.locator("#f-name").fill("错号工人")
    await page.locator("main form.form button[type=submit]").click()

    await expect(page).to_have_url(re.compile(r"/workers/new$"))
    field = page.locator(".field", has=page.locator("#f-id_number"))
    await expect(field).to_have_class(re.compile(r"\bhas-error\b"))
    await expect(field.locator("#id_number-error")).to_be_visible()
    await expect(field.locator("#id_number-error")).not_to_be_empty()
    await expect(page.locator("#f-id_number")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-id_number")).to_have_value("36042619910102009X")
    await expect(page.locator("#f-name")).to_have_value("错号工人")
    await expect(page.locator("#name-error")).to_have_count(0)
