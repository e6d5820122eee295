"""The follow-up pages: the worklist and who sees what, recording, evidence, raising a case, unscheduled ones."""

from __future__ import annotations

import pytest

from export_mgmt.followups.sweeps import generate_due
from export_mgmt.followups.tables import FollowUp, FollowUpDocument
from export_mgmt.inspections.tables import InspectionCase
from tests.integration.followups.helpers_pages import (  # noqa: F401 (english is a fixture)
    HEPING,
    LIAOZHONG,
    PDF,
    add_done,
    add_followup,
    audit_actions,
    browser,
    checked,
    day,
    english,
    field_error,
    followup_row,
    form_error,
    input_value,
    late_rows,
    listed_workers,
    placed,
    post_from,
    record_form,
    selected,
    sign_in,
    table_text,
    world,
)
from tests.integration.placements.helpers_rules import licensed_agency, today

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
async def places():
    return await world()


@pytest.fixture
async def staff(client, places):
    """Staff of 甲劳务公司, which placed 张三 and 王五."""
    await sign_in(client, "staff", "agency_staff", agency_id=places["agency"])
    return client


# ---- the worklist -------------------------------------------------------------------------------------------

async def test_the_worklist_is_scoped_to_the_agency_and_to_the_clerks_county(app, client, places):
    for key in ("zhang", "wang", "li"):
        await add_followup(places[key], due=-1)
    await sign_in(client, "staff", "agency_staff", agency_id=places["agency"])
    assert sorted(listed_workers((await client.get("/followups/")).text)) == ["张三", "王五"]

    async with browser(app, "127.0.0.3") as clerk:
        await sign_in(clerk, "clerk", "county_clerk", county_code=LIAOZHONG)
        page = (await clerk.get("/followups/")).text
        assert sorted(listed_workers(page)) == ["张三", "李四"]
        assert 'name="county"' not in page and 'name="agency"' not in page  # city roles' filters only
    async with browser(app, "127.0.0.4") as admin:
        await sign_in(admin, "admin", "admin")
        assert sorted(listed_workers((await admin.get("/followups/")).text)) == ["张三", "李四", "王五"]
        by_county = await admin.get("/followups/", params={"county": HEPING})
        assert listed_workers(by_county.text) == ["王五"]
        by_agency = await admin.get("/followups/", params={"agency": str(places["other_agency"])})
        assert listed_workers(by_agency.text) == ["李四"]
        assert listed_workers((await admin.get("/followups/", params={"q": "李"})).text) == ["李四"]


async def test_another_agency_or_county_gets_404_on_a_follow_up(app, staff, places):
    theirs = await add_followup(places["li"], due=-1)
    ours = await add_followup(places["wang"], due=-1)  # 和平区
    assert (await staff.get(f"/followups/{theirs}")).status_code == 404
    async with browser(app, "127.0.0.3") as clerk:
        await sign_in(clerk, "clerk", "county_clerk", county_code=LIAOZHONG)
        assert (await clerk.get(f"/followups/{ours}")).status_code == 404
        assert (await clerk.get(f"/followups/{theirs}")).status_code == 200


async def test_by_default_the_worklist_shows_overdue_and_due_soon_with_overdue_marked(staff, places):
    await add_followup(places["zhang"], seq=1, due=-30, status="overdue")
    await add_followup(places["zhang"], seq=2, due=-10, grace=7)  # past its overdue date, not yet swept
    await add_followup(places["zhang"], seq=3, due=3)  # due within the week
    await add_followup(places["zhang"], seq=4, due=40)  # far off
    await add_done(places["zhang"], seq=5)
    page = await staff.get("/followups/")
    assert listed_workers(page.text) == ["张三"] * 3
    assert late_rows(page.text) == 2
    text = table_text(page.text, "followup-list")
    assert text.count("Overdue") == 2 and "Due" in text and "month 3" in text and "month 4" not in text
    done = await staff.get("/followups/", params={"status": "done"})
    assert listed_workers(done.text) == ["张三"] and "month 5" in table_text(done.text, "followup-list")
    pending = await staff.get("/followups/", params={"status": "pending"})
    assert len(listed_workers(pending.text)) == 3  # the swept one is "overdue", not pending
    arrivals = await staff.get("/followups/", params={"kind": "arrival"})
    assert listed_workers(arrivals.text) == []


async def test_the_schedule_generates_follow_ups_that_the_worklist_shows(staff, places):
    departed = await placed("赵六", (await licensed_agency("丙")), departed_days_ago=100)
    await placed("钱七", places["agency"], departed_days_ago=60)
    created = await generate_due(today())
    assert created > 0
    assert await FollowUp.count().where(FollowUp.placement == departed) > 0
    page = await staff.get("/followups/")
    names = listed_workers(page.text)
    ours = await FollowUp.count().where(FollowUp.placement.agency == places["agency"])
    assert ours > 0 and names == ["钱七"] * ours  # 赵六 belongs to another agency
    assert "Arrival check" in table_text(page.text, "followup-list")


