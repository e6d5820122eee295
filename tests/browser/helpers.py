"""Steps several browser tests take (signing in and out through the real forms), and the Chromium they run in."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@asynccontextmanager
async def launched_chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, for as long as the block runs."""
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


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
