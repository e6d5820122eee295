"""Receiving complaints and reports: each bad field named and nothing written, workers linked to the pool, the
desk a complaint is routed to, collective complaints, evidence files, and a reporter kept confidential."""

from __future__ import annotations

import datetime as dt
import json
import re

import msgspec
import pytest

from export_mgmt import idnumber
from export_mgmt.accounts.passwords import verify_password
from export_mgmt.complaints import intake
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.schemas import Evidence
from export_mgmt.complaints.services import ComplaintFilter
from export_mgmt.complaints.tables import ComplaintDocument
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.i18n import _
from export_mgmt.placements.rules import MAX_AMOUNT
from export_mgmt.uploads import MAX_BYTES, upload_dir
from tests.integration.complaints.helpers_services import (
    HEPING,
    JPEG,
    LIAOZHONG,
    MONDAY,
    PDF,
    PNG,
    audit_text,
    complaint,
    counts,
    file,
    id_number,
    notified,
    report,
    row,
    worker,
    workers_of,
)
from tests.integration.placements.helpers_rules import (
    actor,
    add_employer,
    add_worker,
    insert_placement,
    licensed_agency,
)

D = dt.date


async def refused(who, data, evidence=()) -> dict:
    """The intake is refused and nothing at all is written; returns the errors (field -> message)."""
    before = await counts()
    with pytest.raises(FormErrors) as caught:
        await intake.file(who, data, list(evidence), on=MONDAY)
    assert await counts() == before
    return caught.value.errors


# ---- a good complaint ----------------------------------------------------------------------------------------------

async def test_a_complaint_is_written_whole_with_a_tracking_number_and_a_hashed_secret():
    supervisor = await actor("supervisor")
    data = complaint(workers=[worker("张三", 1_500_000, number=id_number()), worker("王五", 600_000, months=2)])
    filed = await file(None, data, evidence=[Evidence(filename="合同.pdf", data=PDF, kind="contract")])
    assert re.fullmatch(r"TS2024[0-9A-HJKMNP-TV-Z]{8}", filed.tracking_no)
    assert len(filed.secret) == 8 and filed.route == LIAOZHONG and filed.decide_by == D(2024, 3, 11)
    r = await row(filed.id)
    assert (r["status"], r["channel"], r["received_on"], r["created_by"]) == ("received", "online", MONDAY, "")
    assert r["secret_hash"] != filed.secret and await verify_password(r["secret_hash"], filed.secret)
    assert [(w["name"], w["amount_owed"], w["months_owed"]) for w in await workers_of(filed.id)] == [
        ("张三", 1_500_000, 3), ("王五", 600_000, 2)]
    # The supervisors hear of it, with the date it must be decided by.
    assert await notified("complaint_received") == [
        (supervisor.id, f"complaint-received:{filed.id}", {"tracking": filed.tracking_no, "date": "2024-03-11"})]


async def test_two_complaints_get_different_tracking_numbers_and_secrets():
    first, second = await file(), await file()
    assert first.tracking_no != second.tracking_no and first.secret != second.secret


# ---- each bad field --------------------------------------------------------------------------------------------

