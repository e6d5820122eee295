"""The placement pages: report through the form, who sees it, status changes, fees and documents."""

from __future__ import annotations

import pytest

from export_mgmt.placements.tables import FeeEntry, Placement, PlacementDocument
from export_mgmt.workers.services import today
from tests.conftest import csrf_from
from tests.integration.placements.helpers_pages import (  # noqa: F401 (english is a fixture)
    HEPING,
    LIAOZHONG,
    PDF,
    WORKER_NAME,
    add_agency,
    add_employer,
    add_worker,
    browser,
    english,
    field_error,
    form_error,
    input_value,
    listed_workers,
    placement_form,
    placement_id_from,
    post_on_record,
    report_through_form,
    selected,
    sign_in,
    table_text,
    worker_status,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
async def world():
    agency_id = await add_agency("辽中海外劳务")
    other_agency_id = await add_agency("和平劳务")
    employer_id = await add_employer()
    worker_id, id_number = await add_worker()
    return {"agency": agency_id, "other_agency": other_agency_id, "employer": employer_id, "worker": worker_id,
            "id_number": id_number}


@pytest.fixture
async def staff(client, world):
    await sign_in(client, "staff", "agency_staff", agency_id=world["agency"])
    return client


@pytest.fixture
async def reported(staff, world) -> int:
    """A placement the agency's staff reported through the form."""
    return placement_id_from(await report_through_form(staff, placement_form(world["id_number"], world["employer"])))


async def test_agency_staff_report_a_placement_seen_city_wide_and_in_the_workers_county(
        app, staff, other_client, world):
    form = await staff.get("/placements/new")
    assert 'name="agency_id"' not in form.text and "辽中海外劳务" in form.text  # staff report for their own agency
    response = await report_through_form(staff, placement_form(world["id_number"], world["employer"]))
    placement_id = placement_id_from(response)

    row = await Placement.select().where(Placement.id == placement_id).first()
    assert (row["agency"], row["worker"], row["employer"]) == (world["agency"], world["worker"], world["employer"])
    assert (row["basic_wage"], row["gross_wage"], row["wage_currency"]) == (2060740, 2500000, "KRW")
    assert row["status"] == "reported" and row["accident_insurance"] is True
    assert await worker_status(world["worker"]) == "placed"

    record = await staff.get(f"/placements/{placement_id}")
    assert record.status_code == 200
    assert "₩2,060,740" in record.text and "₩2,500,000" in record.text
    assert f'<a href="/employers/{world["employer"]}">Hanil Metal Co.</a>' in record.text
    assert f'<a href="/agencies/{world["agency"]}">' in record.text
    assert f'href="/workers/{world["worker"]}"' not in record.text  # agency staff cannot open the labour pool
    assert "Reported" in table_text(record.text, "timeline")
    assert "Created" in record.text  # the history

    own_list = await staff.get("/placements/")
    assert listed_workers(own_list.text) == [WORKER_NAME]

    await sign_in(other_client, "admin", "admin")
    city = await other_client.get("/placements/")
    assert listed_workers(city.text) == [WORKER_NAME]
    assert world["id_number"] not in city.text  # masked in lists
    assert world["id_number"][:6] + "********" + world["id_number"][-4:] in city.text
    admin_record = await other_client.get(f"/placements/{placement_id}")
    assert f'<a href="/workers/{world["worker"]}">' in admin_record.text

    async with browser(app, "127.0.0.3") as clerk:
        await sign_in(clerk, "clerk", "county_clerk", county_code=LIAOZHONG)
        assert listed_workers((await clerk.get("/placements/")).text) == [WORKER_NAME]
        assert (await clerk.get(f"/placements/{placement_id}")).status_code == 200
    async with browser(app, "127.0.0.4") as other_clerk:
        await sign_in(other_clerk, "clerk2", "county_clerk", county_code=HEPING)
        page = await other_clerk.get("/placements/")
        assert listed_workers(page.text) == [] and WORKER_NAME not in page.text
        assert (await other_clerk.get(f"/placements/{placement_id}")).status_code == 404


async def test_list_filters(staff, reported, world):
    assert listed_workers((await staff.get("/placements/", params={"q": "金"})).text) == [WORKER_NAME]
    assert listed_workers((await staff.get("/placements/", params={"q": "nobody"})).text) == []
    assert listed_workers((await staff.get("/placements/", params={"status": "reported"})).text) == [WORKER_NAME]
    assert listed_workers((await staff.get("/placements/", params={"status": "working"})).text) == []
    assert listed_workers((await staff.get("/placements/", params={"country": "JP"})).text) == []
    assert listed_workers((await staff.get("/placements/", params={"programme": "kr_eps_e9"})).text) == [WORKER_NAME]
    assert listed_workers((await staff.get("/placements/", params={"flagged": "1"})).text) == []
    page = await staff.get("/placements/")
    assert 'href="/placements/new"' in page.text
    assert 'name="agency"' not in page.text  # the agency filter is for city-wide roles


async def test_bad_amount_and_rule_errors_show_next_to_the_fields_with_the_input_kept(staff, world):
    data = placement_form(world["id_number"], world["employer"], basic_wage="2,060,740.5", job_title="焊工")
    response = await report_through_form(staff, data)
    assert response.status_code == 400
    assert "no more decimals" in field_error(response.text, "basic_wage")
    assert input_value(response.text, "basic_wage") == "2,060,740.5"
    assert input_value(response.text, "job_title") == "焊工"
    assert selected(response.text, "programme") == "kr_eps_e9"
    assert selected(response.text, "employer_id") == str(world["employer"])
    assert form_error(response.text) == "Please correct the marked fields."

    response = await report_through_form(staff, {**data, "basic_wage": "2060740", "accident_insurance": "",
                                                 "wage_currency": "JPY"})
    assert response.status_code == 400
    assert field_error(response.text, "accident_insurance") == (
        "Accident insurance for the whole stay abroad is required.")
    assert field_error(response.text, "wage_currency") == "Wages for this programme are paid in KRW."
    assert await Placement.count() == 0
    assert await worker_status(world["worker"]) == "available"


async def test_admin_chooses_the_agency_and_cannot_skip_it(client, world):
    await sign_in(client, "admin", "admin")
    form = await client.get("/placements/new")
    assert f'<option value="{world["agency"]}">辽中海外劳务</option>' in form.text
    response = await report_through_form(client, placement_form(world["id_number"], world["employer"], agency_id=""))
    assert response.status_code == 400
    assert field_error(response.text, "agency_id") == "Choose the reporting agency."
    response = await report_through_form(client, placement_form(world["id_number"], world["employer"],
                                                                agency_id=str(world["agency"])))
    placement_id = placement_id_from(response)
    assert (await Placement.select().where(Placement.id == placement_id).first())["agency"] == world["agency"]


async def test_stale_form_is_shown_again_without_reporting(staff, world):
    response = await staff.post("/placements/new", data={**placement_form(world["id_number"], world["employer"]),
                                                         "csrf_token": "0" * 64})
    assert response.status_code == 400
    assert "expired" in form_error(response.text)
    assert input_value(response.text, "worker_id_number") == world["id_number"]
    assert await Placement.count() == 0


async def test_readers_cannot_open_the_report_form(client, world):
    await sign_in(client, "inspector", "inspector")
    assert (await client.get("/placements/new")).status_code == 403
    assert 'href="/placements/new"' not in (await client.get("/placements/")).text


async def test_status_change_through_the_form(staff, reported, world):
    page = await staff.get(f"/placements/{reported}")
    assert '<option value="departed"' in page.text and '<option value="completed"' not in page.text

    response = await post_on_record(staff, reported, "status", {"status": "departed", "on_date": today().isoformat(),
                                                                "note": "Flew from Taoxian", "employer_id": ""})
    assert response.status_code in (302, 303), response.text
    assert (await Placement.select().where(Placement.id == reported).first())["status"] == "departed"
    assert await worker_status(world["worker"]) == "abroad"
    record = await staff.get(f"/placements/{reported}")
    assert "Departed" in table_text(record.text, "timeline") and "Flew from Taoxian" in record.text
    assert "Status changed" in record.text  # the history

    response = await post_on_record(staff, reported, "status", {"status": "completed", "on_date": "2001-02-30"})
    assert response.status_code == 400
    assert field_error(response.text, "on_date") == "Enter a date as YYYY-MM-DD."
    assert "cannot become" in field_error(response.text, "status")
    assert input_value(response.text, "on_date") == "2001-02-30"
    assert (await Placement.select().where(Placement.id == reported).first())["status"] == "departed"


async def test_employer_change_needs_the_new_employer(staff, reported, world):
    new_employer = await add_employer("Daewoo Shipbuilding", "KR", "Geoje")
    for status in ("working",):
        response = await post_on_record(staff, reported, "status", {"status": status, "on_date": today().isoformat()})
        assert response.status_code in (302, 303), response.text
    page = await staff.get(f"/placements/{reported}")
    assert 'name="employer_id"' in page.text and "Daewoo Shipbuilding" in page.text
    response = await post_on_record(staff, reported, "status", {"status": "employer_changed",
                                                                "on_date": today().isoformat(), "employer_id": ""})
    assert response.status_code == 400
    assert field_error(response.text, "employer_id") == "Choose the new employer."
    response = await post_on_record(staff, reported, "status", {"status": "employer_changed",
                                                                "on_date": today().isoformat(),
                                                                "employer_id": str(new_employer)})
    assert response.status_code in (302, 303), response.text
    assert (await Placement.select().where(Placement.id == reported).first())["employer"] == new_employer


async def test_a_fee_shows_its_flag_on_the_record_and_in_the_flagged_list(app, staff, other_client, reported, world):
    response = await post_on_record(staff, reported, "fees", {
        "payee": "agency", "payee_name": "辽中海外劳务", "amount": "3,000.00", "currency": "CNY",
        "paid_on": today().isoformat(), "purpose": "service_fee", "receipt_no": "R-1"})
    assert response.status_code in (302, 303), response.text
    record = await staff.get(f"/placements/{reported}")
    ledger = table_text(record.text, "fee-ledger")
    assert "¥3,000.00" in ledger and "Prohibited" in ledger
    assert "This programme forbids charging the worker a placement fee." in ledger
    assert 'class="status alert-error flag flag-prohibited"' in record.text
    assert "Fee recorded" in record.text  # the history

    listed = await staff.get("/placements/", params={"flagged": "1"})
    assert listed_workers(listed.text) == [WORKER_NAME] and "1 flagged" in listed.text
    flagged = await staff.get("/placements/fees/flagged")
    assert WORKER_NAME in table_text(flagged.text, "flagged-fees")
    assert 'name="agency"' not in flagged.text

    await sign_in(other_client, "admin", "admin")
    city = await other_client.get("/placements/fees/flagged")
    assert WORKER_NAME in table_text(city.text, "flagged-fees") and 'name="agency"' in city.text
    filtered = await other_client.get("/placements/fees/flagged", params={"agency": str(world["other_agency"])})
    assert WORKER_NAME not in table_text(filtered.text, "flagged-fees")
    async with browser(app, "127.0.0.3") as rival:
        await sign_in(rival, "rival", "agency_staff", agency_id=world["other_agency"])
        assert WORKER_NAME not in (await rival.get("/placements/fees/flagged")).text


async def test_a_bad_fee_is_refused_with_the_input_kept(staff, reported):
    response = await post_on_record(staff, reported, "fees", {
        "payee": "agency", "payee_name": "", "amount": "12.345", "currency": "CNY", "paid_on": today().isoformat(),
        "purpose": "training", "receipt_no": "R-9"})
    assert response.status_code == 400
    assert field_error(response.text, "amount")
    assert input_value(response.text, "amount") == "12.345" and input_value(response.text, "receipt_no") == "R-9"
    assert await FeeEntry.count() == 0


async def test_documents_upload_download_and_scope(app, staff, other_client, reported, world):
    response = await post_on_record(staff, reported, "documents", {},
                                    files={"document": ("劳务合同.pdf", PDF, "application/pdf")})
    assert response.status_code in (302, 303), response.text
    [doc] = await PlacementDocument.select()
    record = await staff.get(f"/placements/{reported}")
    assert f'href="/placements/{reported}/documents/{doc["id"]}"' in record.text and "劳务合同.pdf" in record.text
    assert "Document uploaded" in record.text

    download = await staff.get(f"/placements/{reported}/documents/{doc['id']}")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "%E5%8A%B3%E5%8A%A1%E5%90%88%E5%90%8C.pdf" in download.headers["content-disposition"]
    assert download.headers["x-content-type-options"] == "nosniff"

    await sign_in(other_client, "rival", "agency_staff", agency_id=world["other_agency"])
    assert (await other_client.get(f"/placements/{reported}/documents/{doc['id']}")).status_code == 404
    assert (await other_client.get(f"/placements/{reported}")).status_code == 404
    assert (await staff.get(f"/placements/{reported}/documents/{doc['id'] + 1}")).status_code == 404


@pytest.mark.parametrize("name, content", [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
    ("contract.pdf", b"This is only text pretending to be a PDF."),
])
async def test_documents_that_are_not_pdf_or_images_are_refused(staff, reported, name, content):
    response = await post_on_record(staff, reported, "documents", {},
                                    files={"document": (name, content, "application/pdf")})
    assert response.status_code == 400
    assert field_error(response.text, "document") == "Only PDF, PNG and JPEG files can be uploaded."
    assert await PlacementDocument.count() == 0


async def test_uploading_nothing_asks_for_a_file(staff, reported):
    page = await staff.get(f"/placements/{reported}")
    response = await staff.post(f"/placements/{reported}/documents", data={"csrf_token": csrf_from(page.text)},
                                files={"document": ("", b"", "application/octet-stream")})
    assert response.status_code == 400
    assert field_error(response.text, "document") == "Choose a file to upload."


async def test_county_clerks_read_but_do_not_change_placements(app, reported, world):
    async with browser(app, "127.0.0.5") as clerk:
        await sign_in(clerk, "clerk", "county_clerk", county_code=LIAOZHONG)
        page = await clerk.get(f"/placements/{reported}")
        assert page.status_code == 200
        assert 'id="status-form"' not in page.text and 'id="fee-form"' not in page.text
        assert 'id="document-form"' not in page.text
        response = await clerk.post(f"/placements/{reported}/status", data={
            "status": "departed", "on_date": today().isoformat(), "csrf_token": csrf_from(page.text)})
        assert response.status_code == 403
    assert (await Placement.select().where(Placement.id == reported).first())["status"] == "reported"
