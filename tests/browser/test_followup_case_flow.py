"""A follow-up that finds unpaid wages, in the browser: the agency records it and raises it as an inspection case,
an inspector finds the case among the open ones, assigns two inspectors and then has it on their own worklist.

The browser is set to Chinese (the default); elements are found by ids, names, hrefs and values, and the few texts
asserted are looked up in the Chinese catalogue (falling back to the English msgid while it has no translation).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from export_mgmt.clock import BUREAU_TZ
from export_mgmt.demo import DEMO_USERS
from export_mgmt.i18n import CURRENCY_EXPONENT, load_catalog
from export_mgmt.settings import BASE_DIR

from .conftest import ARTIFACTS
from .helpers import sign_in, sign_out

pytestmark = pytest.mark.browser

USERS = {u.username: u for u in DEMO_USERS}
AGENCY, INSPECTOR, INSPECTOR2 = USERS["agency"], USERS["inspector"], USERS["inspector2"]
NOTE = "浏览器测试：雇主拖欠两个月工资，工人电话反映。"  # no demo follow-up carries this note
ZH = load_catalog(BASE_DIR / "locales", "zh_CN")


def zh(msgid: str) -> str:
    """What the Chinese page shows for an English msgid (the msgid itself until it is translated)."""
    return ZH.gettext(msgid)


def unpaid_amount(currency: str) -> tuple[str, str]:
    """The amount as typed (no grouping) and the digits the page must show, grouped, in that currency."""
    if CURRENCY_EXPONENT.get(currency, 2) == 0:  # won, yen
        return "3456789", "3,456,789"
    return "4321.50", "4,321.50"


async def test_unpaid_wages_follow_up_becomes_an_assigned_case(page: Page):
    today = dt.datetime.now(BUREAU_TZ).date()  # the server refuses a follow-up dated after the bureau's day

    # The agency opens its worklist: the demo left it overdue follow-ups, none raised as a case.
    await sign_in(page, AGENCY.username, AGENCY.password)
    await page.goto("/followups/")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    overdue = page.locator("#followup-list tbody tr.followup-late").filter(
        has_not=page.locator("span.tag"))  # the "case opened" tag
    await expect(overdue.first).to_be_visible()
    row = overdue.first
    worker_name = (await row.locator("td").nth(1).inner_text()).strip()
    assert worker_name
    await row.locator("a[href^='/followups/']").click()
    await expect(page).to_have_url(re.compile(r"/followups/\d+$"))
    followup_path = re.search(r"/followups/\d+", page.url).group(0)
    await expect(page.locator("main h1")).to_contain_text(worker_name)
    await expect(page.locator("#followup-status")).to_have_class(re.compile(r"\bstatus-fu-overdue\b"))
    await expect(page.locator("#case-link")).to_have_count(0)
    await expect(page.locator("#case-form")).to_have_count(0)

    # Record the phone call: reached, two months' wages unpaid, in the currency the form offers.
    form = page.locator("#record-form")
    await form.locator("#f-done_on").fill(today.isoformat())
    await form.locator("#f-method").select_option("phone")
    await form.locator("input[name=reached][value=yes]").check()
    await form.locator("#f-worker_status").select_option("wages_unpaid")
    await form.locator("#f-unpaid_months").fill("2")
    currency = await form.locator("#f-unpaid_currency").input_value()
    assert currency, "the record form offers no currency"
    typed, shown = unpaid_amount(currency)
    await form.locator("#f-unpaid_amount").fill(typed)
    await form.locator("#f-notes").fill(NOTE)
    await form.locator("button[type=submit]").click()

    await expect(page).to_have_url(re.compile(re.escape(followup_path) + r"$"))
    await expect(page.locator(".alert-error")).to_have_count(0)
    await expect(page.locator("#followup-status")).to_have_class(re.compile(r"\bstatus-fu-done\b"))
    findings = page.locator("#findings")
    await expect(findings.locator("#found-reached")).to_have_text(zh("Yes"))
    await expect(findings.locator("#found-status")).to_have_text(zh("Wages late or unpaid"))
    await expect(findings.locator("#found-amount")).to_contain_text(shown)
    await expect(findings).to_contain_text(NOTE)
    await expect(page.locator("#record-form")).to_have_count(0)  # recorded once; no second record
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "followup_recorded_page.png"), full_page=True)

    # One press raises it as a case, pre-filled from the follow-up.
    await page.locator("#case-form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    case_path = re.search(r"/cases/\d+", page.url).group(0)
    await expect(page.locator("#case-status")).to_have_class(re.compile(r"\bcase-status-opened\b"))
    await expect(page.locator("#case-status")).to_have_text(zh("Opened"))
    record = page.locator("#case-record")
    await expect(record.locator("#case-worker")).to_have_text(worker_name)
    await expect(record).to_contain_text(zh("Wages late or unpaid"))
    await expect(record.locator(".case-facts")).to_have_text(NOTE)
    await expect(record.locator("#amount-owed")).to_contain_text(shown)
    await expect(record.locator(f"a[href='{followup_path}']")).to_have_count(1)
    case_number = (await record.locator("dd.mono").inner_text()).strip()
    assert case_number
    await expect(page.locator("main h1")).to_contain_text(case_number)
    await expect(page.locator("#assign-form")).to_have_count(0)  # agency staff do not work cases

    # Back on the follow-up, the link to the case replaces the button.
    await page.goto(followup_path)
    await expect(page.locator("#case-link")).to_have_attribute("href", case_path)
    await expect(page.locator("#case-form")).to_have_count(0)
    await sign_out(page)

    # The inspector starts on their own cases: nobody is assigned yet, so it is not there.
    await sign_in(page, INSPECTOR.username, INSPECTOR.password)
    await page.goto("/cases/")
    await expect(page.locator("nav.case-tabs a[href='/cases/?mine=1']")).to_have_attribute("aria-current", "page")
    await expect(page.locator(f"#case-list a[href='{case_path}']")).to_have_count(0)

    # Among all open cases it is, with too few inspectors.
    await page.locator("nav.case-tabs a[href='/cases/?mine=0']").click()
    await expect(page).to_have_url(re.compile(r"/cases/?\?mine=0$"))
    await expect(page.locator("nav.case-tabs a[href='/cases/?mine=0']")).to_have_attribute("aria-current", "page")
    listed = page.locator("#case-list tbody tr", has=page.locator(f"a[href='{case_path}']"))
    await expect(listed).to_have_count(1)
    await expect(listed.locator(f"a[href='{case_path}']")).to_have_text(case_number)
    await expect(listed.locator("td.case-inspectors")).to_have_class(re.compile(r"\btoo-few\b"))

    # Assign both inspectors on the case page.
    await listed.locator(f"a[href='{case_path}']").click()
    await expect(page).to_have_url(re.compile(re.escape(case_path) + r"$"))
    await expect(page.locator("#too-few-inspectors")).to_be_visible()
    await page.locator("#assign-inspector_ids").select_option(
        label=[INSPECTOR.display_name, INSPECTOR2.display_name])
    await page.locator("#assign-form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(re.escape(case_path) + r"(#inspectors)?$"))
    await expect(page.locator(".alert-error")).to_have_count(0)
    assigned = page.locator("#assigned-inspectors li")
    await expect(assigned).to_have_count(2)
    # Each item is the name, then a small "since" date (one name is a prefix of the other: compare whole names).
    names = await assigned.evaluate_all("items => items.map(li => li.firstChild.textContent.trim())")
    assert sorted(names) == sorted([INSPECTOR.display_name, INSPECTOR2.display_name])
    await expect(page.locator("#too-few-inspectors")).to_have_count(0)

    await page.screenshot(path=str(ARTIFACTS / "followup_case_page.png"), full_page=True)

    # Now it is on the inspector's own worklist.
    await page.goto("/cases/")
    await page.locator("nav.case-tabs a[href='/cases/?mine=1']").click()
    await expect(page).to_have_url(re.compile(r"/cases/?\?mine=1$"))
    mine = page.locator("#case-list tbody tr", has=page.locator(f"a[href='{case_path}']"))
    await expect(mine).to_have_count(1)
    await expect(mine.locator(f"a[href='{case_path}']")).to_have_text(case_number)
    await expect(mine.locator("td.case-inspectors")).to_have_text("2")
    await expect(mine.locator("td.case-inspectors")).not_to_have_class(re.compile(r"\btoo-few\b"))