BAD_FIELDS = [
    (dict(kind="petition"), "kind"),
    (dict(anonymous=True), "anonymous"),  # a complaint needs the complainant
    (dict(complainant_name="  ", workers=[worker()]), "complainant_name"),
    (dict(complainant_name="张" * 101, workers=[worker()]), "complainant_name"),
    (dict(complainant_id_number="210115198505050001", workers=[worker()]), "complainant_id_number"),  # check character
    (dict(complainant_id_number="21011519850505", workers=[worker()]), "complainant_id_number"),
    (dict(complainant_phone=""), "complainant_phone"),
    (dict(complainant_phone="call me"), "complainant_phone"),
    (dict(relationship="boss"), "relationship"),
    (dict(respondent_name=""), "respondent_name"),
    (dict(work_place="210202"), "work_place"),  # a county of another city
    (dict(work_place=""), "work_place"),
    (dict(work_place="ABROAD", work_country="CN"), "work_country"),
    (dict(work_place="ABROAD", work_country="K1"), "work_country"),
    (dict(arrears_from="2024-03-05", arrears_to=""), "arrears_from"),  # after the day of receipt
    (dict(arrears_to="2024-03-05"), "arrears_to"),
    (dict(arrears_from="1.6.2023"), "arrears_from"),
    (dict(arrears_to="2023-05-31"), "arrears_to"),  # before the start
    (dict(facts=" "), "facts"),
    (dict(facts="欠" * 8001), "facts"),
    (dict(request="请" * 2001), "request"),
    (dict(workers=[]), "workers"),
    (dict(workers=[worker(" ")]), "workers.0.name"),
    (dict(workers=[worker(number="210115198505059999")]), "workers.0.id_number"),
    (dict(workers=[worker(currency="EUR")]), "workers.0.currency"),
    (dict(workers=[worker(amount=MAX_AMOUNT + 1)]), "workers.0.amount_owed"),
    (dict(workers=[worker(amount=-1)]), "workers.0.amount_owed"),
    (dict(workers=[worker(months=121)]), "workers.0.months_owed"),
    (dict(workers=[worker(name="甲")] * 201), "workers"),
]


@pytest.mark.parametrize(("fields", "key"), BAD_FIELDS, ids=[f"{k}-{n}" for n, (_, k) in enumerate(BAD_FIELDS)])
async def test_a_bad_field_is_named_and_nothing_is_written(fields, key):
    errors = await refused(None, complaint(**fields))
    assert set(errors) == {key}, errors
    assert errors[key]


async def test_the_same_worker_twice_is_refused():
    number = id_number()
    errors = await refused(None, complaint(workers=[worker("张三", number=number), worker("张三", number=number)]))
    assert set(errors) == {"workers.1.id_number"}


async def test_every_problem_at_once():
    errors = await refused(None, complaint(complainant_name="", complainant_phone="", facts="", work_place="X",
                                           workers=[worker("", currency="XYZ")]))
    assert set(errors) == {"complainant_name", "complainant_phone", "facts", "work_place", "workers.0.name",
                           "workers.0.currency"}


@pytest.mark.parametrize(("fields", "key"), [
    (dict(channel="fax"), "channel"),
    (dict(channel="phone"), "oral_confirmed"),  # an oral complaint is read back and confirmed
    (dict(channel="walk_in"), "oral_confirmed"),
    (dict(employer_id=999_999), "employer_id"),
    (dict(placement_id=999_999), "placement_id"),
    (dict(agency_id=999_999), "agency_id"),
])
async def test_a_bad_field_at_the_desk(fields, key):
    errors = await refused(await actor("inspector"), complaint(**fields))
    assert set(errors) == {key}


async def test_the_desk_records_an_oral_complaint_confirmed_and_who_took_it():
    inspector = await actor("inspector", username="desk1")
    filed = await file(inspector, complaint(channel="phone", oral_confirmed=True))
    r = await row(filed.id)
    assert (r["channel"], r["oral_confirmed"], r["created_by"]) == ("phone", True, "desk1")


async def test_the_public_form_is_always_online_and_never_oral():
    filed = await file(None, complaint(channel="phone", oral_confirmed=True))
    r = await row(filed.id)
    assert (r["channel"], r["oral_confirmed"]) == ("online", False)


@pytest.mark.parametrize("role", ["supervisor", "county_clerk", "agency_staff"])
async def test_only_inspectors_and_administrators_take_complaints_at_the_desk(role):
    who = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    before = await counts()
    with pytest.raises(AccessDenied):
        await intake.file(who, complaint(channel="walk_in", oral_confirmed=True), on=MONDAY)
    assert await counts() == before