# ---- recording ------------------------------------------------------------------------------------------

async def test_recording_unpaid_wages_through_the_form(staff, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    page = await staff.get(f"/followups/{followup_id}")
    assert input_value(page.text, "done_on") == today().isoformat()
    assert selected(page.text, "unpaid_currency") == "KRW"  # the placement's wage currency
    response = await post_from(staff, f"/followups/{followup_id}", f"/followups/{followup_id}/record", record_form(
        worker_status="wages_unpaid", wages_paid_to=day(-70).isoformat(), unpaid_months="2",
        unpaid_amount="4,121,480", unpaid_currency="KRW", notes="老板拖欠两个月工资", method="video"))
    assert response.status_code in (302, 303), response.text
    assert response.headers["location"] == f"/followups/{followup_id}"
    row = await followup_row(followup_id)
    assert row["status"] == "done" and row["reached"] is True and row["method"] == "video"
    assert (row["unpaid_months"], row["unpaid_amount"], row["unpaid_currency"]) == (2, 4121480, "KRW")
    assert row["wages_paid_to"] == day(-70) and row["recorded_by"] == "staff"
    assert await audit_actions("followup", followup_id) == ["recorded"]

    record = await staff.get(f"/followups/{followup_id}")
    assert "₩4,121,480" in record.text and "Wages late or unpaid" in record.text
    assert "老板拖欠两个月工资" in record.text
    assert 'id="record-form"' not in record.text  # done: no more form
    assert 'action="/followups/%d/case"' % followup_id in record.text  # a problem: it can become a case


async def test_validation_errors_show_next_to_the_fields_and_nothing_is_written(staff, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    response = await post_from(staff, f"/followups/{followup_id}", f"/followups/{followup_id}/record", record_form(
        done_on=day(3).isoformat(), reached="", method="pigeon"))
    assert response.status_code == 400
    assert field_error(response.text, "done_on") == "The date cannot be in the future."
    assert field_error(response.text, "reached") == "Say whether the worker was reached."
    assert field_error(response.text, "method") == "Choose one of the listed values."
    assert input_value(response.text, "done_on") == day(3).isoformat()  # as typed

    unpaid = await post_from(staff, f"/followups/{followup_id}", f"/followups/{followup_id}/record", record_form(
        worker_status="wages_unpaid", unpaid_months="2", unpaid_amount="1,000.5", unpaid_currency="KRW",
        notes="typed notes"))
    assert unpaid.status_code == 400
    assert "no more decimals" in field_error(unpaid.text, "unpaid_amount")
    assert input_value(unpaid.text, "unpaid_amount") == "1,000.5" and "typed notes" in unpaid.text
    assert checked(unpaid.text, "reached") == "yes" and selected(unpaid.text, "worker_status") == "wages_unpaid"

    row = await followup_row(followup_id)
    assert row["status"] == "pending" and row["done_on"] is None
    assert await audit_actions("followup", followup_id) == []


async def test_a_stale_form_is_shown_again_and_nothing_is_recorded(staff, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    response = await staff.post(f"/followups/{followup_id}/record",
                                data={**record_form(notes="kept"), "csrf_token": "0" * 64})
    assert response.status_code == 400
    assert "expired" in form_error(response.text)
    assert "kept" in response.text
    assert (await followup_row(followup_id))["status"] == "pending"


async def test_recording_twice_is_refused(staff, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    page = f"/followups/{followup_id}"
    first = await post_from(staff, page, f"{page}/record", record_form(notes="first"))
    assert first.status_code in (302, 303)
    # A second browser tab still shows the form; its token is still good.
    again = await post_from(staff, "/followups/", f"{page}/record", record_form(notes="second"))
    assert again.status_code == 400
    assert "no longer open" in form_error(again.text)
    assert (await followup_row(followup_id))["notes"] == "first"
    assert await audit_actions("followup", followup_id) == ["recorded"]


async def test_a_county_clerk_records_and_a_supervisor_only_reads(app, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    async with browser(app, "127.0.0.3") as clerk:
        await sign_in(clerk, "clerk", "county_clerk", county_code=LIAOZHONG)
        response = await post_from(clerk, f"/followups/{followup_id}", f"/followups/{followup_id}/record",
                                   record_form(reached="no", worker_status=""))
        assert response.status_code in (302, 303)
    row = await followup_row(followup_id)
    assert row["reached"] is False and row["recorded_by"] == "clerk"
    other = await add_followup(places["zhang"], seq=2, due=-1)
    async with browser(app, "127.0.0.4") as supervisor:
        await sign_in(supervisor, "boss", "supervisor")
        page = await supervisor.get(f"/followups/{other}")
        assert page.status_code == 200 and 'id="record-form"' not in page.text
        refused = await post_from(supervisor, f"/followups/{other}", f"/followups/{other}/record", record_form())
        assert refused.status_code == 403
    assert (await followup_row(other))["status"] == "pending"


# ---- evidence -------------------------------------------------------------------------------------------

async def test_evidence_upload_download_and_scope(app, staff, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    page = f"/followups/{followup_id}"
    response = await post_from(staff, page, f"{page}/evidence", {},
                               files={"evidence": ("工资条.pdf", PDF, "application/pdf")})
    assert response.status_code in (302, 303), response.text
    [doc] = await FollowUpDocument.select()
    record = await staff.get(page)
    assert f'href="{page}/evidence/{doc["id"]}"' in record.text and "工资条.pdf" in record.text

    download = await staff.get(f"{page}/evidence/{doc['id']}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in download.headers["cache-control"]

    async with browser(app, "127.0.0.3") as rival:
        await sign_in(rival, "rival", "agency_staff", agency_id=places["other_agency"])
        assert (await rival.get(f"{page}/evidence/{doc['id']}")).status_code == 404
        theirs = await add_followup(places["li"], due=-1)
        # Their own follow-up's address with our document's id: still nothing.
        assert (await rival.get(f"/followups/{theirs}/evidence/{doc['id']}")).status_code == 404
        refused = await post_from(rival, "/followups/", f"{page}/evidence", {},
                                  files={"evidence": ("x.pdf", PDF, "application/pdf")})
        assert refused.status_code == 404
    async with browser(app, "127.0.0.4") as clerk:
        await sign_in(clerk, "clerk", "county_clerk", county_code=HEPING)
        assert (await clerk.get(f"{page}/evidence/{doc['id']}")).status_code == 404
    assert await FollowUpDocument.count() == 1


async def test_a_text_file_named_pdf_is_refused(staff, places):
    followup_id = await add_followup(places["zhang"], due=-2)
    page = f"/followups/{followup_id}"
    response = await post_from(staff, page, f"{page}/evidence", {},
                               files={"evidence": ("payslip.pdf", b"only text pretending to be a PDF",
                                                   "application/pdf")})
    assert response.status_code == 400
    assert field_error(response.text, "evidence") == "Only PDF, PNG and JPEG files can be uploaded."
    assert await FollowUpDocument.count() == 0


# ---- raising a case -------------------------------------------------------------------------------------

async def test_raising_a_case_opens_exactly_one(staff, places):
    followup_id = await add_done(places["zhang"], worker_status="wages_unpaid", unpaid_months=2,
                                 unpaid_amount=4_000_000, unpaid_currency="KRW")
    page = f"/followups/{followup_id}"
    response = await post_from(staff, page, f"{page}/case", {})
    assert response.status_code in (302, 303), response.text
    [case] = await InspectionCase.select()
    assert response.headers["location"] == f"/cases/{case['id']}"
    assert (case["followup"], case["amount_owed"], case["finding"]) == (followup_id, 4_000_000, "wages_unpaid")

    record = await staff.get(page)
    assert f'href="/cases/{case["id"]}"' in record.text and 'id="case-form"' not in record.text
    again = await post_from(staff, page, f"{page}/case", {})
    assert again.status_code == 400
    assert form_error(again.text) == "A case has already been opened from this follow-up."
    assert await InspectionCase.count() == 1


async def test_a_follow_up_that_found_nothing_wrong_cannot_be_raised(staff, places):
    followup_id = await add_done(places["zhang"])
    page = f"/followups/{followup_id}"
    assert 'id="case-form"' not in (await staff.get(page)).text
    response = await post_from(staff, page, f"{page}/case", {})
    assert response.status_code == 400
    assert "found a problem" in form_error(response.text)
    assert await InspectionCase.count() == 0


# ---- unscheduled follow-ups and the placement page ------------------------------------------------------

async def test_an_unscheduled_follow_up_from_the_placement_page(app, staff, places):
    placement = places["zhang"]
    await add_followup(placement, seq=1, due=-5)
    record = await staff.get(f"/placements/{placement}")
    assert f'href="/placements/{placement}/followups/new"' in record.text
    assert "month 1" in table_text(record.text, "placement-followups")

    new = f"/placements/{placement}/followups/new"
    bad = await post_from(staff, new, new, record_form(method=""))
    assert bad.status_code == 400 and field_error(bad.text, "method") == "Choose one of the listed values."
    response = await post_from(staff, new, new, record_form(notes="工人来电"))
    assert response.status_code in (302, 303), response.text
    [adhoc] = await FollowUp.select().where(FollowUp.kind == "adhoc")
    assert response.headers["location"] == f"/followups/{adhoc['id']}"
    assert (adhoc["status"], adhoc["done_on"], adhoc["notes"]) == ("done", today(), "工人来电")
    listed = table_text((await staff.get(f"/placements/{placement}")).text, "placement-followups")
    assert "Unscheduled follow-up" in listed and "Done" in listed

    assert (await staff.get(f"/placements/{places['li']}/followups/new")).status_code == 404
    async with browser(app, "127.0.0.3") as supervisor:
        await sign_in(supervisor, "boss", "supervisor")
        assert f'href="{new}"' not in (await supervisor.get(f"/placements/{placement}")).text
        assert (await supervisor.get(new)).status_code == 403
