"""The public complaint pages: filing without an account, the receipt shown once, tracking with a second factor.

What a worker or their family would notice: the messages beside the fields, the tracking number and code, the
status in their language; and what they must never see on the tracking page: anybody's name, phone, the employer
or the amounts claimed.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from export_mgmt import i18n
from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import today
from export_mgmt.complaints import intake, tracking, workflow
from export_mgmt.complaints.schemas import ComplaintCreate, ComplaintTransition, Recovery, WorkerLine
from export_mgmt.complaints.tables import Complaint, ComplaintDocument, ComplaintWorker, PublicAttempt
from export_mgmt.complaints.tracking import LIMITS
from export_mgmt.idnumber import make_number
from export_mgmt.settings import get_settings
from export_mgmt.uploads import MAX_BYTES
from tests.conftest import CSRF_RE, create_agency, create_user, page_token

COMPLAINANT_ID = make_number("210115", dt.date(1988, 3, 14), 123)
WORKER_ID = make_number("210114", dt.date(1992, 7, 1), 456)
TRACKING_RE = re.compile(r'id="tracking-no">(TS\d{4}[0-9A-Z]{8})<')
SECRET_RE = re.compile(r'id="secret">([0-9A-Z]{8})<')
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


@pytest.fixture(autouse=True)
def english(client, other_client):
    """Messages are asserted in English; the Chinese tests take the header off again."""
    for browser in (client, other_client):
        browser.headers["Accept-Language"] = "en"
    i18n.set_locale("en")
    yield
    i18n.set_locale(i18n.DEFAULT_LOCALE)


def text(response) -> str:
    return html.unescape(response.text)


def in_locale(locale: str, fn, *args):
    before = i18n.get_locale()
    i18n.set_locale(locale)
    try:
        return fn(*args)
    finally:
        i18n.set_locale(before)


def complaint_form(**overrides: str) -> dict[str, str]:
    """A complete, valid complaint as typed into the form: one worker owed 20,000.00 yuan."""
    form = {
        "kind": "complaint", "complainant_name": "张三", "complainant_id_number": COMPLAINANT_ID,
        "complainant_phone": "13800001111", "complainant_address": "辽中区某街1号", "relationship": "family",
        "respondent_name": "沈阳某建筑工程有限公司", "respondent_address": "沈阳市于洪区某路8号",
        "respondent_legal_rep": "王老板", "work_place": "210115", "work_location": "某小区工地",
        "arrears_from": (today() - dt.timedelta(days=120)).isoformat(),
        "arrears_to": (today() - dt.timedelta(days=30)).isoformat(),
        "worker_rows": "3", "worker_name_0": "李四", "worker_id_number_0": WORKER_ID, "worker_months_0": "3",
        "worker_currency_0": "CNY", "worker_amount_0": "20,000.00", "payout_account": "工商银行 6222 0000 1111",
        "facts": "2026年在工地做木工，老板拖欠三个月工资。", "request": "请求责令支付工资。",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


async def send(client, form: dict, files: dict | None = None, token: bool = True):
    data = dict(form)
    if token:
        data["csrf_token"] = await page_token(client, "/complaint/file")
    return await client.post("/complaint/file", data=data, files=files)


async def counts() -> tuple[int, int, int]:
    return await Complaint.count(), await ComplaintWorker.count(), await ComplaintDocument.count()


def receipt_codes(page: str) -> tuple[str, str]:
    number, secret = TRACKING_RE.search(page), SECRET_RE.search(page)
    assert number and secret, "the receipt shows no tracking number or code"
    return number.group(1), secret.group(1)


async def track(client, number: str, code: str):
    token = await page_token(client, "/complaint/track")
    return await client.post("/complaint/track", data={"tracking_no": number, "code": code, "csrf_token": token})


def without_token(body: str) -> str:
    return CSRF_RE.sub('name="csrf_token" value=""', body)


# ---- the landing page and links -------------------------------------------------------------------------------

async def test_landing_page_offers_filing_and_tracking_and_says_what_the_law_promises(client):
    response = await client.get("/complaint/")
    assert response.status_code == 200
    page = text(response)
    assert 'href="/complaint/file"' in page and 'href="/complaint/track"' in page
    assert "Within 5 working days" in page
    assert "within 60 working days" in page and "30 more working days" in page
    for path in ("/login", "/verify"):  # signed out: in the nav, and on the verification page
        assert 'href="/complaint/"' in (await client.get(path)).text
    assert "File or track a wage complaint" in text(await client.get("/verify"))


async def test_the_form_says_what_files_may_be_uploaded(client):
    await create_agency("沈阳国际劳务合作公司")
    response = await client.get("/complaint/file")
    assert response.status_code == 200
    page = text(response)
    assert "PDF, PNG or JPEG, at most 10 MB each." in page
    assert 'enctype="multipart/form-data"' in page
    for n in (1, 2, 3):
        assert f'name="document_{n}"' in page and f'name="document_kind_{n}"' in page
    assert 'name="worker_name_2"' in page and 'name="worker_name_3"' not in page
    assert 'name="anonymous"' in page and 'name="channel"' not in page  # the desk's fields stay at the desk


# ---- filing -------------------------------------------------------------------------------------------------

async def test_a_worker_files_a_complaint_and_gets_a_receipt_once(client):
    agency_id = await create_agency("沈阳国际劳务合作公司")
    response = await send(client, complaint_form(agency_id=str(agency_id)))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    page = text(response)
    number, secret = receipt_codes(page)
    assert "shown only this once" in page
    assert "last four characters of the identity number" in page
    assert "辽中区" in page  # the county office where the work was done
    row = await Complaint.select().where(Complaint.tracking_no == number).first()
    assert in_locale("en", i18n.format_date, row["decide_by"], "long") in page
    assert row["channel"] == "online" and row["status"] == "received" and row["route"] == "210115"
    assert row["complainant_name"] == "张三" and row["agency"] == agency_id and row["created_by"] == ""
    assert secret not in row["secret_hash"]
    [worker] = await ComplaintWorker.select().where(ComplaintWorker.complaint == row["id"])
    assert (worker["name"], worker["amount_owed"], worker["months_owed"]) == ("李四", 20_000_00, 3)
    assert "print-receipt" in page and '<script src="/complaint/print.js"' in page
    script = await client.get("/complaint/print.js")
    assert script.status_code == 200 and "window.print" in script.text
    assert script.headers["content-type"].startswith("text/javascript")
    # The code is the second factor: it works, and it is not on the tracking form.
    found = await track(client, number, secret)
    assert found.status_code == 200 and number in found.text
    assert secret not in (await client.get("/complaint/track")).text


async def test_add_another_worker_shows_one_more_row_and_files_nothing(client):
    response = await send(client, complaint_form(worker_name_1="王五", add_row="1"))
    assert response.status_code == 200
    page = text(response)
    assert 'name="worker_name_3"' in page and 'name="worker_name_4"' not in page
    assert 'name="worker_rows" value="4"' in page
    assert 'value="王五"' in page and 'value="沈阳某建筑工程有限公司"' in page
    assert "Files are not kept when the form is shown again: choose them again." in page
    assert "Files are not kept" not in text(await client.get("/complaint/file"))
    assert await counts() == (0, 0, 0)
    assert await PublicAttempt.count() == 0  # not a filing: it does not count against the limit


async def test_a_collective_complaint_names_one_to_five_representatives(client):
    rows = {"worker_rows": "12"}
    for n in range(12):
        rows.update({f"worker_name_{n}": f"工人{n}", f"worker_id_number_{n}": make_number("210115", dt.date(
            1980 + n, 1, 1), 100 + n), f"worker_months_{n}": "2", f"worker_amount_{n}": "8000"})
    message = "A collective complaint of 10 or more workers names one to 5 elected representatives among them."

    response = await send(client, complaint_form(**rows))
    assert response.status_code == 400 and message in text(response)
    six = {f"worker_representative_{n}": "on" for n in range(6)}
    response = await send(client, complaint_form(**rows, **six))
    assert response.status_code == 400 and message in text(response)
    assert 'id="f-worker_representative_5" name="worker_representative_5" value="on" checked' in response.text
    assert await counts() == (0, 0, 0)

    two = {"worker_representative_0": "on", "worker_representative_7": "on"}
    response = await send(client, complaint_form(**rows, **two))
    assert response.status_code == 200, text(response)
    number, _secret = receipt_codes(text(response))
    complaint = await Complaint.select(Complaint.id).where(Complaint.tracking_no == number).first()
    workers = await ComplaintWorker.select().where(ComplaintWorker.complaint == complaint["id"]).order_by(
        ComplaintWorker.id)
    assert len(workers) == 12 and [w["name"] for w in workers if w["representative"]] == ["工人0", "工人7"]
    assert sum(w["amount_owed"] for w in workers) == 12 * 8000_00


async def test_an_anonymous_report_stores_no_reporter(client):
    response = await send(client, complaint_form(kind="report", anonymous="on"))
    assert response.status_code == 200, text(response)
    page = text(response)
    number, secret = receipt_codes(page)
    assert "Your report has been received" in page
    assert "Only the tracking number and the code can open a report" in page
    assert "last four characters of the identity number you gave" not in page
    row = await Complaint.select().where(Complaint.tracking_no == number).first()
    assert row["kind"] == "report" and row["anonymous"] is True
    assert (row["complainant_name"], row["complainant_id_number"], row["complainant_phone"],
            row["complainant_address"]) == ("", "", "", "")
    # Nothing of the reporter can open it either: only the code.
    assert (await track(client, number, COMPLAINANT_ID[-4:])).status_code == 400
    assert (await track(client, number, secret)).status_code == 200


async def test_a_named_report_opens_only_with_its_code(client):
    response = await send(client, complaint_form(kind="report", relationship="colleague"))
    assert response.status_code == 200, text(response)
    page = text(response)
    number, secret = receipt_codes(page)
    assert "last four characters of the identity number you gave" not in page
    row = await Complaint.select().where(Complaint.tracking_no == number).first()
    assert row["anonymous"] is False and row["complainant_name"] == "张三"  # kept, for the handling inspectors
    assert (await track(client, number, COMPLAINANT_ID[-4:])).status_code == 400
    found = await track(client, number, secret)
    assert found.status_code == 200 and "Report (anyone; may be anonymous)" in text(found)
    assert_nothing_personal(text(found))


async def test_mistakes_are_shown_beside_their_fields_and_nothing_is_written(client):
    tomorrow = today() + dt.timedelta(days=1)
    bad_id = COMPLAINANT_ID[:-1] + ("0" if COMPLAINANT_ID[-1] != "0" else "1")
    response = await send(client, complaint_form(
        anonymous="on", complainant_id_number=bad_id, arrears_from=tomorrow.isoformat(),
        arrears_to=(tomorrow - dt.timedelta(days=10)).isoformat(), respondent_name="", facts="",
        worker_name_2="赵六", worker_id_number_2="123456"))
    assert response.status_code == 400
    assert response.headers["cache-control"] == "no-store"
    page = text(response)
    expected = {
        "anonymous": "Only a report can be anonymous; a complaint needs the complainant's name.",
        "complainant_id_number": "The check character does not match: please compare with the identity card.",
        "arrears_from": "The date cannot be in the future.",
        "arrears_to": "The end of the period cannot be before its start.",
        "respondent_name": "This field is required.",
        "facts": "This field is required.",
        "worker_id_number_2": "An identity number has 18 characters (digits, the last may be X) or 15 digits.",
    }
    for field, message in expected.items():
        assert f'<span class="field-error" id="{field}-error">{message}</span>' in page, field
    assert "Please correct the marked fields." in page
    assert "choose them again" in page
    # What was typed is still there.
    for typed in ("张三", bad_id, "13800001111", "李四", "赵六", "20,000.00", tomorrow.isoformat()):
        assert f'value="{typed}"' in page, typed
    assert "请求责令支付工资。</textarea>" in page
    assert await counts() == (0, 0, 0)


async def test_an_unreadable_amount_is_reported_with_every_other_mistake(client):
    response = await send(client, complaint_form(worker_amount_0="12.345", worker_months_0="three",
                                                 complainant_phone=""))
    assert response.status_code == 400
    page = text(response)
    assert 'id="worker_amount_0-error">Enter an amount such as 1,234.50' in page
    assert 'id="worker_months_0-error">Enter how many months are unpaid.' in page
    assert 'id="complainant_phone-error">Give a telephone number so the inspectors can reach you.' in page
    assert await counts() == (0, 0, 0)


async def test_a_disguised_program_and_an_oversized_file_are_refused(client):
    response = await send(client, complaint_form(), files={"document_1": ("工资条.pdf", EXE, "application/pdf")})
    assert response.status_code == 400
    assert "Only PDF, PNG and JPEG files can be uploaded." in text(response)
    assert await counts() == (0, 0, 0)

    big = PDF + b"0" * (MAX_BYTES + 1 - len(PDF))
    response = await send(client, complaint_form(), files={"document_2": ("合同.pdf", big, "application/pdf")})
    assert response.status_code == 400
    assert "The file is larger than 10 MB." in text(response)
    assert await counts() == (0, 0, 0)


async def test_real_evidence_is_stored_outside_the_web_root(client):
    response = await send(client, complaint_form(document_kind_1="contract", document_kind_3="pay_slips"), files={
        "document_1": ("劳动合同.pdf", PDF, "application/pdf"), "document_3": ("工资条.png", PNG, "image/png")})
    assert response.status_code == 200, text(response)
    docs = await ComplaintDocument.select().order_by(ComplaintDocument.id)
    assert [(d["filename"], d["kind"], d["content_type"], d["size"]) for d in docs] == [
        ("劳动合同.pdf", "contract", "application/pdf", len(PDF)), ("工资条.png", "pay_slips", "image/png", len(PNG))]
    settings = get_settings()
    for d in docs:
        path = settings.data_dir / "uploads" / d["stored_name"]
        assert path.read_bytes() in (PDF, PNG)
        assert not path.resolve().is_relative_to(settings.static_dir.resolve())
        assert d["filename"] not in d["stored_name"]
        assert (await client.get(f"/static/{d['stored_name']}")).status_code == 404
        assert (await client.get(f"/static/uploads/{d['stored_name']}")).status_code == 404


async def test_a_form_without_its_token_files_nothing(client):
    response = await send(client, complaint_form(), token=False)
    assert response.status_code == 400
    page = text(response)
    assert "This form had expired, so nothing was done. Please send it again." in page
    assert 'value="沈阳某建筑工程有限公司"' in page  # shown again as typed, with a fresh token
    response = await client.post("/complaint/file", data={**complaint_form(), "csrf_token": "0" * 64})
    assert response.status_code == 400
    assert await counts() == (0, 0, 0)

    response = await client.post("/complaint/track", data={"tracking_no": "TS2026ABCDEFGH", "code": "ABCDEFGH"})
    assert response.status_code == 400 and "This form had expired" in text(response)
    assert await PublicAttempt.count().where(PublicAttempt.action == "track") == 0


async def test_filings_from_one_address_are_limited(client, other_client):
    # A worker correcting their form a few times is not held back by their own mistakes …
    for _n in range(5):
        response = await send(client, complaint_form(facts=""))
        assert response.status_code == 400
    limit, _window = LIMITS["file_succeeded"]
    for _n in range(limit):
        response = await send(client, complaint_form())
        assert response.status_code == 200, text(response)
    # … but one connection cannot flood the desk with complaints.
    response = await send(client, complaint_form())
    assert response.status_code == 429
    assert "Too many complaints were sent from this connection in the last hour." in text(response)
    assert await Complaint.count() == limit
    # Another connection is not held back.
    response = await send(other_client, complaint_form())
    assert response.status_code == 200, text(response)
    assert await Complaint.count() == limit + 1


async def test_submissions_from_one_address_are_limited_even_when_they_fail(client):
    limit, _window = LIMITS["file"]
    for _n in range(limit):
        await tracking.note_attempt("file", "127.0.0.1", False)
    response = await send(client, complaint_form())
    assert response.status_code == 429
    assert await counts() == (0, 0, 0)


# ---- tracking -------------------------------------------------------------------------------------------------

async def file_by_service(**overrides) -> tuple[int, str, str]:
    values = dict(
        complainant_name="张三", complainant_id_number=COMPLAINANT_ID, complainant_phone="13800001111",
        complainant_address="辽中区某街1号", relationship="family", respondent_name="沈阳某建筑工程有限公司",
        respondent_legal_rep="王老板", work_place="210115", arrears_from=(today() - dt.timedelta(days=90)).isoformat(),
        facts="拖欠三个月工资", workers=[WorkerLine(name="李四", id_number=WORKER_ID, months_owed=3,
                                              amount_owed=20_000_00)])
    values.update(overrides)
    filed = await intake.file(None, ComplaintCreate(**values))
    return filed.id, filed.tracking_no, filed.secret


async def close_partly_paid(complaint_id: int) -> None:
    """An inspector accepts it, records 15,000.00 of the 20,000.00 yuan recovered, and closes it."""
    inspector = Actor(id=await create_user("insp", "inspector"), username="insp", display_name="Insp",
                      role="inspector")
    version = (await Complaint.select(Complaint.version).where(Complaint.id == complaint_id).first())["version"]
    await workflow.transition(inspector, complaint_id, ComplaintTransition(status="accepted", version=version))
    worker = await ComplaintWorker.select(ComplaintWorker.id).where(ComplaintWorker.complaint == complaint_id).first()
    await workflow.record_recovery(inspector, complaint_id, Recovery(complaint_worker_id=worker["id"],
                                                                     amount=15_000_00, version=version + 1))
    await workflow.transition(inspector, complaint_id, ComplaintTransition(
        status="closed", version=version + 2, outcome="partly_paid", note="雇主支付了部分工资"))


def assert_nothing_personal(page: str) -> None:
    for private in ("张三", "李四", COMPLAINANT_ID, WORKER_ID, "13800001111", "辽中区某街1号", "沈阳某建筑工程有限公司",
                    "王老板", "20,000", "拖欠三个月工资", "雇主支付了部分工资"):
        assert private not in page, private


async def test_tracking_with_the_code_shows_status_deadline_and_outcome_and_nobody(client):
    complaint_id, number, secret = await file_by_service()
    response = await track(client, number.lower(), " " + secret[:4] + "-" + secret[4:].lower())
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = text(response)
    row = await Complaint.select().where(Complaint.id == complaint_id).first()
    assert number in page and "Complaint (by or for the worker)" in page
    assert "Received, awaiting decision" in page
    assert f"{i18n.format_date(row['decide_by'], 'long')}: Decide whether to accept" in page
    assert "Outcome" not in page
    assert_nothing_personal(page)

    await close_partly_paid(complaint_id)
    page = text(await track(client, number, secret))
    assert 'id="tracking-status" class="public-status complaint-status-closed">Closed<' in page
    assert "Wages partly paid" in page and "CN¥15,000.00" in page
    assert i18n.format_date(today(), "long") in page  # the closing date
    assert "Next deadline" not in page
    assert_nothing_personal(page)


async def test_tracking_with_the_last_four_of_the_identity_number(client):
    _complaint_id, number, _secret = await file_by_service()
    response = await track(client, number, COMPLAINANT_ID[-4:].lower())
    assert response.status_code == 200 and "Received, awaiting decision" in text(response)
    # The worker's number is not the complainant's.
    assert (await track(client, number, WORKER_ID[-4:])).status_code == 400


async def test_a_wrong_code_and_an_unknown_number_answer_the_same(client):
    _complaint_id, number, secret = await file_by_service()
    wrong = await track(client, number, "ZZZZZZZZ" if secret != "ZZZZZZZZ" else "YYYYYYYY")
    unknown = await track(client, "TS2026ABCDEFGH" if number != "TS2026ABCDEFGH" else "TS2026HGFEDCBA", secret)
    assert wrong.status_code == unknown.status_code == 400
    assert "No complaint matches this tracking number and code." in text(wrong)
    assert without_token(wrong.text) == without_token(unknown.text)
    assert number not in wrong.text and secret not in wrong.text


async def test_a_rejection_shows_its_reason_and_where_to_go(client):
    complaint_id, number, secret = await file_by_service()
    await Complaint.update({Complaint.status: "rejected", Complaint.reject_reason: "labour_dispute",
                            Complaint.decision_note: "请向区劳动人事争议仲裁委员会申请仲裁。",
                            Complaint.closed_on: today()}).where(Complaint.id == complaint_id)
    page = text(await track(client, number, secret))
    assert "Not accepted" in page and "A labour dispute for arbitration or the courts" in page
    assert "请向区劳动人事争议仲裁委员会申请仲裁。" in page
    assert_nothing_personal(page)


async def test_a_request_to_supplement_shows_what_to_add(client):
    complaint_id, number, secret = await file_by_service()
    await Complaint.update({Complaint.status: "supplement_requested",
                            Complaint.decision_note: "请补充劳动合同或工资条。"}).where(Complaint.id == complaint_id)
    page = text(await track(client, number, secret))
    assert "Waiting for the complainant to supplement" in page and "What to add" in page
    assert "请补充劳动合同或工资条。" in page


async def test_a_deadline_the_calendar_does_not_reach_is_not_yet_available(client):
    complaint_id, number, secret = await file_by_service()
    await Complaint.update({Complaint.status: "investigating", Complaint.investigate_by: None}).where(
        Complaint.id == complaint_id)
    page = text(await track(client, number, secret))
    assert "Under investigation" in page
    assert "Not yet available (Finish the investigation)" in page


async def test_tracking_is_limited_after_five_failures_from_one_address(client, other_client):
    _complaint_id, number, secret = await file_by_service()
    limit, _window = LIMITS["track_failed"]
    for n in range(limit):
        assert (await track(client, number, f"WRONG{n:03d}")).status_code == 400
    response = await track(client, number, secret)  # even the right code waits now
    assert response.status_code == 429
    assert "Too many attempts. Please try again later." in text(response)
    assert number not in response.text
    found = await track(other_client, number, secret)
    assert found.status_code == 200 and "Received, awaiting decision" in text(found)


async def test_blank_fields_are_asked_for_without_a_look_up(client):
    token = await page_token(client, "/complaint/track")
    response = await client.post("/complaint/track", data={"tracking_no": " ", "code": "", "csrf_token": token})
    assert response.status_code == 400
    page = text(response)
    assert 'id="tracking_no-error">Enter the tracking number.' in page and 'id="code-error">' in page
    assert await PublicAttempt.count() == 0


# ---- languages ------------------------------------------------------------------------------------------------

async def test_chinese_by_default_and_english_on_request(client):
    complaint_id, number, secret = await file_by_service()
    await close_partly_paid(complaint_id)

    english = text(await track(client, number, secret))
    assert '<html lang="en">' in english and ">Closed<" in english and "CN¥15,000.00" in english
    assert in_locale("en", i18n.format_date, today(), "long") in english

    del client.headers["Accept-Language"]  # a browser that says nothing gets Chinese
    chinese = text(await track(client, number, secret))
    assert '<html lang="zh-CN">' in chinese
    assert in_locale("zh_CN", i18n.gettext, "Closed") in chinese and "已结案" in chinese
    assert in_locale("zh_CN", i18n.format_date, today(), "long") in chinese  # e.g. 2026年11月28日
    assert in_locale("zh_CN", i18n.format_money, 15_000_00, "CNY") in chinese  # ¥15,000.00
    assert in_locale("zh_CN", i18n.gettext, "Wages partly paid") in chinese
    assert ">Closed<" not in chinese
    assert_nothing_personal(chinese)

    # The site's language switch works on these pages too.
    token = await page_token(client, "/complaint/")
    response = await client.post("/lang", data={"locale": "en", "next": "/complaint/", "csrf_token": token})
    assert response.status_code in (302, 303) and response.headers["location"] == "/complaint/"
    page = text(await client.get("/complaint/"))
    assert '<html lang="en">' in page and "What the law promises" in page


async def test_the_form_and_its_messages_in_chinese(client):
    del client.headers["Accept-Language"]
    page = text(await client.get("/complaint/file"))
    assert '<html lang="zh-CN">' in page
    assert in_locale("zh_CN", i18n.gettext, "Choose one of the listed values.") == "请从列出的选项中选择。"
    response = await send(client, complaint_form(kind="", worker_currency_0="XXX"))
    assert response.status_code == 400
    assert '<span class="field-error" id="kind-error">请从列出的选项中选择。</span>' in text(response)
    assert await counts() == (0, 0, 0)


async def test_full_width_and_chinese_codes_are_read_without_an_error(client):
    """Chinese input methods type full-width characters; anything typed gets an answer, never an error page."""
    _complaint_id, number, secret = await file_by_service()
    assert (await track(client, number, "张三李四")).status_code == 400
    full_width = COMPLAINANT_ID[-4:].translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert (await track(client, number, full_width)).status_code == 200
    full_width_number = number.translate({ord(c): ord(c) + 0xFEE0 for c in number})
    assert (await track(client, full_width_number, secret)).status_code == 200