async def test_the_public_cannot_name_a_respondent_by_its_record_number():
    """The public form links no employer by id; it must name the respondent."""
    employer_id = await add_employer("CN", name="沈阳某电子厂")
    errors = await refused(None, complaint(respondent_name="", employer_id=employer_id))
    assert set(errors) == {"respondent_name"}
    filed = await file(None, complaint(respondent_name="某电子厂", employer_id=employer_id))
    assert (await row(filed.id))["employer"] is None


# ---- the worker pool ---------------------------------------------------------------------------------------------

async def test_workers_whose_identity_number_is_in_the_pool_are_linked():
    pooled_id, pooled_number = await add_worker("赵六", born=D(1990, 2, 2))
    filed = await file(None, complaint(complainant_name="赵六", complainant_id_number=pooled_number, workers=[
        worker("赵六", number=pooled_number.lower()), worker("钱七"), worker("孙八", number="")]))
    links = [(w["name"], w["worker"]) for w in await workers_of(filed.id)]
    assert links == [("赵六", pooled_id), ("钱七", None), ("孙八", None)]


async def test_a_fifteen_digit_number_is_stored_and_linked_in_its_eighteen_digit_form():
    pooled_id, number = await add_worker("周九", born=D(1965, 3, 3))
    old = number[:6] + number[8:17]  # the 15-digit form drops the century and the check character
    filed = await file(None, complaint(workers=[worker("周九", number=old)]))
    w = (await workers_of(filed.id))[0]
    assert (w["id_number"], w["worker"]) == (number, pooled_id)


# ---- routing ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "route"), [
    (dict(work_place=LIAOZHONG), LIAOZHONG),
    (dict(work_place=HEPING), HEPING),
    (dict(work_place="OUTSIDE", work_location="江苏省苏州市"), "CITY"),
    (dict(work_place="ABROAD", work_country="jp"), "OVERSEAS"),
])
async def test_the_public_form_is_routed_by_where_the_work_was_done(fields, route):
    filed = await file(None, complaint(**fields))
    r = await row(filed.id)
    assert filed.route == r["route"] == route
    if route == "OVERSEAS":
        assert r["work_country"] == "JP"
    else:
        assert r["work_country"] == "CN"


async def test_a_county_complaint_is_announced_to_that_county_and_the_supervisors():
    supervisor = await actor("supervisor")
    liaozhong = await actor("county_clerk", county_code=LIAOZHONG)
    await actor("county_clerk", county_code=HEPING)
    await file(None, complaint(work_place=LIAOZHONG))
    assert sorted(n[0] for n in await notified("complaint_received")) == sorted([supervisor.id, liaozhong.id])


async def test_a_foreign_employer_sends_the_complaint_to_the_overseas_desk():
    inspector = await actor("inspector")
    employer_id = await add_employer("KR", name="Daesung Foods")
    filed = await file(inspector, complaint(respondent_name="", work_place=LIAOZHONG, employer_id=employer_id))
    r = await row(filed.id)
    assert (r["route"], r["employer"], r["respondent_name"]) == ("OVERSEAS", employer_id, "Daesung Foods")


async def test_a_domestic_employer_in_the_city_leaves_the_complaint_with_the_county():
    inspector = await actor("inspector")
    employer_id = await add_employer("CN", name="辽中某厂")
    filed = await file(inspector, complaint(respondent_name="", work_place=LIAOZHONG, employer_id=employer_id))
    assert (await row(filed.id))["route"] == LIAOZHONG


