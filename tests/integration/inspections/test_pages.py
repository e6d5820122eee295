"""The inspection-case pages: the worklist, opening a case at the desk, the case page and its action forms."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date

from export_mgmt.inspections import services
from export_mgmt.inspections.tables import CaseReferral, InspectionCase
from export_mgmt.workdays.calendar import WorkCalendar
from export_mgmt.workdays.tables import CalendarYear
from tests.conftest import csrf_from
from tests.integration.inspections.helpers_cases import (  # noqa: F401 (english is a fixture)
    LIAOZHONG,
    add_recheck,
    assign,
    cancel,
    case_from_followup,
    case_row,
    case_row_html,
    desk_case,
    english,
    field_error,
    form_error,
    form_html,
    has_form,
    hidden_version,
    input_value,
    last_covered_year,
    listed_cases,
    options,
    post_on_case,
    section,
    selected,
    set_deadline,
    sign_in,
    text_of,
    textarea_value,
    today,
    user,
    version_of,
)
from tests.integration.inspections.helpers_cases import day as day_offset
from tests.integration.placements.helpers_rules import add_employer, licensed_agency

pytestmark = pytest.mark.usefixtures("english")

TOO_FEW = "At least 2 inspectors must be assigned before the investigation starts."


def shown(d: dt.date) -> str:
    """A date as the English pages show it."""
    return format_date(d, format="medium", locale="en")


# ---- the worklist ---------------------------------------------------------------------------------------

async def test_an_inspectors_worklist_shows_their_cases_the_most_pressing_deadline_first(client):
    boss = await user("boss", "admin")
    me = await sign_in(client, "li", "inspector")
    colleague = await user("wang", "inspector")
    later, soon, overdue, undated, not_mine = [await desk_case(boss) for _ in range(5)]
    for case in (later, soon, overdue, undated):
        await assign(boss, case.id, me)
    await assign(boss, later.id, colleague)
    await assign(boss, not_mine.id, colleague)
    for case, offset in ((later, 30), (soon, 5), (overdue, -2), (not_mine, -10)):
        await set_deadline(case.id, today() + dt.timedelta(days=offset))
    await set_deadline(undated.id, None)

    page = await client.get("/cases/")
    assert page.status_code == 200
    # "My cases" is where an inspector starts: overdue first, cases without a deadline last.
    assert listed_cases(page.text) == [overdue.id, soon.id, later.id, undated.id]
    assert 'class="current" aria-current="page">My cases' in page.text
    overdue_row, soon_row = case_row_html(page.text, overdue.id), case_row_html(page.text, soon.id)
    assert 'class="deadline overdue"' in overdue_row and "Overdue" in overdue_row
    assert shown(today() - dt.timedelta(days=2)) in overdue_row
    assert "overdue" not in soon_row and shown(today() + dt.timedelta(days=5)) in soon_row
    assert "Not computed" in case_row_html(page.text, undated.id)
    counts = {case.id: text_of(case_row_html(page.text, case.id)).split()[-1] for case in (later, soon)}
    assert counts == {later.id: "2", soon.id: "1"}
    assert "4 cases found" in page.text

    everyone = await client.get("/cases/?mine=0")
    assert listed_cases(everyone.text) == [not_mine.id, overdue.id, soon.id, later.id, undated.id]


async def test_the_worklist_filters_by_status_source_and_finding(client):
    me = await sign_in(client, "li", "inspector")
    wages = await desk_case(me)
    injury = await desk_case(me, finding="injury", source="campaign")
    ended = await desk_case(me)
    await cancel(me, ended.id)

    page = await client.get("/cases/")  # nobody assigned me: my list is empty, the other tab is not
    assert listed_cases(page.text) == [] and "No case matches these filters." in page.text
    assert sorted(listed_cases((await client.get("/cases/?mine=0")).text)) == [wages.id, injury.id]
    assert sorted(listed_cases((await client.get("/cases/?mine=0&status=all")).text)) == [
        wages.id, injury.id, ended.id]
    assert listed_cases((await client.get("/cases/?mine=0&status=cancelled")).text) == [ended.id]
    assert listed_cases((await client.get("/cases/?mine=0&finding=injury")).text) == [injury.id]
    campaign = await client.get("/cases/?mine=0&source=campaign")
    assert listed_cases(campaign.text) == [injury.id]
    assert '<option value="campaign" selected>' in campaign.text  # the filter stays chosen


# ---- opening a case at the desk -------------------------------------------------------------------------

async def test_an_inspector_opens_a_case_at_the_desk_and_errors_keep_what_was_typed(client):
    await sign_in(client, "li", "inspector")
    agency_id = await licensed_agency("辽中海外劳务")
    employer_id = await add_employer("CN", name="沈阳建工集团")
    form = await client.get("/cases/new")
    assert form.status_code == 200
    assert options(form.text, "case-source") == ["routine", "campaign", "report"]
    jurisdictions = options(form.text, "case-jurisdiction")
    assert jurisdictions[:3] == ["CITY", "OUTSIDE", "ABROAD"] and LIAOZHONG in jurisdictions
    assert len(jurisdictions) == 3 + 13 and "辽中区" in form.text  # every county office of the city
    assert str(employer_id) in options(form.text, "case-employer_id")
    assert str(agency_id) in options(form.text, "case-agency_id")

    typed = {"source": "campaign", "respondent_type": "employer", "employer_id": str(employer_id), "agency_id": "",
             "jurisdiction": LIAOZHONG, "finding": "wages_unpaid", "facts": "", "unpaid_months": "3",
             "currency": "CNY", "amount_owed": "12,000.505"}
    response = await client.post("/cases/new", data={**typed, "csrf_token": csrf_from(form.text)})
    assert response.status_code == 400
    assert field_error(response.text, "case", "amount_owed").startswith("Enter an amount such as 1,234.50")
    assert input_value(response.text, "case", "amount_owed") == "12,000.505"
    assert selected(response.text, "case-jurisdiction") == [LIAOZHONG]
    assert selected(response.text, "case-employer_id") == [str(employer_id)]
    assert selected(response.text, "case-source") == ["campaign"]

    typed.update(amount_owed="12,000.50", employer_id="")
    response = await client.post("/cases/new", data={**typed, "csrf_token": csrf_from(response.text)})
    assert response.status_code == 400
    assert field_error(response.text, "case", "facts") == "Describe the facts."
    assert field_error(response.text, "case", "employer_id") == "Choose the employer."
    assert await InspectionCase.count() == 0

    typed.update(employer_id=str(employer_id), facts="Twelve workers unpaid since August.")
    response = await client.post("/cases/new", data={**typed, "csrf_token": csrf_from(response.text)},
                                 follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    row = await case_row(case_id)
    assert (row["source"], row["respondent_type"], row["employer"], row["respondent_name"]) == (
        "campaign", "employer", employer_id, "沈阳建工集团")
    assert (row["jurisdiction"], row["amount_owed"], row["currency"], row["unpaid_months"]) == (
        LIAOZHONG, 1_200_050, "CNY", 3)
    assert row["abroad"] is False and row["created_by"] == "li"

    page = await client.get(f"/cases/{case_id}")
    assert text_of(page.text.split('id="case-jurisdiction">')[1].split("</dd>")[0]) == "辽中区"
    assert "CN¥12,000.50" in page.text
    assert f'<a href="/employers/{employer_id}">沈阳建工集团</a>' in page.text
    assert "Special campaign" in page.text and "Case opened" in page.text


async def test_a_case_against_an_employer_abroad_opened_at_the_desk_is_a_referral(client):
    await sign_in(client, "li", "inspector")
    employer_id = await add_employer("JP", name="Tokai Seiko")
    form = await client.get("/cases/new")
    response = await client.post("/cases/new", data={
        "source": "report", "respondent_type": "employer", "employer_id": str(employer_id), "jurisdiction": "CITY",
        "finding": "dispute", "facts": "Contract substituted on arrival.", "unpaid_months": "", "currency": "JPY",
        "amount_owed": "", "csrf_token": csrf_from(form.text)}, follow_redirects=False)
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    row = await case_row(case_id)
    assert (row["jurisdiction"], row["abroad"]) == ("ABROAD", True)
    page = await client.get(f"/cases/{case_id}")
    assert options(page.text, "status-status") == ["referred", "cancelled"]
    assert 'id="abroad-note"' in page.text


# ---- the case page --------------------------------------------------------------------------------------

async def test_the_case_page_shows_the_follow_up_worker_placement_amounts_rechecks_and_history(client):
    await sign_in(client, "li", "inspector")
    case = await case_from_followup("KR", worker_name="金外派")
    recheck_id = await add_recheck(case)
    page = await client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    row = await case_row(case.id)
    number = f"{row['opened_on'].year}-{case.id:05d}"
    assert f"Case {number}" in page.text
    record = page.text.split('id="case-record">')[1].split("</dl>")[0]
    assert f'<a href="/followups/{case.followup_id}">' in record and "Follow-up finding" in record
    assert f'<a href="/workers/{case.worker_id}">金外派</a>' in record  # inspectors read the labour pool
    assert f'<a href="/placements/{case.placement_id}">' in record
    assert f'<a href="/agencies/{case.agency_id}">' in record
    assert f'<a href="/employers/{case.employer_id}">' in record
    assert "Abroad (referral to the sending agency and commerce department)" in record
    assert "₩4,000,000" in record and "Wages late or unpaid" in record
    rechecks = section(page.text, "rechecks")
    assert f'<a href="/followups/{recheck_id}">Re-check 1</a>' in rechecks and "Due" in text_of(rechecks)
    assert "Case opened" in page.text  # the history


# ---- working a case through the pages -------------------------------------------------------------------

async def test_a_case_is_investigated_ordered_to_rectify_and_closed_through_its_page(client):
    me = await sign_in(client, "li", "inspector")
    colleague = await user("wang", "inspector")
    case = await desk_case(me)
    await assign(me, case.id, me)

    response = await post_on_case(client, case.id, "status", {
        "status": "investigating", "version": str(await version_of(case.id)), "note": "Start"})
    assert response.status_code == 400
    assert form_error(form_html(response.text, "status-form")) == TOO_FEW
    assert form_error(form_html(response.text, "assign-form")) is None  # the message sits by its own form
    assert textarea_value(response.text, "status", "note") == "Start"
    assert (await case_row(case.id))["status"] == "opened"

    page = await client.get(f"/cases/{case.id}")
    assert options(page.text, "assign-inspector_ids") == [str(colleague.id)]  # the assigned one is not offered
    response = await post_on_case(client, case.id, "assign", {"inspector_ids": [str(colleague.id)]})
    assert response.status_code in (302, 303), response.text
    page = await client.get(f"/cases/{case.id}")
    assert "Wang" in text_of(section(page.text, "inspectors")) and "Li" in text_of(section(page.text, "inspectors"))

    response = await post_on_case(client, case.id, "status", {
        "status": "investigating", "version": str(await version_of(case.id))})
    assert response.status_code in (302, 303), response.text
    assert (await case_row(case.id))["status"] == "investigating"

    page = await client.get(f"/cases/{case.id}")
    assert options(page.text, "status-status") == ["rectification_ordered", "closed", "referred", "cancelled"]
    order = {"status": "rectification_ordered", "version": str(await version_of(case.id)),
             "rectify_by": today().isoformat(), "amount_ordered": "12,000.00", "note": ""}
    response = await post_on_case(client, case.id, "status", order)
    assert response.status_code == 400
    assert field_error(response.text, "status", "rectify_by") == "The deadline must be after today."
    assert input_value(response.text, "status", "amount_ordered") == "12,000.00"
    assert selected(response.text, "status-status") == ["rectification_ordered"]

    response = await post_on_case(client, case.id, "status", {**order, "rectify_by": day_offset(14)})
    assert response.status_code in (302, 303), response.text
    row = await case_row(case.id)
    assert (row["status"], row["rectify_by"], row["amount_ordered"], row["orders"]) == (
        "rectification_ordered", today() + dt.timedelta(days=14), 1_200_000, 1)
    page = await client.get(f"/cases/{case.id}")
    assert shown(today() + dt.timedelta(days=14)) in page.text.split('id="rectify-by">')[1].split("</dd>")[0]
    assert "CN¥12,000.00" in page.text.split('id="amount-ordered">')[1].split("</dd>")[0]

    close = {"status": "closed", "version": str(await version_of(case.id)), "amount_recovered": "12,000",
             "note": ""}
    response = await post_on_case(client, case.id, "status", close)
    assert response.status_code == 400
    assert field_error(response.text, "status", "note") == "Say how the case ended."
    assert input_value(response.text, "status", "amount_recovered") == "12,000"
    response = await post_on_case(client, case.id, "status", {**close, "note": "Paid in full on the re-check."})
    assert response.status_code in (302, 303), response.text
    row = await case_row(case.id)
    assert (row["status"], row["amount_recovered"], row["outcome"]) == (
        "closed", 1_200_000, "Paid in full on the re-check.")
    page = await client.get(f"/cases/{case.id}")
    assert not has_form(page.text, "status-form") and not has_form(page.text, "assign-form")
    assert "This case has ended" in page.text and "Paid in full on the re-check." in page.text
    assert "Status changed" in page.text and "Inspectors assigned" in page.text


async def test_an_abroad_case_is_referred_only_after_a_referral_and_tracks_the_reply(client):
    await sign_in(client, "li", "inspector")
    case = await case_from_followup("SG")
    page = await client.get(f"/cases/{case.id}")
    assert options(page.text, "status-status") == ["referred", "cancelled"]
    assert 'id="status-rectify_by"' not in page.text  # no rectification order abroad

    response = await post_on_case(client, case.id, "status", {
        "status": "referred", "version": str(await version_of(case.id))})
    assert response.status_code == 400
    assert form_error(form_html(response.text, "status-form")) == (
        "Record the referral (to whom, when) before marking the case referred.")

    response = await post_on_case(client, case.id, "referrals", {
        "target": "", "sent_on": day_offset(1), "reference": "沈人社函〔2026〕12号", "note": ""})
    assert response.status_code == 400
    assert field_error(response.text, "referral", "target") == "Choose one of the listed values."
    assert field_error(response.text, "referral", "sent_on") == "The date cannot be in the future."
    assert input_value(response.text, "referral", "reference") == "沈人社函〔2026〕12号"
    assert field_error(response.text, "status", "note") is None
    assert await CaseReferral.count() == 0

    response = await post_on_case(client, case.id, "referrals", {
        "target": "sending_agency", "sent_on": day_offset(0), "reference": "沈人社函〔2026〕12号",
        "note": "Ask the agency to recover the wages."})
    assert response.status_code in (302, 303), response.text
    response = await post_on_case(client, case.id, "status", {
        "status": "referred", "version": str(await version_of(case.id))})
    assert response.status_code in (302, 303), response.text
    assert (await case_row(case.id))["status"] == "referred"

    referral_id = (await CaseReferral.select(CaseReferral.id).first())["id"]
    page = await client.get(f"/cases/{case.id}")
    assert options(page.text, "status-status") == ["closed"]
    assert "Sending agency" in text_of(section(page.text, "referrals"))
    response = await post_on_case(client, case.id, f"referrals/{referral_id}/reply",
                                  {"reply": " ", "replied_on": day_offset(0)})
    assert response.status_code == 400
    assert field_error(response.text, f"reply{referral_id}", "reply") == "Enter the reply."
    response = await post_on_case(client, case.id, f"referrals/{referral_id}/reply",
                                  {"reply": "The employer paid SGD 3,600.", "replied_on": day_offset(0)})
    assert response.status_code in (302, 303), response.text
    page = await client.get(f"/cases/{case.id}")
    assert "The employer paid SGD 3,600." in section(page.text, "referrals")
    assert not has_form(page.text, f"reply-form-{referral_id}")
    assert "Reply recorded" in page.text


async def test_a_form_sent_from_a_stale_page_changes_nothing(client, other_client):
    await sign_in(client, "li", "inspector")
    colleague = await sign_in(other_client, "wang", "inspector")
    case = await desk_case(colleague)
    page = await client.get(f"/cases/{case.id}")
    seen_version = hidden_version(form_html(page.text, "status-form"))
    assert seen_version == str(await version_of(case.id))

    response = await post_on_case(other_client, case.id, "referrals", {
        "target": "police", "sent_on": day_offset(0), "reference": "", "note": "Refusal to pay suspected."})
    assert response.status_code in (302, 303), response.text

    response = await client.post(f"/cases/{case.id}/status", data={
        "status": "cancelled", "version": seen_version, "note": "Withdrawn", "csrf_token": csrf_from(page.text)})
    assert response.status_code == 400
    assert form_error(form_html(response.text, "status-form")).startswith(
        "Someone else changed this case while you were editing.")
    assert (await case_row(case.id))["status"] == "opened"


async def test_a_supervisor_extends_the_investigation_once(client, other_client):
    me = await sign_in(client, "li", "inspector")
    await sign_in(other_client, "head", "supervisor")
    case = await desk_case(me)

    assert not has_form((await client.get(f"/cases/{case.id}")).text, "extend-form")
    response = await post_on_case(client, case.id, "extend", {"version": str(await version_of(case.id))})
    assert response.status_code == 403

    page = await other_client.get(f"/cases/{case.id}")
    assert has_form(page.text, "extend-form") and not has_form(page.text, "status-form")
    response = await post_on_case(other_client, case.id, "extend", {"version": "0"})
    assert response.status_code == 400
    assert form_error(form_html(response.text, "extend-form")).startswith("Someone else changed this case")
    response = await post_on_case(other_client, case.id, "extend", {"version": str(await version_of(case.id))})
    assert response.status_code in (302, 303), response.text
    assert (await case_row(case.id))["extended"] is True
    page = await other_client.get(f"/cases/{case.id}")
    assert "extended by 30 working days" in page.text and not has_form(page.text, "extend-form")
    assert "Deadline extended" in page.text


# ---- the working-day calendar ---------------------------------------------------------------------------

def calendar_warning(html: str) -> str:
    """The warning box alone (the navigation links to the calendar page too)."""
    return html.split('class="alert alert-warning calendar-missing"')[1].split("</div>")[0]


async def test_the_deadline_waits_for_the_working_day_calendar_of_the_next_year(client, other_client, monkeypatch):
    year = last_covered_year()  # 2026 when written: a case filed on 28 November is due in 2027
    filed = dt.date(year, 11, 28)
    monkeypatch.setattr(services, "today", lambda: filed)
    await sign_in(client, "boss", "admin")
    me = await sign_in(other_client, "li", "inspector")
    case = await desk_case(me)
    assert (await case_row(case.id))["investigate_by"] is None

    warning = (f"The statutory deadline cannot be computed until the working-day calendar for {year + 1} "
               f"is entered.")
    admin_page = await client.get(f"/cases/{case.id}")
    assert warning in admin_page.text and 'href="/admin/calendar/"' in calendar_warning(admin_page.text)
    inspector_page = await other_client.get(f"/cases/{case.id}")
    assert warning in inspector_page.text and 'href="/admin/calendar/"' not in calendar_warning(inspector_page.text)
    assert "Not computed" in inspector_page.text.split('id="investigate-by">')[1].split("</dd>")[0]
    worklist = await other_client.get("/cases/?mine=0")
    assert warning in worklist.text and "Not computed" in case_row_html(worklist.text, case.id)

    await CalendarYear.insert(CalendarYear(year=year + 1, source="国务院办公厅关于放假安排的通知"))
    waiting = await other_client.get(f"/cases/{case.id}")  # filed earlier: the scheduled run fills it in
    assert warning not in waiting.text and "it is filled in at the next scheduled run" in waiting.text
    later = await desk_case(me)
    due = (await case_row(later.id))["investigate_by"]
    assert due == WorkCalendar(entered_years=frozenset({year + 1})).add_working_days(filed, 60)
    assert due.year == year + 1 and (due - filed).days >= 82  # twelve five-day weeks at the least
    page = await other_client.get(f"/cases/{later.id}")
    assert "calendar-missing" not in page.text
    assert shown(due) in page.text.split('id="investigate-by">')[1].split("</dd>")[0]
