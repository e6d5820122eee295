"""The complaint desk pages: the worklist, desk intake, the complaint page and its action forms, the backlog's
age and the blacklist candidates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from babel.dates import format_date

from export_mgmt.complaints import controllers
from export_mgmt.complaints.tables import Complaint, ComplaintDocument, ComplaintInspector, ComplaintWorker
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.workdays.calendar import CalendarNotCovered, WorkCalendar
from tests.conftest import csrf_from
from tests.integration.complaints.helpers_pages import (  # noqa: F401 (english is a fixture)
    HEPING,
    LIAOZHONG,
    PDF,
    add_employer,
    add_worker,
    assign,
    calendar_errors,
    complaint_row,
    day,
    dd,
    desk_error,
    english,
    enter_next_calendar_year,
    field_error,
    file_complaint,
    form_error,
    form_html,
    has_form,
    history,
    input_value,
    licensed_agency,
    listed,
    move,
    options,
    post_on_complaint,
    row_html,
    section,
    selected,
    sign_in,
    text_of,
    textarea_value,
    today,
    update,
    update_worker,
    user,
    version_of,
    worker,
    worker_rows,
)

pytestmark = pytest.mark.usefixtures("english")

TOO_FEW = "At least 2 inspectors must be assigned before the investigation starts."


def shown(d: dt.date) -> str:
    """A date as the English pages show it."""
    return format_date(d, format="medium", locale="en")


def redirected(response, to: str | None = None) -> None:
    assert response.status_code == 303, response.text
    if to is not None:
        assert response.headers["location"] == to


# ---- the worklist ---------------------------------------------------------------------------------------

async def test_an_inspectors_worklist_starts_on_their_complaints_the_most_pressing_deadline_first(client):
    boss = await user("boss", "admin")
    me = await sign_in(client, "li", "inspector")
    colleague = await user("wang", "inspector")
    later, soon, overdue, not_mine = [await file_complaint(respondent=f"公司{n}") for n in range(4)]
    undated = await file_complaint(respondent="公司未定")
    for filed in (later, soon, overdue, undated):
        await assign(boss, filed.id, me)
    await assign(boss, not_mine.id, colleague)
    for filed, offset in ((later, 4), (soon, 1), (overdue, -2), (not_mine, -10)):
        await update(filed.id, decide_by=today() + dt.timedelta(days=offset))
    await update(undated.id, decide_by=None)

    page = await client.get("/complaints/")
    assert page.status_code == 200
    assert listed(page.text) == [overdue.id, soon.id, later.id, undated.id]
    assert 'class="current" aria-current="page">My complaints' in page.text
    late = row_html(page.text, overdue.id)
    assert 'class="deadline overdue"' in late and "Overdue" in late
    assert shown(today() - dt.timedelta(days=2)) in late and "Decide whether to accept" in late
    assert "overdue" not in row_html(page.text, soon.id)
    assert "Not computed" in row_html(page.text, undated.id)
    first = text_of(row_html(page.text, later.id))
    assert later.tracking_no in first and "张三" in first and "公司0" in first and "CN¥15,000.00" in first
    assert "4 complaints found" in page.text
    assert 'href="/complaints/new"' in page.text and 'href="/complaints/ageing"' in page.text
    assert 'href="/complaints/blacklist"' in page.text

    everyone = await client.get("/complaints/?mine=0")
    assert listed(everyone.text) == [not_mine.id, overdue.id, soon.id, later.id, undated.id]
    late_ones = await client.get("/complaints/?mine=0&overdue=1")
    assert listed(late_ones.text) == [not_mine.id, overdue.id]
    assert 'class="current" aria-current="page">Overdue' in late_ones.text


async def test_the_worklist_filters_by_status_desk_kind_and_tracking_number(client):
    me = await sign_in(client, "li", "inspector")
    ours = await file_complaint()
    city = await file_complaint(work_place="OUTSIDE")
    report = await file_complaint(kind="report", work_place=HEPING)
    ended = await file_complaint()
    await move(me, ended.id, "rejected", reject_reason="labour_dispute", note="请向劳动仲裁委员会申请仲裁。")

    assert listed((await client.get("/complaints/")).text) == []  # nobody assigned me yet
    assert sorted(listed((await client.get("/complaints/?mine=0")).text)) == [ours.id, city.id, report.id]
    assert sorted(listed((await client.get("/complaints/?mine=0&status=all")).text)) == [
        ours.id, city.id, report.id, ended.id]
    assert listed((await client.get("/complaints/?mine=0&status=rejected")).text) == [ended.id]
    by_desk = await client.get(f"/complaints/?mine=0&route={LIAOZHONG}")
    assert listed(by_desk.text) == [ours.id]
    assert f'<option value="{LIAOZHONG}" selected>' in by_desk.text  # the filter stays chosen
    assert options(by_desk.text, "filter-route")[:2] == ["CITY", "OVERSEAS"] and "辽中区" in by_desk.text
    assert listed((await client.get("/complaints/?mine=0&route=CITY")).text) == [city.id]
    assert listed((await client.get("/complaints/?mine=0&kind=report")).text) == [report.id]
    # A tracking number as read over the telephone: any case, with spaces; found whatever the tab.
    typed = " ".join([ended.tracking_no[:6].lower(), ended.tracking_no[6:]])
    assert listed((await client.get("/complaints/", params={"mine": "1", "q": typed})).text) == [ended.id]


# ---- receiving a complaint at the desk ------------------------------------------------------------------

def _desk_form(**fields) -> dict:
    form = {"kind": "complaint", "channel": "walk_in", "oral_confirmed": "on", "complainant_name": "王五",
            "complainant_id_number": "", "complainant_phone": "13700001111", "relationship": "self",
            "respondent_name": "沈阳宏达建筑有限公司", "work_place": LIAOZHONG, "arrears_from": day(-150),
            "arrears_to": day(-20), "facts": "在工地干了五个月，最后三个月工资没发。", "request": "要求支付工资。",
            "worker_rows": "3", "worker_name_0": "王五", "worker_id_number_0": "", "worker_months_0": "3",
            "worker_currency_0": "CNY", "worker_amount_0": "18,000.00", "employer_id": "", "agency_id": "",
            "placement_id": ""}
    form.update(fields)
    return form


async def test_an_inspector_receives_a_walk_in_complaint_and_gives_the_receipt(client):
    await sign_in(client, "li", "inspector")
    pool_id, number = await add_worker("王五", county_code=LIAOZHONG)
    agency_id = await licensed_agency("辽中海外劳务")
    form = await client.get("/complaints/new")
    assert form.status_code == 200
    assert options(form.text, "f-channel") == ["online", "walk_in", "phone", "letter"]
    assert selected(form.text, "f-channel") == ["walk_in"]
    assert str(agency_id) in options(form.text, "f-agency_id")
    assert 'id="f-oral_confirmed"' in form.text and 'id="f-placement_id"' in form.text
    assert form.text.count('class="worker-row"') == 3

    response = await client.post("/complaints/new", data={
        **_desk_form(complainant_id_number=number, worker_id_number_0=number, agency_id=str(agency_id),
                     document_kind_1="pay_slips"),
        "csrf_token": csrf_from(form.text)}, files={"document_1": ("工资条.pdf", PDF, "application/pdf")})
    assert response.status_code == 200, response.text
    assert "no-store" in response.headers["cache-control"]
    row = await Complaint.select().first()
    assert row["tracking_no"] in dd(response.text, "tracking-no")
    secret = dd(response.text, "secret")
    assert re.fullmatch(r"[0-9A-Z]{8}", secret) and secret not in row["secret_hash"]
    assert dd(response.text, "desk") == "辽中区"
    assert dd(response.text, "decide-by") == shown(row["decide_by"])
    assert f'href="/complaints/{row["id"]}"' in response.text
    assert (row["channel"], row["oral_confirmed"], row["created_by"], row["route"], row["agency"]) == (
        "walk_in", True, "li", LIAOZHONG, agency_id)
    workers = await worker_rows(row["id"])
    assert [(w["name"], w["worker"], w["amount_owed"]) for w in workers] == [("王五", pool_id, 1_800_000)]
    assert (await ComplaintDocument.select().first())["kind"] == "pay_slips"

    page = await client.get(f"/complaints/{row['id']}")
    assert f'<a href="/workers/{pool_id}">王五</a>' in page.text  # linked to the labour pool
    assert "At the desk" in page.text and "read back and confirmed" in page.text
    assert "工资条.pdf" in section(page.text, "evidence") and "Pay slips or bank statements" in page.text
    assert row["tracking_no"] in history(page.text)  # the receipt is in the history
    # The secret is shown once: the complaint page never has it.
    assert secret not in page.text


async def test_desk_intake_with_errors_shows_the_form_again_and_files_nothing(client):
    await sign_in(client, "li", "inspector")
    form = await client.get("/complaints/new")
    typed = _desk_form(oral_confirmed="", worker_amount_0="18,000.505", facts="", worker_name_1="李六",
                       worker_amount_1="3000")
    response = await client.post("/complaints/new", data={**typed, "csrf_token": csrf_from(form.text)})
    assert response.status_code == 400
    assert desk_error(response.text, "oral_confirmed").startswith("Read the record back to the complainant")
    assert desk_error(response.text, "worker_amount_0").startswith("Enter an amount such as 1,234.50")
    assert desk_error(response.text, "facts")
    assert 'value="18,000.505"' in response.text and 'value="李六"' in response.text
    assert "Nothing was filed" in response.text
    assert await Complaint.count() == 0 and await ComplaintWorker.count() == 0

    # "Add another worker" shows one more row and files nothing, even with every field right.
    response = await client.post("/complaints/new", data={
        **_desk_form(), "add_row": "1", "csrf_token": csrf_from(response.text)})
    assert response.status_code == 200
    assert response.text.count('class="worker-row"') == 4
    assert 'name="worker_rows" value="4"' in response.text and 'value="王五"' in response.text
    assert await Complaint.count() == 0

    # A file that is not a PDF, PNG or JPEG is refused with everything else.
    response = await client.post("/complaints/new", data={**_desk_form(), "csrf_token": csrf_from(response.text)},
                                 files={"document_1": ("notes.txt", b"plain text", "text/plain")})
    assert response.status_code == 400
    assert desk_error(response.text, "documents") == "Only PDF, PNG and JPEG files can be uploaded."
    assert await Complaint.count() == 0


async def test_only_inspectors_and_administrators_receive_complaints_at_the_desk(client):
    await sign_in(client, "head", "supervisor")
    assert (await client.get("/complaints/new")).status_code == 403
    page = await client.get("/complaints/")
    assert 'href="/complaints/new"' not in page.text
    response = await client.post("/complaints/new", data={**_desk_form(), "csrf_token": csrf_from(page.text)})
    assert response.status_code == 403 and await Complaint.count() == 0


# ---- the complaint page ---------------------------------------------------------------------------------

async def test_the_page_shouts_when_the_working_day_calendar_lacks_the_investigation_deadline(client,
                                                                                               other_client):
    await sign_in(client, "boss", "admin")
    me = await sign_in(other_client, "li", "inspector")
    filed = await file_complaint()
    page = await other_client.get(f"/complaints/{filed.id}")
    assert calendar_errors(page.text) == []
    assert shown((await complaint_row(filed.id))["decide_by"]) in dd(page.text, "decide-by")

    response = await post_on_complaint(other_client, filed.id, "status", {
        "status": "accepted", "version": str(await version_of(filed.id))})
    redirected(response, f"/complaints/{filed.id}#status")
    row = await complaint_row(filed.id)
    assert (row["status"], row["decided_on"], row["investigate_by"]) == ("accepted", today(), None)
    with pytest.raises(CalendarNotCovered) as missing:  # 60 working days from late November
        WorkCalendar().add_working_days(today(), 60)
    year = missing.value.year
    message = (f"Statutory deadline cannot be computed: the working-day calendar for {year} has not been "
               f"entered.")
    inspector_page = await other_client.get(f"/complaints/{filed.id}")
    [box] = calendar_errors(inspector_page.text)
    assert message in box and 'href="/admin/calendar/"' not in box
    assert "Not computed" in dd(inspector_page.text, "investigate-by")
    [box] = calendar_errors((await client.get(f"/complaints/{filed.id}")).text)
    assert message in box and 'href="/admin/calendar/"' in box  # administrators can enter it

    # With the calendar entered, the next complaint accepted gets its deadline at once.
    await enter_next_calendar_year()
    other = await file_complaint()
    await move(me, other.id, "accepted")
    page = await other_client.get(f"/complaints/{other.id}")
    assert calendar_errors(page.text) == []
    due = (await complaint_row(other.id))["investigate_by"]
    assert due is not None and shown(due) in dd(page.text, "investigate-by")
    assert "Finish the investigation" in dd(page.text, "next-deadline")


async def test_a_complaint_older_than_two_years_cannot_be_accepted_and_is_refused_with_that_reason(client):
    await sign_in(client, "li", "inspector")
    old = await file_complaint(arrears_from=day(-1200), arrears_to=day(-800))
    page = await client.get(f"/complaints/{old.id}")
    assert 'id="too-old"' in page.text and "more than two years" in page.text
    assert options(page.text, "rejected-reject_reason") == ["too_old", "not_jurisdiction", "labour_dispute"]

    response = await post_on_complaint(client, old.id, "status", {
        "status": "accepted", "version": str(await version_of(old.id))})
    assert response.status_code == 400
    assert field_error(form_html(response.text, "status-accepted-form"), "accepted", "status").startswith(
        "The arrears ended more than two years before the complaint was received")
    assert (await complaint_row(old.id))["status"] == "received"

    refusal = {"status": "rejected", "version": str(await version_of(old.id)), "reject_reason": "too_old",
               "note": ""}
    response = await post_on_complaint(client, old.id, "status", refusal)
    assert response.status_code == 400
    assert field_error(response.text, "rejected", "note") == "Tell the complainant why, and where to turn instead."
    assert selected(response.text, "rejected-reject_reason") == ["too_old"]
    assert form_error(form_html(response.text, "status-accepted-form")) is None  # only its own form is marked
    response = await post_on_complaint(client, old.id, "status", {**refusal, "note": "已超过两年投诉时效。"})
    redirected(response)
    page = await client.get(f"/complaints/{old.id}")
    assert "Not accepted" in text_of(page.text.split('id="complaint-status">')[1].split("</span>")[0])
    assert "The violation ended more than two years before the complaint" in dd(page.text, "reject-reason")
    assert "已超过两年投诉时效。" in page.text
    assert not has_form(page.text, "status-accepted-form") and "This complaint has ended" in page.text


async def test_a_supplement_is_requested_and_the_five_days_start_again_when_it_arrives(client):
    await sign_in(client, "li", "inspector")
    filed = await file_complaint()
    await update(filed.id, received_on=today() - dt.timedelta(days=3))
    response = await post_on_complaint(client, filed.id, "status", {
        "status": "supplement_requested", "version": str(await version_of(filed.id)), "note": ""})
    assert response.status_code == 400
    assert field_error(response.text, "supplement_requested", "note") == "Say what the complainant must supplement."
    response = await post_on_complaint(client, filed.id, "status", {
        "status": "supplement_requested", "version": str(await version_of(filed.id)), "note": "请补充劳动合同。"})
    redirected(response)
    page = await client.get(f"/complaints/{filed.id}")
    assert has_form(page.text, "status-received-form") and not has_form(page.text, "status-accepted-form")
    assert "请补充劳动合同。" in dd(page.text, "decision-note")
    response = await post_on_complaint(client, filed.id, "status", {
        "status": "received", "version": str(await version_of(filed.id))})
    redirected(response)
    row = await complaint_row(filed.id)
    assert (row["status"], row["received_on"]) == ("received", today()) and row["decide_by"] > today()


async def test_an_investigation_is_started_ordered_recovered_and_closed_through_the_page(client):
    await enter_next_calendar_year()
    me = await sign_in(client, "li", "inspector")
    colleague = await user("wang", "inspector")
    filed = await file_complaint(workers=[worker("张三", 1_500_000), worker("李四", 800_000)])
    await move(me, filed.id, "accepted")

    page = await client.get(f"/complaints/{filed.id}")
    assert 'id="too-few-inspectors"' in page.text
    response = await post_on_complaint(client, filed.id, "take", {})
    redirected(response, f"/complaints/{filed.id}#inspectors")
    page = await client.get(f"/complaints/{filed.id}")
    assert "Li" in text_of(section(page.text, "inspectors")) and not has_form(page.text, "take-form")
    assert options(page.text, "assign-inspector_ids") == [str(colleague.id)]  # the assigned one is not offered

    response = await post_on_complaint(client, filed.id, "status", {
        "status": "investigating", "version": str(await version_of(filed.id))})
    assert response.status_code == 400
    assert form_error(form_html(response.text, "status-investigating-form")) == TOO_FEW
    assert form_error(form_html(response.text, "status-closed-form")) is None
    assert (await complaint_row(filed.id))["status"] == "accepted"

    response = await post_on_complaint(client, filed.id, "assign", {"inspector_ids": []})
    assert response.status_code == 400
    assert field_error(response.text, "assign", "inspector_ids") == "Choose one or more of the listed inspectors."
    redirected(await post_on_complaint(client, filed.id, "assign", {"inspector_ids": [str(colleague.id)]}))
    assert await ComplaintInspector.count() == 2
    redirected(await post_on_complaint(client, filed.id, "status", {
        "status": "investigating", "version": str(await version_of(filed.id))}))

    zhang, li = await worker_rows(filed.id)
    page = await client.get(f"/complaints/{filed.id}")
    prefix = "rectification_ordered"
    assert input_value(page.text, prefix, f"ordered_{zhang['id']}") == "15000.00"  # the claim, to start from
    order = {"status": prefix, "version": str(await version_of(filed.id)), "rectify_by": day(0),
             f"ordered_{zhang['id']}": "15,000.00", f"ordered_{li['id']}": "8,000.5x", "note": ""}
    response = await post_on_complaint(client, filed.id, "status", order)
    assert response.status_code == 400
    assert field_error(response.text, prefix, f"ordered_{li['id']}").startswith("Enter an amount such as")
    assert input_value(response.text, prefix, f"ordered_{li['id']}") == "8,000.5x"
    response = await post_on_complaint(client, filed.id, "status", {**order, f"ordered_{li['id']}": "8,000"})
    assert response.status_code == 400
    assert field_error(response.text, prefix, "rectify_by") == "The deadline must be after today."
    redirected(await post_on_complaint(client, filed.id, "status", {
        **order, f"ordered_{li['id']}": "8,000", "rectify_by": day(14)}))
    row = await complaint_row(filed.id)
    assert (row["status"], row["rectify_by"], row["orders"]) == ("rectification_ordered", today() + dt.timedelta(
        days=14), 1)
    assert [w["amount_ordered"] for w in await worker_rows(filed.id)] == [1_500_000, 800_000]
    page = await client.get(f"/complaints/{filed.id}")
    assert shown(today() + dt.timedelta(days=14)) in dd(page.text, "rectify-by")
    assert "CN¥15,000.00" in text_of(section(page.text, "workers"))

    close = {"status": "closed", "version": str(await version_of(filed.id)), "outcome": "", "note": "已结案",
             "penalty": ""}
    response = await post_on_complaint(client, filed.id, "status", close)
    assert response.status_code == 400
    assert field_error(response.text, "closed", "outcome") == "Choose the outcome."
    assert textarea_value(response.text, "closed", "note") == "已结案"

    response = await post_on_complaint(client, filed.id, "recovery", {
        "complaint_worker_id": str(zhang["id"]), "version": str(await version_of(filed.id)), "amount": "",
        "fx_date": day(0)})
    assert response.status_code == 400
    assert field_error(response.text, f"recovery{zhang['id']}", "amount") == "Enter the amount recovered."
    for w, amount in ((zhang, "15,000"), (li, "8000.00")):
        redirected(await post_on_complaint(client, filed.id, "recovery", {
            "complaint_worker_id": str(w["id"]), "version": str(await version_of(filed.id)), "amount": amount,
            "fx_date": day(0)}))
    assert [(w["amount_recovered"], w["recovered_cny"]) for w in await worker_rows(filed.id)] == [
        (1_500_000, 1_500_000), (800_000, 800_000)]

    response = await post_on_complaint(client, filed.id, "status", {**close, "outcome": "paid",
                                                                     "version": str(await version_of(filed.id))})
    redirected(response)
    page = await client.get(f"/complaints/{filed.id}")
    assert "Wages paid in full" in dd(page.text, "outcome") and "已结案" in dd(page.text, "outcome")
    assert not any(has_form(page.text, f"status-{s}-form") for s in ("closed", "transferred", "payment_ordered"))
    assert "This complaint has ended" in page.text
    assert "Status changed" in history(page.text) and "Inspectors assigned" in history(page.text)


async def test_a_payment_order_the_police_thresholds_and_a_recovery_in_won(client):
    await enter_next_calendar_year()
    me = await sign_in(client, "li", "inspector")
    filed = await file_complaint(work_place="ABROAD", work_country="KR",
                                 workers=[worker("金外派", 4_000_000, "KRW")])
    await move(me, filed.id, "accepted")
    await update(filed.id, status="rectification_ordered", rectify_by=today() - dt.timedelta(days=1), orders=1)
    [kim] = await worker_rows(filed.id)

    page = await client.get(f"/complaints/{filed.id}")
    guidance = text_of(page.text.split('id="police-guidance">')[1].split("</div>")[0])
    assert "CN¥10,000.00 owed to one worker" in guidance and "CN¥50,000.00 in all owed to 10 or more" in guidance
    assert "Still owed here: CN¥20,800.00" in guidance and "The thresholds are reached." in guidance
    assert 'class="deadline overdue"' in page.text.split('id="rectify-by">')[1].split("</dd>")[0]

    payment = {"status": "payment_ordered", "version": str(await version_of(filed.id)), "rectify_by": day(10),
               "compensation_percent": "40", f"ordered_{kim['id']}": "4,000,000", "note": ""}
    response = await post_on_complaint(client, filed.id, "status", payment)
    assert response.status_code == 400
    assert field_error(response.text, "payment_ordered", "compensation_percent") == (
        "The additional compensation is 50 to 100 percent of the wages owed.")
    redirected(await post_on_complaint(client, filed.id, "status", {**payment, "compensation_percent": "50"}))
    row = await complaint_row(filed.id)
    assert (row["status"], row["compensation_percent"], row["orders"]) == ("payment_ordered", 50, 2)

    recovery = {"complaint_worker_id": str(kim["id"]), "version": str(await version_of(filed.id)),
                "amount": "1,000,000", "fx_rate": "", "fx_date": day(-1)}
    response = await post_on_complaint(client, filed.id, "recovery", recovery)
    assert response.status_code == 400
    assert field_error(response.text, f"recovery{kim['id']}", "fx_rate").startswith("Enter the CNY value of one")
    assert form_error(form_html(response.text, f"recovery-form-{kim['id']}")) == "Please correct the marked fields."
    redirected(await post_on_complaint(client, filed.id, "recovery", {**recovery, "fx_rate": "0.0052"}))
    [kim] = await worker_rows(filed.id)
    assert (kim["amount_recovered"], kim["recovered_cny"], kim["fx_rate"], kim["fx_date"]) == (
        1_000_000, 520_000, "0.0052", today() - dt.timedelta(days=1))
    page = await client.get(f"/complaints/{filed.id}")
    workers = text_of(section(page.text, "workers"))
    assert "₩1,000,000" in workers and "CN¥5,200.00" in workers and "0.0052" in workers

    response = await post_on_complaint(client, filed.id, "status", {
        "status": "transferred", "version": str(await version_of(filed.id)), "note": ""})
    assert response.status_code == 400
    assert field_error(response.text, "transferred", "note").startswith("Record the transfer")
    redirected(await post_on_complaint(client, filed.id, "status", {
        "status": "transferred", "version": str(await version_of(filed.id)), "note": "沈阳市公安局 沈公刑〔2026〕8号"}))
    assert (await complaint_row(filed.id))["status"] == "transferred"


async def test_the_desk_is_changed_with_a_reason(client):
    await sign_in(client, "li", "inspector")
    filed = await file_complaint()
    page = await client.get(f"/complaints/{filed.id}")
    assert selected(page.text, "route-route") == [LIAOZHONG]
    response = await post_on_complaint(client, filed.id, "route", {
        "route": LIAOZHONG, "reason": "", "version": str(await version_of(filed.id))})
    assert response.status_code == 400
    assert field_error(response.text, "route", "route") == "The complaint is already with this desk."
    assert field_error(response.text, "route", "reason")
    redirected(await post_on_complaint(client, filed.id, "route", {
        "route": HEPING, "reason": "用工单位在和平区", "version": str(await version_of(filed.id))}))
    assert (await complaint_row(filed.id))["route"] == HEPING
    page = await client.get(f"/complaints/{filed.id}")
    assert text_of(page.text.split('id="current-route">')[1].split("</p>")[0]) == "和平区"
    assert "用工单位在和平区" in history(page.text)


async def test_a_supervisor_extends_the_investigation_once(client, other_client):
    await enter_next_calendar_year()
    me = await sign_in(client, "li", "inspector")
    await sign_in(other_client, "head", "supervisor")
    filed = await file_complaint()
    await move(me, filed.id, "accepted")
    before = (await complaint_row(filed.id))["investigate_by"]

    assert not has_form((await client.get(f"/complaints/{filed.id}")).text, "extend-form")
    response = await post_on_complaint(client, filed.id, "extend", {"version": str(await version_of(filed.id))})
    assert response.status_code == 403
    page = await other_client.get(f"/complaints/{filed.id}")
    assert has_form(page.text, "extend-form") and not has_form(page.text, "status-accepted-form")
    response = await post_on_complaint(other_client, filed.id, "extend", {"version": "0"})
    assert response.status_code == 400
    assert form_error(form_html(response.text, "extend-form")).startswith("Someone else changed this complaint")
    redirected(await post_on_complaint(other_client, filed.id, "extend", {
        "version": str(await version_of(filed.id))}))
    row = await complaint_row(filed.id)
    assert row["extended"] is True and row["investigate_by"] > before
    page = await other_client.get(f"/complaints/{filed.id}")
    assert "extended by 30 working days" in page.text and not has_form(page.text, "extend-form")
    assert "Deadline extended" in history(page.text)


async def test_a_serious_incident_is_recorded_and_removed(client):
    await sign_in(client, "li", "inspector")
    filed = await file_complaint()
    redirected(await post_on_complaint(client, filed.id, "incident", {
        "serious": "1", "version": str(await version_of(filed.id))}))
    assert (await complaint_row(filed.id))["serious_incident"] is True
    page = await client.get(f"/complaints/{filed.id}")
    assert 'id="incident-note"' in page.text and "Remove the serious incident" in page.text
    redirected(await post_on_complaint(client, filed.id, "incident", {
        "serious": "0", "version": str(await version_of(filed.id))}))
    assert (await complaint_row(filed.id))["serious_incident"] is False


async def test_an_accepted_complaint_opens_an_inspection_case_and_another_joins_it(client):
    await enter_next_calendar_year()
    me = await sign_in(client, "li", "inspector")
    employer_id = await add_employer("CN", name="沈阳宏达建筑有限公司")
    first = await file_complaint(employer_id=employer_id, actor=me)
    second = await file_complaint(employer_id=employer_id, actor=me)
    elsewhere = await file_complaint(actor=me, respondent="另一家公司")
    page = await client.get(f"/complaints/{first.id}")
    assert not has_form(page.text, "case-form")  # not accepted yet
    for filed in (first, second, elsewhere):
        await move(me, filed.id, "accepted")

    response = await post_on_complaint(client, first.id, "case", {})
    assert response.status_code == 303
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    case = await InspectionCase.select().where(InspectionCase.id == case_id).first()
    assert (case["employer"], case["source"], case["amount_owed"]) == (employer_id, "complaint", 1_500_000)
    page = await client.get(f"/complaints/{first.id}")
    number = f"{case['opened_on'].year}-{case_id:05d}"
    assert f'<a href="/cases/{case_id}">Case {number}</a>' in page.text
    assert not has_form(page.text, "case-form") and not has_form(page.text, "join-form")

    response = await post_on_complaint(client, second.id, "join", {"case_id": "no"})
    assert response.status_code == 400
    assert field_error(response.text, "join", "case_id").startswith("Enter the number of an open inspection case")
    assert input_value(response.text, "join", "case_id") == "no"
    response = await post_on_complaint(client, elsewhere.id, "join", {"case_id": number})
    assert response.status_code == 400
    assert field_error(response.text, "join", "case_id") == "That case is against another employer or agency."
    redirected(await post_on_complaint(client, second.id, "join", {"case_id": number}),
               f"/complaints/{second.id}#case")
    assert (await complaint_row(second.id))["inspection_case"] == case_id


async def test_a_form_sent_from_a_stale_page_changes_nothing(client, other_client):
    me = await sign_in(client, "li", "inspector")
    colleague = await sign_in(other_client, "wang", "inspector")
    filed = await file_complaint()
    page = await client.get(f"/complaints/{filed.id}")
    seen = await version_of(filed.id)

    # An expired CSRF token (the session was renewed, say): the form comes back as typed, nothing done.
    response = await client.post(f"/complaints/{filed.id}/status", data={
        "status": "rejected", "version": str(seen), "reject_reason": "labour_dispute", "note": "请申请仲裁",
        "csrf_token": "0" * 64})
    assert response.status_code == 400
    fragment = form_html(response.text, "status-rejected-form")
    assert form_error(fragment) == "This form had expired, so nothing was done. Please send it again."
    assert textarea_value(response.text, "rejected", "note") == "请申请仲裁"
    assert (await complaint_row(filed.id))["status"] == "received"

    await move(colleague, filed.id, "supplement_requested", note="请补充材料")
    response = await client.post(f"/complaints/{filed.id}/status", data={
        "status": "accepted", "version": str(seen), "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400
    assert "Someone else changed this complaint" in text_of(response.text.split('id="status-error"')[1])
    assert (await complaint_row(filed.id))["status"] == "supplement_requested"
    assert me.id  # the inspector who saw the old page


async def test_evidence_is_uploaded_and_downloaded_only_as_pdf_png_or_jpeg(client):
    await sign_in(client, "li", "inspector")
    filed = await file_complaint()
    page = await client.get(f"/complaints/{filed.id}")
    assert "No evidence uploaded." in section(page.text, "evidence")
    assert selected(page.text, "documents-kind") == ["other"]

    response = await post_on_complaint(client, filed.id, "documents", {"kind": "contract"},
                                       files={"document": ("合同.txt", b"not a pdf", "text/plain")})
    assert response.status_code == 400
    assert field_error(response.text, "documents", "document") == "Only PDF, PNG and JPEG files can be uploaded."
    assert selected(response.text, "documents-kind") == ["contract"]
    assert await ComplaintDocument.count() == 0

    response = await post_on_complaint(client, filed.id, "documents", {"kind": "contract"},
                                       files={"document": ("劳动合同.pdf", PDF, "application/pdf")})
    redirected(response, f"/complaints/{filed.id}#evidence")
    doc = await ComplaintDocument.select().first()
    page = await client.get(f"/complaints/{filed.id}")
    evidence = section(page.text, "evidence")
    assert f'href="/complaints/{filed.id}/documents/{doc["id"]}"' in evidence
    assert "劳动合同.pdf" in evidence and "Labour contract" in evidence
    download = await client.get(f"/complaints/{filed.id}/documents/{doc['id']}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"].startswith("attachment")
    assert (await client.get(f"/complaints/{filed.id}/documents/{doc['id'] + 1}")).status_code == 404
    assert "Document uploaded" in history(page.text)


# ---- the backlog's age ----------------------------------------------------------------------------------

def _table(page: str) -> dict[str, list[str]]:
    body = re.search(r'<table class="table" id="ageing-table">(.*?)</table>', page, re.S).group(1)
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


async def test_the_backlog_ageing_table_chart_and_csv(client, monkeypatch):
    await enter_next_calendar_year()
    me = await sign_in(client, "head", "supervisor")
    inspector = await user("li", "inspector")
    fresh = await file_complaint()
    stale = await file_complaint()
    await update(stale.id, received_on=today() - dt.timedelta(days=20))  # 14 working days: 6 to 20
    investigating = await file_complaint()
    await move(inspector, investigating.id, "accepted")
    await update(investigating.id, received_on=today() - dt.timedelta(days=120))  # more than 60
    ordered = await file_complaint()
    await update(ordered.id, status="rectification_ordered", received_on=today() - dt.timedelta(days=50))
    closed = await file_complaint()
    await move(inspector, closed.id, "rejected", reject_reason="labour_dispute", note="请申请仲裁")
    assert fresh.id and me.id

    page = await client.get("/complaints/ageing")
    assert page.status_code == 200
    table = _table(page.text)
    assert table["Working days since receipt"] == ["Awaiting decision", "Under investigation", "Orders outstanding",
                                                   "Total"]
    assert table["Up to 5 working days"] == ["1", "0", "0", "1"]
    assert table["6 to 20 working days"] == ["1", "0", "0", "1"]
    assert table["21 to 60 working days"] == ["0", "0", "1", "1"]
    assert table["More than 60 working days"] == ["0", "1", "0", "1"]
    assert table["Total"] == ["2", "1", "1", "4"]
    svg = re.search(r'<svg class="chart" id="ageing-chart".*?</svg>', page.text, re.S).group(0)
    assert 'role="img"' in svg and "<title id=\"ageing-chart-title\">" in svg and "<desc" in svg
    assert svg.count('class="chart-segment') == 4 and "<script" not in page.text.split("</footer>")[0]
    assert "More than 60 working days: 1 (Under investigation 1)" in text_of(svg)

    download = await client.get("/complaints/ageing?format=csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Working days since receipt", "Awaiting decision", "Under investigation",
                       "Orders outstanding", "Total"]
    assert rows[1:] == [["Up to 5 working days", "1", "0", "0", "1"], ["6 to 20 working days", "1", "0", "0", "1"],
                        ["21 to 60 working days", "0", "0", "1", "1"],
                        ["More than 60 working days", "0", "1", "0", "1"], ["Total", "2", "1", "1", "4"]]

    # The supervisor's dashboard shows the same chart.
    home = await client.get("/")
    chart = re.search(r'<section id="home-ageing">.*?</section>', home.text, re.S).group(0)
    assert "More than 60 working days: 1 (Under investigation 1)" in text_of(chart)
    assert chart.count('class="chart-segment') == 4

    # A day in a year the calendar does not cover: the loud error instead of the chart.
    last_year = today().year + 5
    far = dt.date(last_year, 3, 1)
    monkeypatch.setattr(controllers, "today", lambda: far)
    page = await client.get("/complaints/ageing")
    [box] = calendar_errors(page.text)
    assert f"the working-day calendar for {last_year} has not been entered" in box
    assert 'id="ageing-chart"' not in page.text and 'id="ageing-csv"' not in page.text


# ---- the blacklist candidates ---------------------------------------------------------------------------

async def test_an_employer_ignoring_a_payment_order_over_the_threshold_is_a_blacklist_candidate(client):
    await sign_in(client, "head", "supervisor")
    listed_id = await add_employer("CN", name="拒不支付公司")
    below_id = await add_employer("CN", name="少量拖欠公司")
    waiting_id = await add_employer("CN", name="尚在期限公司")
    cases = {}
    for employer_id, amount, offset in ((listed_id, 1_200_000, -3), (below_id, 800_000, -3),
                                        (waiting_id, 2_000_000, 10)):
        filed = await file_complaint(employer_id=employer_id, respondent="", workers=[worker("工人", amount)],
                                     actor=await user(f"desk{employer_id}", "inspector"))
        await update(filed.id, status="payment_ordered", rectify_by=today() + dt.timedelta(days=offset), orders=2)
        cases[employer_id] = filed
    page = await client.get("/complaints/blacklist")
    assert page.status_code == 200
    table = re.search(r'<table class="table" id="blacklist-table">.*?<tbody>(.*?)</tbody>', page.text,
                      re.S).group(1)
    assert f'<a href="/employers/{listed_id}">拒不支付公司</a>' in table
    assert f'href="/complaints/{cases[listed_id].id}"' in table and cases[listed_id].tracking_no in table
    text = text_of(table)
    assert "CN¥12,000.00" in text and "Payment order not obeyed, and the thresholds are reached" in text
    assert shown(today().replace(year=today().year + 3)) in text
    assert "少量拖欠公司" not in table and "尚在期限公司" not in table
    rules = text_of(section(page.text, "blacklist-rules"))
    assert "CN¥10,000.00 owed to one worker" in rules and "3 years" in rules and "6 months" in rules


# ---- elsewhere: the start page, the navigation, the agency and employer pages ---------------------------

async def test_the_start_page_counts_open_overdue_and_own_complaints(client):
    boss = await user("boss", "admin")
    me = await sign_in(client, "li", "inspector")
    mine, late, _other = [await file_complaint() for _ in range(3)]
    await assign(boss, mine.id, me)
    await update(late.id, decide_by=today() - dt.timedelta(days=1))
    page = await client.get("/")
    cards = page.text.split('id="complaint-cards"')[1].split("</section>")[0]
    assert re.search(r'id="card-complaints-open"><span class="big">3<', cards)
    assert re.search(r'id="card-complaints-overdue"><span class="big">1<', cards)
    assert re.search(r'id="card-complaints-mine"><span class="big">1<', cards)
    assert 'id="nav-complaints"' in page.text


async def test_the_employer_and_agency_pages_list_the_complaints_naming_them(client):
    me = await sign_in(client, "li", "inspector")
    employer_id = await add_employer("CN", name="沈阳宏达建筑有限公司")
    agency_id = await licensed_agency("辽中海外劳务")
    filed = await file_complaint(employer_id=employer_id, agency_id=agency_id, actor=me)
    await move(me, filed.id, "rejected", reject_reason="labour_dispute", note="请申请仲裁")
    for path in (f"/employers/{employer_id}", f"/agencies/{agency_id}"):
        page = await client.get(path)
        summary = section(page.text, "complaints")
        assert f'<a href="/complaints/{filed.id}">{filed.tracking_no}</a>' in summary
        text = text_of(summary)
        assert "Complaint" in text and "Not accepted" in text and "CN¥15,000.00" in text
        assert shown(today()) in text and "张三" not in summary