async def test_a_placement_abroad_brings_its_agency_and_employer_and_the_overseas_desk():
    inspector = await actor("inspector")
    agency_id = await licensed_agency("甲劳务公司")
    pooled_id, number = await add_worker("吴十", status="abroad")
    employer_id = await add_employer("KR", name="Hanil Steel")
    placement_id = await insert_placement(pooled_id, agency_id, "kr_eps_e9", employer_id=employer_id)
    filed = await file(inspector, complaint(work_place="OUTSIDE", placement_id=placement_id, respondent_name="",
                                            employer_id=employer_id, workers=[worker("吴十", number=number)]))
    r = await row(filed.id)
    assert (r["route"], r["placement"], r["agency"], r["employer"], r["respondent_name"]) == (
        "OVERSEAS", placement_id, agency_id, employer_id, "Hanil Steel")
    assert (await workers_of(filed.id))[0]["worker"] == pooled_id


async def test_the_placement_alone_names_the_employer_as_respondent():
    inspector = await actor("inspector")
    agency_id = await licensed_agency("乙劳务公司")
    pooled_id, number = await add_worker("郑十一", status="abroad")
    employer_id = await add_employer("KR", name="Daewoo Marine")
    placement_id = await insert_placement(pooled_id, agency_id, "kr_eps_e9", employer_id=employer_id)
    filed = await file(inspector, complaint(work_place="OUTSIDE", placement_id=placement_id, respondent_name="",
                                            workers=[worker("郑十一", number=number)]))
    r = await row(filed.id)
    assert (r["employer"], r["respondent_name"], r["route"]) == (employer_id, "Daewoo Marine", "OVERSEAS")
    # Without a placement or an employer, the desk must still name whom the complaint is against.
    errors = await refused(inspector, complaint(respondent_name=""))
    assert "respondent_name" in errors


async def test_a_domestic_placement_goes_to_the_city_desk():
    inspector = await actor("inspector")
    agency_id = await licensed_agency("乙劳务公司")
    pooled_id, number = await add_worker("郑一", status="placed")
    placement_id = await insert_placement(pooled_id, agency_id, "domestic")
    filed = await file(inspector, complaint(work_place=LIAOZHONG, placement_id=placement_id))
    assert (await row(filed.id))["route"] == "CITY"


# ---- collective complaints ----------------------------------------------------------------------------------------

def crew(n: int, representatives: int) -> list:
    return [worker(f"工人{i}", 500_000, representative=i < representatives) for i in range(n)]


@pytest.mark.parametrize("representatives", [0, 6])
async def test_ten_or_more_workers_name_one_to_five_representatives(representatives):
    errors = await refused(None, complaint(workers=crew(10, representatives)))
    assert set(errors) == {"workers"}


@pytest.mark.parametrize(("n", "representatives"), [(10, 1), (10, 5), (12, 3), (9, 0)])
async def test_a_collective_complaint_with_its_representatives(n, representatives):
    filed = await file(None, complaint(workers=crew(n, representatives)))
    ws = await workers_of(filed.id)
    assert len(ws) == n and sum(w["representative"] for w in ws) == representatives


# ---- evidence files ------------------------------------------------------------------------------------------------

async def test_pdf_png_and_jpeg_evidence_is_stored_under_random_names():
    evidence = [Evidence(filename="合同.pdf", data=PDF, kind="contract"),
                Evidence(filename="../../工资条.png", data=PNG, kind="pay_slips"),
                Evidence(filename="欠条.jpeg", data=JPEG, kind="iou")]
    before = await counts()
    filed = await file(None, complaint(), evidence=evidence)
    docs = await ComplaintDocument.select().where(ComplaintDocument.complaint == filed.id).order_by(
        ComplaintDocument.id)
    assert [(d["filename"], d["content_type"], d["kind"], d["size"]) for d in docs] == [
        ("合同.pdf", "application/pdf", "contract", len(PDF)), ("工资条.png", "image/png", "pay_slips", len(PNG)),
        ("欠条.jpeg", "image/jpeg", "iou", len(JPEG))]
    new_files = (await counts())["files"] - before["files"]
    assert new_files == {d["stored_name"] for d in docs}
    for d in docs:
        assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg)", d["stored_name"])
        assert (upload_dir() / d["stored_name"]).read_bytes() in (PDF, PNG, JPEG)


