"""Steps several browser tests take: signing in and out through the real forms."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect


async def sign_in(page: Page, username: str, password: str) -> None:
    await page.goto("/login")
    await page.locator("#f-username").fill(username)
    await page.locator("#f-password").fill(password)
    await page.locator("main form.form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"^[^?#]*//[^/]+/$"))
    await expect(page.locator("form[action='/logout']")).to_be_visible()


async def sign_out(page: Page) -> None:
    await page.locator("form[action='/logout'] button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    await expect(page.locator("form[action='/logout']")).to_have_count(0)
