"""From complaint to inspection case: opening a case carries the respondent, the workers and their amounts and the
jurisdiction; a complaint is in at most one case; it joins only an open case against the same respondent."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.complaints import workflow
from export_mgmt.errors import AccessDenied
from export_mgmt.inspections.tables import InspectionCase
from tests.integration.complaints.helpers_services import (
    HEPING,
    LIAOZHONG,
    MONDAY,
    complaint,
    counts,
    file,
    force,
    history,
    inspectors,
    move,
    reach,
    report,
    row,
    set_today,
    worker,
)
from tests.integration.placements.helpers_rules import (
    actor,
    add_employer,
    add_worker,
    form_errors,
    insert_placement,
    licensed_agency,
)

D = dt.date


@pytest.fixture
async def desk(monkeypatch):
    set_today(monkeypatch, MONDAY)
    return dict(inspector=await actor("inspector"), team=await inspectors(2))


async def accepted(desk, status: str = "accepted", **fields) -> int:
    filed = await file(desk["inspector"], complaint(**fields))
    await reach(desk["inspector"], filed.id, status, desk["team"])
    return filed.id


async def case_of(case_id: int) -> dict:
    return await InspectionCase.select().where(InspectionCase.id == case_id).first()


async def case_audit(case_id: int) -> list[str]:
    rows = await AuditLog.select(AuditLog.action).where(
        (AuditLog.entity == "inspection_case") & (AuditLog.entity_id == str(case_id))).order_by(AuditLog.id)
    return [r["action"] for r in rows]


# ---- opening a case ------------------------------------------------------------------------------------------------

async def test_a_case_opened_from_a_complaint_carries_its_respondent_workers_and_amounts(desk):
    employer_id = await add_employer("CN", name="沈阳宏达建筑有限公司")
    pooled_id, number = await add_worker("赵六", county_code=LIAOZHONG)
    complaint_id = await accepted(desk, employer_id=employer_id, respondent_name="", work_place=LIAOZHONG, workers=[
        worker("钱七", 900_000, months=2), worker("赵六", 1_500_000, months=4, number=number)])
    case_id = await workflow.open_case(desk["inspector"], complaint_id)
    case = await case_of(case_id)
    tracking = (await row(complaint_id))["tracking_no"]
    assert (case["source"], case["status"], case["employer"], case["agency"], case["worker"]) == (
        "complaint", "opened", employer_id, None, pooled_id)
    assert (case["respondent_type"], case["respondent_name"], case["jurisdiction"], case["abroad"]) == (
        "employer", "沈阳宏达建筑有限公司", LIAOZHONG, False)
    assert (case["finding"], case["unpaid_months"], case["currency"], case["amount_owed"]) == (
        "wages_unpaid", 4, "CNY", 2_400_000)
    assert tracking in case["facts"] and "工地拖欠三个月工资" in case["facts"]
    # Opened today, with the statutory 60 working days.
    assert (case["opened_on"], case["investigate_by"]) == (MONDAY, D(2024, 5, 29))
    r = await row(complaint_id)
    assert (r["inspection_case"], r["status"]) == (case_id, "accepted")
    assert (await history(complaint_id))[-1] == ("case_opened", {"inspection_case": [None, f"#{case_id}"]})
    assert await case_audit(case_id) == ["opened", "complaint_linked"]


async def test_a_complaint_about_work_abroad_opens_an_abroad_case(desk):
    agency_id = await licensed_agency("甲劳务公司")
    pooled_id, number = await add_worker("吴十", status="abroad")
    employer_id = await add_employer("KR", name="Hanil Steel")
    placement_id = await insert_placement(pooled_id, agency_id, "kr_eps_e9", employer_id=employer_id)
    complaint_id = await accepted(desk, placement_id=placement_id, work_place="OUTSIDE", respondent_name="",
                                  employer_id=employer_id, workers=[worker("吴十", 3_000_000, currency="KRW",
                                                                           number=number)])
    assert (await row(complaint_id))["route"] == "OVERSEAS"
    case = await case_of(await workflow.open_case(desk["inspector"], complaint_id))
    assert (case["jurisdiction"], case["abroad"], case["placement"], case["agency"], case["employer"]) == (
        "ABROAD", True, placement_id, agency_id, employer_id)
    assert (case["worker"], case["currency"], case["amount_owed"], case["respondent_name"]) == (
        pooled_id, "KRW", 3_000_000, "Hanil Steel")


async def test_workers_owed_in_several_currencies_make_a_case_in_yuan(desk):
    # KRW 3,000,000 at the indicative 0.0052 is CNY 15,600; with CNY 2,000 owed to the other worker.
    complaint_id = await accepted(desk, workers=[worker("吴十", 300_000_000 // 100, currency="KRW"),
                                                 worker("郑一", 200_000, currency="CNY")])
    case = await case_of(await workflow.open_case(desk["inspector"], complaint_id))
    assert (case["currency"], case["amount_owed"]) == ("CNY", 1_560_000 + 200_000)


async def test_a_complaint_at_the_city_desk_opens_a_city_case(desk):
    complaint_id = await accepted(desk, work_place="OUTSIDE", work_location="江苏省苏州市")
    case = await case_of(await workflow.open_case(desk["inspector"], complaint_id))
    assert (case["jurisdiction"], case["abroad"], case["respondent_type"]) == ("CITY", False, "employer")


async def test_a_complaint_against_an_agency_opens_a_case_against_the_agency(desk):
    agency_id = await licensed_agency("乙劳务公司")
    complaint_id = await accepted(desk, agency_id=agency_id, respondent_name="乙劳务公司")
    case = await case_of(await workflow.open_case(desk["inspector"], complaint_id))
    assert (case["respondent_type"], case["agency"], case["employer"]) == ("agency", agency_id, None)


async def test_a_report_opens_a_case_from_a_report(desk):
    filed = await file(desk["inspector"], report(workers=[worker("被欠薪工人")]))
    await reach(desk["inspector"], filed.id, "investigating", desk["team"])
    assert (await case_of(await workflow.open_case(desk["inspector"], filed.id)))["source"] == "report"


async def test_a_case_is_opened_only_once(desk):
    complaint_id = await accepted(desk)
    case_id = await workflow.open_case(desk["inspector"], complaint_id)
    before = await counts()
    errors = await form_errors(workflow.open_case(desk["inspector"], complaint_id))
    assert set(errors) == {""}
    errors = await form_errors(workflow.join_case(desk["inspector"], complaint_id, case_id))
    assert set(errors) == {""}
    assert await counts() == before and await InspectionCase.count() == 1


@pytest.mark.parametrize("status", ["received", "supplement_requested", "rejected", "closed", "transferred"])
async def test_only_an_accepted_open_complaint_opens_a_case(desk, status):
    filed = await file(desk["inspector"], complaint())
    await reach(desk["inspector"], filed.id, status, desk["team"])
    errors = await form_errors(workflow.open_case(desk["inspector"], filed.id))
    assert set(errors) == {""}
    assert await InspectionCase.count() == 0 and (await row(filed.id))["inspection_case"] is None


@pytest.mark.parametrize("status", ["investigating", "rectification_ordered", "payment_ordered"])
async def test_a_complaint_under_investigation_or_orders_opens_a_case(desk, status):
    complaint_id = await accepted(desk, status=status)
    case_id = await workflow.open_case(desk["inspector"], complaint_id)
    assert (await row(complaint_id))["inspection_case"] == case_id


@pytest.mark.parametrize("role", ["supervisor", "county_clerk"])
async def test_only_inspectors_and_administrators_open_or_join_cases(desk, role):
    complaint_id = await accepted(desk)
    who = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    with pytest.raises(AccessDenied):
        await workflow.open_case(who, complaint_id)
    other = await accepted(desk)
    case_id = await workflow.open_case(desk["inspector"], other)
    with pytest.raises(AccessDenied):
        await workflow.join_case(who, complaint_id, case_id)
    assert (await row(complaint_id))["inspection_case"] is None


# ---- joining a case ---------------------------------------------------------------------------------------------

async def test_a_second_complaint_against_the_same_employer_joins_its_case(desk):
    employer_id = await add_employer("CN", name="沈阳宏达建筑有限公司")
    first = await accepted(desk, employer_id=employer_id, respondent_name="")
    second = await accepted(desk, employer_id=employer_id, respondent_name="宏达建筑")
    case_id = await workflow.open_case(desk["inspector"], first)
    version = (await row(second))["version"]
    await workflow.join_case(desk["inspector"], second, case_id)
    r = await row(second)
    assert (r["inspection_case"], r["version"]) == (case_id, version + 1)
    assert (await history(second))[-1] == ("case_joined", {"inspection_case": [None, f"#{case_id}"]})
    assert await case_audit(case_id) == ["opened", "complaint_linked", "complaint_linked"]
    assert await InspectionCase.count() == 1


async def test_a_case_against_another_employer_is_refused(desk):
    first = await accepted(desk, employer_id=await add_employer("CN"), respondent_name="")
    second = await accepted(desk, employer_id=await add_employer("CN"), respondent_name="")
    case_id = await workflow.open_case(desk["inspector"], first)
    before = await counts()
    errors = await form_errors(workflow.join_case(desk["inspector"], second, case_id))
    assert set(errors) == {"case_id"}
    assert await counts() == before and (await row(second))["inspection_case"] is None


async def test_respondents_without_records_are_matched_by_name(desk):
    first = await accepted(desk, respondent_name="包工头王某")
    same = await accepted(desk, respondent_name="包工头王某")
    other = await accepted(desk, respondent_name="包工头李某")
    case_id = await workflow.open_case(desk["inspector"], first)
    assert set(await form_errors(workflow.join_case(desk["inspector"], other, case_id))) == {"case_id"}
    await workflow.join_case(desk["inspector"], same, case_id)
    assert (await row(same))["inspection_case"] == case_id


async def test_a_complaint_against_an_agency_joins_only_a_case_against_that_agency(desk):
    agency_id = await licensed_agency("丙劳务公司")
    pooled_id, _ = await add_worker("孙七", status="abroad")
    employer_id = await add_employer("KR", name="Daesung Foods")
    placement_id = await insert_placement(pooled_id, agency_id, "kr_eps_e9", employer_id=employer_id)
    # A case against the employer abroad, opened from a complaint about the placement the agency arranged.
    about_employer = await accepted(desk, placement_id=placement_id, employer_id=employer_id, respondent_name="",
                                    work_place="OUTSIDE")
    employer_case = await workflow.open_case(desk["inspector"], about_employer)
    assert (await case_of(employer_case))["respondent_type"] == "employer"
    # A complaint against the agency itself (its fees, its wages withheld) is another respondent.
    about_agency = await accepted(desk, agency_id=agency_id, respondent_name="丙劳务公司")
    errors = await form_errors(workflow.join_case(desk["inspector"], about_agency, employer_case))
    assert set(errors) == {"case_id"}
    agency_case = await workflow.open_case(desk["inspector"], await accepted(desk, agency_id=agency_id,
                                                                             respondent_name="丙劳务公司"))
    await workflow.join_case(desk["inspector"], about_agency, agency_case)
    assert (await row(about_agency))["inspection_case"] == agency_case


async def test_a_complaint_against_an_employer_does_not_join_a_case_against_its_agency(desk):
    agency_id = await licensed_agency("丁劳务公司")
    pooled_id, _ = await add_worker("周八", status="abroad")
    employer_id = await add_employer("KR", name="Hanil Steel")
    placement_id = await insert_placement(pooled_id, agency_id, "kr_eps_e9", employer_id=employer_id)
    agency_case = await workflow.open_case(desk["inspector"], await accepted(desk, agency_id=agency_id,
                                                                             respondent_name="丁劳务公司"))
    # The agency's case, though about the same employer's workers, is not a case against the employer.
    await InspectionCase.update({InspectionCase.employer: employer_id}).where(InspectionCase.id == agency_case)
    about_employer = await accepted(desk, placement_id=placement_id, employer_id=employer_id, respondent_name="",
                                    work_place="OUTSIDE")
    errors = await form_errors(workflow.join_case(desk["inspector"], about_employer, agency_case))
    assert set(errors) == {"case_id"}


@pytest.mark.parametrize("case_status", ["closed", "cancelled"])
async def test_a_closed_case_takes_no_more_complaints(desk, case_status):
    employer_id = await add_employer("CN")
    first = await accepted(desk, employer_id=employer_id, respondent_name="")
    second = await accepted(desk, employer_id=employer_id, respondent_name="")
    case_id = await workflow.open_case(desk["inspector"], first)
    await InspectionCase.update({InspectionCase.status: case_status}).where(InspectionCase.id == case_id)
    errors = await form_errors(workflow.join_case(desk["inspector"], second, case_id))
    assert set(errors) == {"case_id"}
    errors = await form_errors(workflow.join_case(desk["inspector"], second, 999_999))
    assert set(errors) == {"case_id"}


async def test_a_complaint_not_yet_accepted_joins_no_case(desk):
    employer_id = await add_employer("CN")
    case_id = await workflow.open_case(desk["inspector"], await accepted(desk, employer_id=employer_id,
                                                                         respondent_name=""))
    filed = await file(desk["inspector"], complaint(employer_id=employer_id, respondent_name=""))
    assert set(await form_errors(workflow.join_case(desk["inspector"], filed.id, case_id))) == {""}
    await move(desk["inspector"], filed.id, "accepted")
    await force(filed.id, route=HEPING)  # the desk does not matter, the respondent does
    await workflow.join_case(desk["inspector"], filed.id, case_id)
    assert (await row(filed.id))["inspection_case"] == case_id