async def test_ten_files_are_allowed():
    filed = await file(None, complaint(), evidence=[Evidence(filename=f"{n}.pdf", data=PDF) for n in range(10)])
    assert await ComplaintDocument.count().where(ComplaintDocument.complaint == filed.id) == 10


@pytest.mark.parametrize("bad", [
    Evidence(filename="空.pdf", data=b""),
    Evidence(filename="大.pdf", data=b"%PDF-" + b"0" * MAX_BYTES),  # one byte over 10 MB
    Evidence(filename="假.pdf", data=b"MZ\x90\x00 this is a program, renamed"),
    Evidence(filename="说明.pdf", data="我的工资被拖欠了".encode()),
    Evidence(filename="合同.pdf", data=PDF, kind="selfie"),
], ids=["empty", "too-large", "executable", "text", "unknown-kind"])
async def test_one_bad_file_and_nothing_is_written(bad):
    good = [Evidence(filename="合同.pdf", data=PDF), Evidence(filename="工资条.png", data=PNG)]
    errors = await refused(None, complaint(), [good[0], bad, good[1]])
    assert set(errors) == {"documents"}


async def test_a_file_of_exactly_ten_megabytes_is_taken():
    filed = await file(None, complaint(), evidence=[Evidence(filename="扫描.pdf",
                                                             data=b"%PDF-" + b"0" * (MAX_BYTES - 5))])
    assert (await ComplaintDocument.select(ComplaintDocument.size).first())["size"] == MAX_BYTES
    assert filed.id


async def test_at_most_ten_files():
    errors = await refused(None, complaint(), [Evidence(filename=f"{n}.pdf", data=PDF) for n in range(11)])
    assert set(errors) == {"documents"}


async def test_a_bad_file_is_reported_with_the_bad_fields():
    errors = await refused(None, complaint(facts=""), [Evidence(filename="x.pdf", data=b"")])
    assert set(errors) == {"facts", "documents"}


# ---- anonymous and confidential reporters ----------------------------------------------------------------------------

REPORTER = dict(complainant_name="李举报", complainant_phone="13911112222", complainant_address="和平区举报路8号")


async def test_an_anonymous_report_stores_nothing_about_the_reporter():
    filed = await file(None, report(anonymous=True, **REPORTER, complainant_id_number=id_number(D(1970, 7, 7))))
    r = await row(filed.id)
    assert (r["anonymous"], r["complainant_name"], r["complainant_id_number"], r["complainant_phone"],
            r["complainant_address"], r["relationship"]) == (True, "", "", "", "", "other")
    assert "李举报" not in await audit_text(filed.id)


async def test_an_anonymous_report_needs_no_name_or_telephone():
    filed = await file(None, report(anonymous=True, complainant_name="", complainant_phone="",
                                    complainant_id_number="bad number"))
    assert (await row(filed.id))["anonymous"]


@pytest.fixture
async def reported():
    """A named report about 辽中区 and the people who might read it."""
    number = id_number(D(1970, 7, 7))
    filed = await file(None, report(**REPORTER, complainant_id_number=number, workers=[worker("被欠薪工人")]),
                       evidence=[Evidence(filename="李举报身份证.jpg", data=JPEG, kind="id_copy")])
    document_id = (await ComplaintDocument.select(ComplaintDocument.id).first())["id"]
    return dict(id=filed.id, number=number, tracking=filed.tracking_no, document=document_id)


def secrets_of(reported: dict) -> list[str]:
    """Everything that would identify the reporter, including the parts of a masked identity number."""
    return [REPORTER["complainant_name"], REPORTER["complainant_phone"], REPORTER["complainant_address"],
            reported["number"], idnumber.mask(reported["number"])]


def dumped(value) -> str:
    return json.dumps(msgspec.to_builtins(value), ensure_ascii=False)


