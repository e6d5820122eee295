"""A county clerk imports a register with some bad rows: sees the result, downloads the error report, imports
the valid rows and finds those workers in the labour pool."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from export_mgmt.idnumber import make_number
from tests.integration.workers.import_helpers import read_sheet, report_rows, workbook

pytestmark = pytest.mark.browser

CLERK, CLERK_PASSWORD = "clerk", "Demo-clerk-2026"  # export_mgmt.demo.DEMO_USERS: 辽中区 (210115)
GOOD = [(make_number("210115", dt.date(1961, 2, 3), 700 + i), f"导入测试{i}") for i in range(1, 4)]
_REAL = make_number("210115", dt.date(1961, 2, 3), 711)
BAD_CHECKSUM = _REAL[:17] + ("0" if _REAL[17] != "0" else "1")
ROWS = [
    [GOOD[0][0], GOOD[0][1], "初中"],
    [BAD_CHECKSUM, "错号码", ""],  # row 3: the check character does not match
    [GOOD[1][0], GOOD[1][1], "高中"],
    [make_number("210115", dt.date(1961, 2, 3), 712), "错学历", "博士后"],  # row 5: no such education
    [GOOD[2][0], GOOD[2][1], ""],
]


async def sign_in(page: Page) -> None:
    await page.goto("/login")
    await page.locator("#f-username").fill(CLERK)
    await page.locator("#f-password").fill(CLERK_PASSWORD)
    await page.locator("main form.form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"^[^?#]*//[^/]+/$"))


async def upload(page: Page, data: bytes, mode: str) -> None:
    await page.locator("#f-file").set_input_files(files=[{
        "name": "register.xlsx", "buffer": data,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    await page.locator(f"#mode-{mode}").check()
    await page.locator("#import-form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/workers/import/[A-Za-z0-9_-]{24}$"))
    # A long import shows a page that reloads itself; this one is short, but wait for the outcome either way.
    await expect(page.locator("#import-outcome")).to_be_visible(timeout=60_000)


async def downloaded(page: Page, selector: str) -> bytes:
    async with page.expect_download() as info:
        await page.locator(selector).click()
    download = await info.value
    return Path(await download.path()).read_bytes()


async def test_clerk_imports_a_register_with_bad_rows(english_page: Page):
    page = english_page
    await sign_in(page)
    await page.goto("/workers/")
    await page.locator("#import-link").click()
    await expect(page).to_have_url(re.compile(r"/workers/import/?$"))

    template = await downloaded(page, "#import-template")
    assert read_sheet(template)[0][:2] == ["Identity number *", "Name *"]

    data = workbook(ROWS, ["Identity number", "Name", "Education"])
    await upload(page, data, "all_or_nothing")
    await expect(page.locator("#import-outcome")).to_contain_text("Nothing was imported")
    await expect(page.locator("#count-refused")).to_have_text("2")
    await expect(page.locator("#import-errors tbody tr")).to_have_count(2)

    report = report_rows(await downloaded(page, "#import-report"))
    assert [(row, column) for row, _number, column, _message in report] == [(3, "Identity number"),
                                                                             (5, "Education")]
    assert "Allowed values" in report[1][3]

    await page.goto("/workers/import")
    await upload(page, data, "valid_rows")
    await expect(page.locator("#import-outcome")).to_contain_text("3 workers were imported")
    await expect(page.locator("#count-imported")).to_have_text("3")

    await page.locator("main a[href='/workers/']").first.click()
    await page.locator("form[role=search] input[name=q]").fill("导入测试")
    await page.locator("form[role=search] button[type=submit]").click()
    rows = page.locator("#worker-list tbody tr")
    await expect(rows).to_have_count(3)
    for _number, name in GOOD:
        await expect(page.locator("#worker-list")).to_contain_text(name)
