"""A Singapore placement in the browser: the agency reports it, records an over-cap fee, the bureau sees both,
and a worker's family checks a suspended agency on the public verification page.

The browser is set to English (en-US), so the texts asserted are the English msgids; fields are found by id.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Page, expect

from export_mgmt.idnumber import make_number

from .helpers import sign_in, sign_out

pytestmark = pytest.mark.browser

ADMIN, ADMIN_PASSWORD = "admin", "Demo-admin-2026"  # export_mgmt.demo.DEMO_USERS
AGENCY, AGENCY_PASSWORD = "agency", "Demo-agency-2026"  # staff of 沈阳国际经济技术合作有限公司 (KR, JP, SG licence)
# Born 1995: 20–39 at any contract start this decade; not among the demo's workers (a fixed random draw).
WORKER_NUMBER = make_number("210103", dt.date(1995, 3, 8), 321)
WORKER_NAME = "狮城测试工"  # no demo name contains these characters
SUSPENDED_AGENCY, SUSPENDED_LICENCE = "新民市海外就业服务有限公司", "LNWL-2101-0007"
BUREAU_TZ = ZoneInfo("Asia/Shanghai")  # the server counts dates on the bureau's calendar day


def contract_dates() -> tuple[dt.date, dt.date]:
    """Two years from the first of next month: 24 months, the longest Singapore work permit."""
    today = dt.datetime.now(BUREAU_TZ).date()
    start = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    return start, start.replace(year=start.year + 2) - dt.timedelta(days=1)


async def test_singapore_placement_with_over_cap_fee(english_page: Page):
    page = english_page
    start, end = contract_dates()

    # The city bureau registers a new worker in the labour pool.
    await sign_in(page, ADMIN, ADMIN_PASSWORD)
    await page.goto("/workers/new")
    await page.locator("#f-id_number").fill(WORKER_NUMBER)
    await page.locator("#f-name").fill(WORKER_NAME)
    await page.locator("#f-phone").fill("13912345678")
    await page.locator("main form.form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/workers/\d+$"))
    await expect(page.locator("main h1")).to_contain_text(WORKER_NAME)
    await sign_out(page)

    # The agency reports a Singapore work-permit placement for them.
    await sign_in(page, AGENCY, AGENCY_PASSWORD)
    await page.goto("/placements/new")
    await expect(page.locator("main h1")).to_have_text("Report a placement")
    await page.locator("#f-worker_id_number").fill(WORKER_NUMBER)
    await page.locator("#f-destination_country").select_option("SG")
    await page.locator("#f-destination_city").fill("Singapore")
    await page.locator("#f-programme").select_option("sg_work_permit")
    singapore_employers = page.locator("#f-employer_id optgroup[label='Singapore'] option")
    await expect(singapore_employers.first).to_be_attached()
    employer_id = await singapore_employers.first.get_attribute("value")
    employer_name = (await singapore_employers.first.inner_text()).split(" · ")[0].strip()
    await page.locator("#f-employer_id").select_option(employer_id)
    await page.locator("#f-job_title").fill("Construction worker")
    await page.locator("#f-sector").select_option("construction")
    await page.locator("#f-contract_start").fill(start.isoformat())
    await page.locator("#f-contract_end").fill(end.isoformat())
    await page.locator("#f-wage_currency").select_option("SGD")
    await page.locator("#f-basic_wage").fill("1800")
    await page.locator("#f-gross_wage").fill("2200")
    await page.locator("input[name=accident_insurance]").check()
    await page.locator("main form.form button[type=submit]").click()

    await expect(page).to_have_url(re.compile(r"/placements/\d+$"))
    placement_path = re.search(r"/placements/\d+", page.url).group(0)
    await expect(page.locator("main h1")).to_contain_text(WORKER_NAME)
    await expect(page.locator("#placement-status")).to_have_text("Reported")
    await expect(page.locator("#id-number")).to_have_text(WORKER_NUMBER)
    await expect(page.locator("dl.record")).to_contain_text(employer_name)
    await expect(page.locator("#basic-wage")).to_contain_text("1,800.00")
    await expect(page.locator("#fee-ledger tbody tr.fee")).to_have_count(0)

    # Fees to the Singapore agency may not pass two months' basic salary (2 × 1,800 SGD): 4,000 is over the cap.
    fee_form = page.locator("#fee-form")
    await fee_form.locator("#f-payee").select_option("foreign_agency")
    await fee_form.locator("#f-purpose").select_option("service_fee")
    await fee_form.locator("#f-amount").fill("4000")
    await fee_form.locator("#f-currency").select_option("SGD")
    await fee_form.locator("button[type=submit]").click()

    await expect(page).to_have_url(re.compile(re.escape(placement_path) + r"(#fees)?$"))
    fees = page.locator("#fee-ledger tbody tr.fee")
    await expect(fees).to_have_count(1)
    fee = fees.first
    await expect(fee).to_have_class(re.compile(r"\bfee-over_cap\b"))
    await expect(fee).to_contain_text("4,000.00")
    await expect(fee).to_contain_text("An agency in the destination country")
    await expect(fee.locator("strong.flag.flag-over_cap")).to_have_text("Over the cap")
    await expect(fee.locator(".flag-reason")).to_have_text(
        "Singapore agencies may charge at most two months' salary in total.")
    await sign_out(page)

    # The bureau sees the new placement city-wide, with its flagged fee.
    await sign_in(page, ADMIN, ADMIN_PASSWORD)
    await page.goto("/placements/")
    await expect(page).to_have_url(re.compile(r"/placements/$"))
    row = page.locator("#placement-list tbody tr", has=page.locator(f"a[href='{placement_path}']"))
    await expect(row).to_have_count(1)
    await expect(row.locator("a")).to_have_text(WORKER_NAME)
    await expect(row).to_contain_text("Singapore")
    await expect(row.locator(".flagged-count")).to_have_text("1 flagged")

    await page.locator("main a[href='/placements/fees/flagged']").click()
    await expect(page).to_have_url(re.compile(r"/placements/fees/flagged$"))
    flagged = page.locator("#flagged-fees tbody tr", has=page.locator(f"a[href='{placement_path}#fees']"))
    await expect(flagged).to_have_count(1)
    await expect(flagged.locator("a")).to_have_text(WORKER_NAME)
    await expect(flagged).to_contain_text("沈阳国际经济技术合作有限公司")
    await expect(flagged).to_contain_text("4,000.00")
    await expect(flagged.locator("strong.flag.flag-over_cap")).to_have_text("Over the cap")
    await sign_out(page)

    # Anyone may check an agency before paying it: the Xinmin agency's licence is suspended.
    for query in ("新民市海外", SUSPENDED_LICENCE):
        await page.goto("/verify")
        await expect(page.locator("main h1")).to_have_text("Verify an agency licence")
        await page.locator("form[role=search] input[name=q]").fill(query)
        await page.locator("form[role=search] button[type=submit]").click()
        await expect(page).to_have_url(re.compile(r"/verify/?\?q="))
        agencies = page.locator("article.public-agency")
        await expect(agencies).to_have_count(1)
        await expect(agencies.locator("h2")).to_have_text(SUSPENDED_AGENCY)
        licence = agencies.locator(".public-licence", has=page.locator(f"a:text-is('{SUSPENDED_LICENCE}')"))
        await expect(licence).to_have_count(1)
        await expect(licence).to_have_class(re.compile(r"\blicence-suspended\b"))
        await expect(licence.locator(".public-status")).to_contain_text("SUSPENDED")
        await expect(page.locator(".nothing-found")).to_have_count(0)