@pytest.mark.parametrize("role", ["admin", "supervisor", "inspector", "county_clerk"])
async def test_a_reporter_is_hidden_from_everyone_not_handling_the_report(reported, role):
    who = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    c = await complaints.get(who, reported["id"])
    assert not c.reporter_visible
    assert (c.complainant_name, c.complainant_id_number, c.complainant_phone, c.complainant_address) == (
        "***", "***", "***", "***")
    page = await complaints.search(who, ComplaintFilter())
    assert [(s.id, s.complainant) for s in page.items] == [(reported["id"], "***")]
    for text in (dumped(c), dumped(page)):
        for secret in secrets_of(reported):
            assert secret not in text
    for entry in await complaints.history(who, reported["id"]):
        for secret in secrets_of(reported):
            assert secret not in json.dumps(entry.changes, ensure_ascii=False)
    # The evidence can name the reporter too (an identity card copy): counted, not listed, not opened.
    assert (c.documents, c.documents_hidden) == ([], 1)
    with pytest.raises(AccessDenied):
        await complaints.document(who, reported["id"], reported["document"])


async def test_the_assigned_inspector_sees_the_reporter(reported):
    inspector = await actor("inspector")
    colleague = await actor("inspector")
    await complaints.assign(inspector, reported["id"], [inspector.id])
    c = await complaints.get(inspector, reported["id"])
    assert c.reporter_visible and c.handling
    assert (c.complainant_name, c.complainant_id_number, c.complainant_phone, c.complainant_address) == (
        "李举报", reported["number"], "13911112222", "和平区举报路8号")
    assert (await complaints.search(inspector, ComplaintFilter())).items[0].complainant == "李举报"
    assert ([d.filename for d in c.documents], c.documents_hidden) == (["李举报身份证.jpg"], 0)
    assert (await complaints.document(inspector, reported["id"], reported["document"]))["kind"] == "id_copy"
    # Being assigned is personal: a colleague not on it still sees nothing.
    assert (await complaints.get(colleague, reported["id"])).complainant_name == "***"
    assert (await complaints.search(colleague, ComplaintFilter())).items[0].complainant == "***"


async def test_the_audit_trail_of_a_report_never_names_the_reporter(reported):
    inspector = await actor("inspector")
    # Evidence added later keeps its file name out of the history too (it can name the reporter).
    added = await intake.add_evidence(inspector, reported["id"], Evidence(filename="李举报的证言.pdf", data=PDF,
                                                                          kind="witness"))
    text = await audit_text(reported["id"])
    assert "被欠薪工人" in text and f"#{added}" in text  # the trail does record the intake and the file
    for secret in secrets_of(reported):
        assert secret not in text


async def test_evidence_added_to_a_complaint_is_named_in_its_history():
    filed = await file(None, complaint())
    await intake.add_evidence(await actor("inspector"), filed.id, Evidence(filename="工资条.png", data=PNG,
                                                                           kind="pay_slips"))
    assert "工资条.png" in await audit_text(filed.id)
    c = await complaints.get(await actor("supervisor"), filed.id)
    assert ([d.filename for d in c.documents], c.documents_hidden) == (["工资条.png"], 0)


async def test_evidence_added_later_is_checked_like_the_intake():
    filed = await file(None, complaint())
    inspector = await actor("inspector")
    before = await counts()
    for bad, key in ((Evidence(filename="x.pdf", data=b"plain text"), "document"),
                     (Evidence(filename="x.pdf", data=PDF, kind="selfie"), "kind")):
        with pytest.raises(FormErrors) as caught:
            await intake.add_evidence(inspector, filed.id, bad)
        assert set(caught.value.errors) == {key}
    with pytest.raises(AccessDenied):
        await intake.add_evidence(await actor("supervisor"), filed.id, Evidence(filename="x.pdf", data=PDF))
    assert await counts() == before


