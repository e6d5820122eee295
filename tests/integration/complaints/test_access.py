"""Who sees which complaint and who may act on it: a report's reporter, county clerks, agency staff, supervisors,
administrators and the signed-out."""

from __future__ import annotations

import re

import pytest

from export_mgmt.complaints import intake
from export_mgmt.complaints.schemas import Evidence
from export_mgmt.complaints.tables import ComplaintDocument, ComplaintInspector
from tests.conftest import csrf_from, login
from tests.integration.complaints.helpers_pages import (  # noqa: F401 (english is a fixture)
    HEPING,
    LIAOZHONG,
    PDF,
    REPORTER,
    REPORTER_PHONE,
    assign,
    complaint_row,
    english,
    enter_next_calendar_year,
    file_complaint,
    has_form,
    history,
    licensed_agency,
    listed,
    move,
    section,
    sign_in,
    text_of,
    user,
    version_of,
    worker,
    worker_rows,
)

pytestmark = pytest.mark.usefixtures("english")

ACTION_FORMS = ("status-accepted-form", "status-rejected-form", "assign-form", "take-form", "route-form",
                "incident-form", "document-form", "case-form", "join-form")


async def _actions(complaint_id: int, inspector_id: int, worker_id: int) -> list[tuple[str, dict]]:
    """Every action of the complaint page, each with a body an inspector could send successfully."""
    version = str(await version_of(complaint_id))
    return [
        ("status", {"status": "supplement_requested", "version": version, "note": "请补充劳动合同"}),
        ("assign", {"inspector_ids": [str(inspector_id)]}),
        ("take", {}),
        ("route", {"route": HEPING, "reason": "在和平区用工", "version": version}),
        ("recovery", {"complaint_worker_id": str(worker_id), "amount": "100", "fx_date": "", "version": version}),
        ("incident", {"serious": "1", "version": version}),
        ("case", {}),
        ("join", {"case_id": "1"}),
    ]


async def _evidence(actor, complaint_id: int) -> int:
    return await intake.add_evidence(actor, complaint_id, Evidence(filename="工资条.pdf", data=PDF,
                                                                   kind="pay_slips"))


# ---- a report's reporter --------------------------------------------------------------------------------

async def test_a_reports_reporter_is_shown_only_to_the_inspectors_handling_it(client):
    boss = await user("boss", "admin")
    handler = await user("li", "inspector")
    await user("wang", "inspector")
    await user("head", "supervisor")
    await user("clerk", "county_clerk", county_code=LIAOZHONG)
    report = await file_complaint(kind="report", name=REPORTER, phone=REPORTER_PHONE,
                                  complainant_address="辽中区某村", workers=[worker("工人甲", 3_000_000)])
    await assign(boss, report.id, handler)
    await move(handler, report.id, "supplement_requested", note="请补充工资条")
    document_id = await _evidence(handler, report.id)

    for username in ("wang", "head", "boss", "clerk"):
        response = await login(client, username)
        assert response.status_code in (302, 303)
        page = await client.get(f"/complaints/{report.id}")
        assert page.status_code == 200, username
        worklist = await client.get("/complaints/?mine=0")
        assert listed(worklist.text) == [report.id], username
        for html in (page.text, worklist.text):
            assert REPORTER not in html and REPORTER_PHONE not in html and "辽中区某村" not in html, username
        assert "Confidential" in text_of(section(page.text, "complainant")), username
        assert "Confidential" in worklist.text, username
        assert "工人甲" in page.text  # the workers it is for are not the reporter's secret
        assert "请补充工资条" in history(page.text)
        # Its evidence may name the reporter (an ID card copy): counted, but not listed nor downloadable.
        assert "工资条.pdf" not in page.text, username
        assert 'id="evidence-hidden"' in page.text, username
        assert (await client.get(f"/complaints/{report.id}/documents/{document_id}")).status_code == 403, username

    await login(client, "li")
    page = await client.get(f"/complaints/{report.id}")
    record = text_of(section(page.text, "complainant"))
    assert REPORTER in record and REPORTER_PHONE in record and "辽中区某村" in record
    assert REPORTER in (await client.get("/complaints/")).text  # on their own worklist too
    assert "工资条.pdf" in page.text
    assert (await client.get(f"/complaints/{report.id}/documents/{document_id}")).status_code == 200
    # The history never holds who reported, not even for those who may see it.
    assert REPORTER not in history(page.text) and REPORTER_PHONE not in history(page.text)


