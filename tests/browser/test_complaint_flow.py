"""A wage complaint from the public form to its close, in the browser, in Chinese (the default language).

A worker files a complaint without an account and notes the tracking number and code from the receipt; an inspector
finds it on the worklist, accepts it, assigns two inspectors, starts the investigation, records the wages recovered
and closes it as paid; the worker, signed out, tracks it and reads the closed status and the outcome.

Elements are found by ids, names and values; the few texts asserted are looked up in the Chinese catalogue (falling
back to the English msgid while it has no translation).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from export_mgmt.clock import BUREAU_TZ
from export_mgmt.demo import DEMO_USERS
from export_mgmt.i18n import format_date, format_money, get_locale, load_catalog, set_locale
from export_mgmt.idnumber import make_number
from export_mgmt.settings import BASE_DIR

from .conftest import ARTIFACTS
from .helpers import sign_in, sign_out

pytestmark = pytest.mark.browser

USERS = {u.username: u for u in DEMO_USERS}
INSPECTOR, INSPECTOR2 = USERS["inspector"], USERS["inspector2"]
ZH = load_catalog(BASE_DIR / "locales", "zh_CN")
COMPLAINANT = "浏览器测试工人甲"  # no demo record carries these
RESPONDENT = "浏览器测试建筑劳务有限公司"
PHONE = "13912345678"
ID_NUMBER = make_number("210115", dt.date(1985, 4, 12), 317)
OWED = 18_000_00  # fen


def zh(msgid: str) -> str:
    """What the Chinese page shows for an English msgid (the msgid itself until it is translated)."""
    return ZH.gettext(msgid)


def in_chinese(fn, *args) -> str:
    before = get_locale()
    set_locale("zh_CN")
    try:
        return fn(*args)
    finally:
        set_locale(before)


async def test_a_worker_files_a_complaint_an_inspector_closes_it_and_the_worker_tracks_it(page: Page):
    today = dt.datetime.now(BUREAU_TZ).date()
    ARTIFACTS.mkdir(exist_ok=True)

    # ---- the worker, without an account, from the signed-out navigation ----
    await page.goto("/verify")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await page.locator("#nav-complaint").click()
    await expect(page).to_have_url(re.compile(r"/complaint/$"))
    await page.locator("#choose-file").click()
    await expect(page).to_have_url(re.compile(r"/complaint/file$"))

    form = page.locator("#complaint-form")
    await expect(form.locator("#f-kind-complaint")).to_be_checked()
    await form.locator("#f-complainant_name").fill(COMPLAINANT)
    await form.locator("#f-complainant_id_number").fill(ID_NUMBER)
    await form.locator("#f-complainant_phone").fill(PHONE)
    await form.locator("#f-relationship").select_option("self")
    await form.locator("#f-respondent_name").fill(RESPONDENT)
    await form.locator("#f-respondent_legal_rep").fill("刘经理")
    await form.locator("#f-work_place").select_option("210115")
    await form.locator("#f-work_location").fill("辽中区某安置小区工地")
    await form.locator("#f-arrears_from").fill((today - dt.timedelta(days=100)).isoformat())
    await form.locator("#f-arrears_to").fill((today - dt.timedelta(days=10)).isoformat())
    await form.locator("#f-worker_name_0").fill(COMPLAINANT)
    await form.locator("#f-worker_id_number_0").fill(ID_NUMBER)
    await form.locator("#f-worker_months_0").fill("3")
    await form.locator("#f-worker_currency_0").select_option("CNY")
    await form.locator("#f-worker_amount_0").fill("18000")
    await form.locator("#f-facts").fill("在工地做钢筋工三个月，老板一直拖欠工资，多次讨要未果。")
    await form.locator("#f-request").fill("请求责令用人单位支付拖欠的工资。")
    await page.screenshot(path=str(ARTIFACTS / "complaint_form_page.png"), full_page=True)
    await form.locator("#send-complaint").click()

    # The receipt, straight from the POST: the tracking number and the code, shown this once.
    await expect(page.locator("#receipt")).to_be_visible()
    await expect(page.locator(".alert-error")).to_have_count(0)
    tracking_no = (await page.locator("#tracking-no").inner_text()).strip()
    secret = (await page.locator("#secret").inner_text()).strip()
    assert re.fullmatch(r"TS\d{4}[0-9A-Z]{8}", tracking_no), tracking_no
    assert re.fullmatch(r"[0-9A-Z]{8}", secret), secret
    await expect(page.locator("#desk")).to_have_text("辽中区")
    decide_by = (await page.locator("#decide-by").inner_text()).strip()
    # A Chinese long date (年月日), unless the working-day calendar does not reach it yet.
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", decide_by) or decide_by == zh(
        "Not yet available: it will be shown when you track it."), decide_by
    await expect(page.locator("#print-receipt")).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "complaint_receipt_page.png"), full_page=True)

    # ---- the inspector finds it on the worklist and works it ----
    await sign_in(page, INSPECTOR.username, INSPECTOR.password)
    await page.goto("/complaints/?mine=0")
    listed = page.locator("#complaint-list tbody tr", has=page.locator(f"text={tracking_no}"))
    await expect(listed).to_have_count(1)
    await expect(listed).to_contain_text(RESPONDENT)
    await listed.locator("a[href^='/complaints/']").click()
    await expect(page).to_have_url(re.compile(r"/complaints/\d+$"))
    complaint_path = re.search(r"/complaints/\d+", page.url).group(0)
    await expect(page.locator("main h1")).to_contain_text(tracking_no)
    await expect(page.locator("#complaint-status")).to_have_text(zh("Received, awaiting decision"))

    await page.locator("#status-accepted-form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(re.escape(complaint_path) + r"(#status)?$"))
    await expect(page.locator(".alert-error:not(.calendar-missing)")).to_have_count(0)
    await expect(page.locator("#complaint-status")).to_have_text(zh("Accepted and filed"))

    await page.locator("#assign-inspector_ids").select_option(label=[INSPECTOR.display_name,
                                                                      INSPECTOR2.display_name])
    await page.locator("#assign-form button[type=submit]").click()
    await expect(page).to_have_url(re.compile(re.escape(complaint_path) + r"(#inspectors)?$"))
    assigned = page.locator("#assigned-inspectors li")
    await expect(assigned).to_have_count(2)
    names = await assigned.evaluate_all("items => items.map(li => li.firstChild.textContent.trim())")
    assert sorted(names) == sorted([INSPECTOR.display_name, INSPECTOR2.display_name])

    await page.locator("#status-investigating-form button[type=submit]").click()
    await expect(page.locator("#complaint-status")).to_have_text(zh("Under investigation"))

    recovery = page.locator("form[id^='recovery-form-']")
    await expect(recovery).to_have_count(1)
    await recovery.locator("input[name=amount]").fill("18000")
    await recovery.locator("button[type=submit]").click()
    await expect(page).to_have_url(re.compile(re.escape(complaint_path) + r"(#workers)?$"))
    await expect(page.locator("#worker-list")).to_contain_text(in_chinese(format_money, OWED, "CNY"))

    closing = page.locator("#status-closed-form")
    await closing.locator("select[name=outcome]").select_option("paid")
    await closing.locator("textarea[name=note]").fill("用人单位已全额支付拖欠工资。")
    await closing.locator("button[type=submit]").click()
    await expect(page.locator("#complaint-status")).to_have_text(zh("Closed"))
    await expect(page.locator("#outcome")).to_contain_text(zh("Wages paid in full"))
    await sign_out(page)

    # ---- the worker, signed out, tracks it with the tracking number and the code ----
    await page.goto("/complaint/")
    await page.locator("#choose-track").click()
    await expect(page).to_have_url(re.compile(r"/complaint/track$"))
    await page.locator("#f-tracking_no").fill(tracking_no)
    await page.locator("#f-code").fill(secret)
    await page.locator("#track-submit").click()

    view = page.locator("#tracking-view")
    await expect(view).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("#tracking-status")).to_have_text(zh("Closed"))
    await expect(page.locator("#outcome")).to_have_text(zh("Wages paid in full"))
    await expect(page.locator("#closed-on")).to_have_text(in_chinese(format_date, today, "long"))
    await expect(page.locator("#recovered")).to_have_text(in_chinese(format_money, OWED, "CNY"))
    await expect(view).to_contain_text(tracking_no)
    body = await page.locator("main").inner_text()
    for private in (COMPLAINANT, RESPONDENT, PHONE, ID_NUMBER, "刘经理"):
        assert private not in body, private
    assert tracking_no not in page.url and secret not in page.url  # sent in the body, not the address
    await page.screenshot(path=str(ARTIFACTS / "complaint_tracked_page.png"), full_page=True)