async def test_an_anonymous_report_reads_as_anonymous():
    filed = await file(None, report(anonymous=True, workers=[]))
    inspector = await actor("inspector")
    await complaints.assign(inspector, filed.id, [inspector.id])
    c = await complaints.get(inspector, filed.id)
    assert (c.anonymous, c.reporter_visible, c.complainant_name, c.complainant_phone) == (True, False, "", "")
    assert (await complaints.search(inspector, ComplaintFilter())).items[0].complainant == _("Anonymous")


# ---- a complaint's complainant, and identity numbers by role -------------------------------------------------------

@pytest.mark.parametrize(("role", "full"), [("admin", True), ("inspector", True), ("county_clerk", True),
                                            ("supervisor", False)])
async def test_identity_numbers_in_full_only_for_roles_that_act_on_a_person(role, full):
    number, other = id_number(), id_number()
    filed = await file(None, complaint(complainant_id_number=number, payout_account="6222020200001234567",
                                       workers=[worker("张三", number=number), worker("王五", number=other)]))
    who = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    c = await complaints.get(who, filed.id)
    assert c.complainant_name == "张三" and c.reporter_visible  # a complaint's complainant is no secret
    shown = [c.complainant_id_number] + [w.id_number for w in c.workers]
    if full:
        assert shown == [number, number, other]
    else:
        assert shown == [idnumber.mask(number), idnumber.mask(number), idnumber.mask(other)]
        assert number not in dumped(c) and other not in dumped(c)
    # The payout account: for those who act on the complaint and the supervisors.
    assert c.payout_account == ("***" if role == "county_clerk" else "6222020200001234567")


async def test_the_audit_trail_of_a_complaint_holds_no_identity_number_telephone_or_account():
    number = id_number()
    filed = await file(None, complaint(complainant_id_number=number, payout_account="6222020200001234567",
                                       workers=[worker("张三", number=number)]))
    text = await audit_text(filed.id)
    assert "张三" in text
    for secret in (number, "13800000000", "辽中区蒲东街道1号", "6222020200001234567", "secret_hash"):
        assert secret not in text


@pytest.mark.parametrize("role", ["agency_staff", "county_clerk"])
async def test_no_complaint_outside_the_readers_scope(role):
    filed = await file(None, complaint(work_place=HEPING))
    agency_id = await licensed_agency("丙劳务公司") if role == "agency_staff" else None
    who = await actor(role, agency_id=agency_id, county_code=LIAOZHONG if role == "county_clerk" else None)
    if role == "agency_staff":
        with pytest.raises(AccessDenied):
            await complaints.search(who, ComplaintFilter())
        with pytest.raises(AccessDenied):
            await complaints.get(who, filed.id)
    else:
        assert (await complaints.search(who, ComplaintFilter())).items == []
        assert await complaints.counts(who) == {"open": 0, "overdue": 0}


async def test_an_agency_sees_complaints_about_it_without_the_complainant():
    agency_id = await licensed_agency("丁劳务公司")
    other_agency = await licensed_agency("戊劳务公司")
    inspector = await actor("inspector")
    filed = await file(inspector, complaint(agency_id=agency_id, workers=[worker("张三", 1_000_000)]))
    staff = await actor("agency_staff", agency_id=agency_id)
    rows = await complaints.about(staff, agency_id=agency_id)
    # No tracking number either: with one, the agency could probe the public tracking page.
    assert [(r["id"], r["tracking_no"], r["workers"], r["amount_owed_cny"], r["link"]) for r in rows] == [
        (filed.id, "", 1, 1_000_000, False)]
    text = json.dumps(rows, ensure_ascii=False, default=str)
    assert "张三" not in text and filed.tracking_no not in text
    assert await complaints.about(await actor("agency_staff", agency_id=other_agency), agency_id=agency_id) == []
    assert [(r["tracking_no"], r["link"]) for r in await complaints.about(inspector, agency_id=agency_id)] == [
        (filed.tracking_no, True)]