async def test_an_anonymous_report_shows_no_one_and_an_inspector_who_takes_a_report_sees_its_reporter(client):
    anonymous = await file_complaint(kind="report", anonymous=True, name="", phone="")
    named = await file_complaint(kind="report", name=REPORTER, phone=REPORTER_PHONE)
    await sign_in(client, "li", "inspector")
    page = await client.get(f"/complaints/{anonymous.id}")
    assert 'id="complainant-anonymous"' in page.text and "Anonymous" in text_of(section(page.text, "complainant"))
    page = await client.get(f"/complaints/{named.id}")
    assert 'id="complainant-confidential"' in page.text and REPORTER not in page.text
    page = await client.get(f"/complaints/{named.id}")
    response = await client.post(f"/complaints/{named.id}/take", data={"csrf_token": csrf_from(page.text)},
                                 follow_redirects=False)
    assert response.status_code == 303
    assert REPORTER in text_of(section((await client.get(f"/complaints/{named.id}")).text, "complainant"))


# ---- county clerks --------------------------------------------------------------------------------------

async def test_a_county_clerk_sees_only_the_complaints_routed_to_their_county(client):
    desk = await user("li", "inspector")
    ours = await file_complaint(work_place=LIAOZHONG, name="辽中工人")
    theirs = await file_complaint(work_place=HEPING, name="和平工人")
    city = await file_complaint(work_place="OUTSIDE")
    our_doc, their_doc = await _evidence(desk, ours.id), await _evidence(desk, theirs.id)
    await sign_in(client, "clerk", "county_clerk", county_code=LIAOZHONG)

    worklist = await client.get("/complaints/")
    assert listed(worklist.text) == [ours.id] and 'href="/complaints/new"' not in worklist.text
    assert 'href="/complaints/blacklist"' not in worklist.text
    assert listed((await client.get("/complaints/?mine=0&status=all")).text) == [ours.id]
    assert (await client.get(f"/complaints/{theirs.id}")).status_code == 404
    assert (await client.get(f"/complaints/{city.id}")).status_code == 404
    page = await client.get(f"/complaints/{ours.id}")
    assert page.status_code == 200 and "辽中工人" in page.text  # a complaint's complainant is no secret to them
    assert not any(has_form(page.text, form) for form in ACTION_FORMS)
    assert not re.search(r'id="recovery-form-\d+"', page.text) and not has_form(page.text, "extend-form")

    # Their county's evidence downloads; another county's does not exist for them.
    assert (await client.get(f"/complaints/{ours.id}/documents/{our_doc}")).status_code == 200
    assert (await client.get(f"/complaints/{theirs.id}/documents/{their_doc}")).status_code == 404
    assert (await client.get(f"/complaints/{ours.id}/documents/{their_doc}")).status_code == 404

    [our_worker] = await worker_rows(ours.id)
    for action, data in await _actions(ours.id, desk.id, our_worker["id"]):
        response = await client.post(f"/complaints/{ours.id}/{action}",
                                     data={**data, "csrf_token": csrf_from(page.text)}, follow_redirects=False)
        assert response.status_code == 403, action
        response = await client.post(f"/complaints/{theirs.id}/{action}",
                                     data={**data, "csrf_token": csrf_from(page.text)}, follow_redirects=False)
        assert response.status_code == 404, action
    response = await client.post(f"/complaints/{ours.id}/documents", data={
        "kind": "other", "csrf_token": csrf_from(page.text)}, files={"document": ("x.pdf", PDF, "application/pdf")})
    assert response.status_code == 403 and await ComplaintDocument.count() == 2
    assert (await complaint_row(ours.id))["status"] == "received" and await ComplaintInspector.count() == 0

    assert (await client.get("/complaints/new")).status_code == 403
    assert (await client.get("/complaints/blacklist")).status_code == 403
    ageing = await client.get("/complaints/ageing")
    assert ageing.status_code == 200
    total = re.search(r'<tr class="total">(.*?)</tr>', ageing.text, re.S).group(1)
    assert text_of(total) == "Total 1 0 0 1"  # only their county's one
    assert 'id="nav-complaints"' in page.text


# ---- agency staff ---------------------------------------------------------------------------------------

async def test_agency_staff_get_no_complaint_pages_but_a_summary_on_their_agency_page(client):
    desk = await user("li", "inspector")
    agency_id = await licensed_agency("辽中海外劳务")
    complaint = await file_complaint(agency_id=agency_id, actor=desk, name="张申诉")
    report = await file_complaint(kind="report", agency_id=agency_id, actor=desk, name=REPORTER,
                                  phone=REPORTER_PHONE, workers=[worker("工人乙", 2_000_000)])
    doc = await _evidence(desk, complaint.id)
    await sign_in(client, "staff", "agency_staff", agency_id=agency_id)

    for path in ("/complaints/", f"/complaints/{complaint.id}", f"/complaints/{complaint.id}/documents/{doc}",
                 "/complaints/new", "/complaints/ageing", "/complaints/blacklist", "/complaints/ageing?format=csv"):
        assert (await client.get(path)).status_code == 403, path
    page = await client.get(f"/agencies/{agency_id}")
    assert page.status_code == 200
    summary = section(page.text, "complaints")
    # Listed without their tracking numbers, which the public tracking page could be probed with.
    assert complaint.tracking_no not in summary and report.tracking_no not in summary
    assert summary.count("<tr>") >= 3
    assert 'href="/complaints/' not in summary  # listed, not linked
    text = text_of(summary)
    assert "Report" in text and "Complaint" in text and "CN¥20,000.00" in text and "CN¥15,000.00" in text
    for secret in ("张申诉", REPORTER, REPORTER_PHONE):
        assert secret not in page.text
    assert 'id="nav-complaints"' not in page.text
    assert 'id="complaint-cards"' not in (await client.get("/")).text

    response = await client.post(f"/complaints/{complaint.id}/status", data={
        "status": "accepted", "version": "1", "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert response.status_code == 403
    assert (await complaint_row(complaint.id))["status"] == "received"


# ---- supervisors and administrators ---------------------------------------------------------------------

async def test_supervisors_read_and_extend_but_do_not_work_complaints(client):
    await enter_next_calendar_year()
    desk = await user("li", "inspector")
    filed = await file_complaint()
    await move(desk, filed.id, "accepted")
    await sign_in(client, "head", "supervisor")
    page = await client.get(f"/complaints/{filed.id}")
    assert has_form(page.text, "extend-form")
    assert not any(has_form(page.text, form) for form in ACTION_FORMS)
    assert not any(has_form(page.text, f"status-{s}-form") for s in ("investigating", "closed"))
    [row] = await worker_rows(filed.id)
    for action, data in await _actions(filed.id, desk.id, row["id"]):
        response = await client.post(f"/complaints/{filed.id}/{action}",
                                     data={**data, "csrf_token": csrf_from(page.text)}, follow_redirects=False)
        assert response.status_code == 403, action
    assert (await complaint_row(filed.id))["status"] == "accepted"
    assert 'href="/complaints/blacklist"' in (await client.get("/complaints/")).text


async def test_administrators_step_in_but_only_inspectors_take_a_complaint_on_themselves(client):
    filed = await file_complaint()
    await sign_in(client, "boss", "admin")
    page = await client.get(f"/complaints/{filed.id}")
    assert has_form(page.text, "status-accepted-form") and has_form(page.text, "document-form")
    assert not has_form(page.text, "take-form")
    response = await client.post(f"/complaints/{filed.id}/take", data={"csrf_token": csrf_from(page.text)},
                                 follow_redirects=False)
    assert response.status_code == 403
    response = await client.post(f"/complaints/{filed.id}/documents", data={
        "kind": "iou", "csrf_token": csrf_from(page.text)}, files={"document": ("欠条.pdf", PDF, "application/pdf")},
        follow_redirects=False)
    assert response.status_code == 303
    assert (await ComplaintDocument.select().first())["kind"] == "iou"


async def test_signed_out_visitors_are_sent_to_sign_in(client):
    filed = await file_complaint()
    for path in ("/complaints/", f"/complaints/{filed.id}", "/complaints/ageing"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303) and response.headers["location"].startswith("/login?next="), path
