"""Inspection cases: raised from a follow-up, worked through their statuses, deadlines in working days."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import chinese_calendar
import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.errors import AccessDenied, RecordNotFound
from export_mgmt.followups import services as followups
from export_mgmt.followups.sweeps import generate_rechecks
from export_mgmt.followups.tables import FollowUp
from export_mgmt.inspections import services as cases
from export_mgmt.inspections import workflow
from export_mgmt.inspections.schemas import CaseTransition, ReferralCreate, ReplyCreate
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.notifications.tables import Notification
from export_mgmt.workdays.tables import CalendarDay, CalendarYear
from tests.integration.followups.helpers_schedule import add_followup, found
from tests.integration.placements.helpers_rules import (
    LIAOZHONG,
    actor,
    add_employer,
    add_worker,
    form_errors,
    insert_placement,
    licensed_agency,
    staff,
    today,
)

_seq = itertools.count(100)


# ---- the working-day calendar, counted here independently of export_mgmt.workdays ---------------------------

def covered(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def uncovered_years() -> list[int]:
    """The years a deadline from today can reach that the chinesecalendar package does not know (2027 now)."""
    return [year for year in (today().year, today().year + 1) if not covered(year)]


def holidays(year: int) -> dict[dt.date, bool]:
    """What the test enters for a year: New Year's Day off, the rest by weekday."""
    return {dt.date(year, 1, 1): False}


def working_days_after(start: dt.date, days: int) -> dt.date:
    entered = {day: work for year in uncovered_years() for day, work in holidays(year).items()}
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day in entered:
            work = entered[day]
        elif covered(day.year):
            work = chinese_calendar.is_workday(day)
        else:
            work = day.weekday() < 5
        counted += work
    return day


async def enter_calendar() -> None:
    for year in uncovered_years():
        await CalendarYear.insert(CalendarYear(year=year, source="国务院办公厅通知", entered_by="admin"))
        await CalendarDay.insert(*(CalendarDay(day=day, workday=work, name="元旦")
                                   for day, work in holidays(year).items()))


# ---- set-up ----------------------------------------------------------------------------------------------------

@pytest.fixture
async def world():
    agency_id = await licensed_agency("甲劳务公司")
    other_agency = await licensed_agency("乙劳务公司")
    worker_id, _ = await add_worker("孙七", county_code=LIAOZHONG, status="placed")
    employer_id = await add_employer("CN", name="苏州精密电子有限公司")
    domestic = await insert_placement(worker_id, agency_id, "domestic", "working", employer_id=employer_id)
    abroad_worker, _ = await add_worker("周八", county_code=LIAOZHONG, status="abroad")
    abroad = await insert_placement(abroad_worker, agency_id, "kr_eps_e9", "working",
                                    employer_id=await add_employer("KR", name="Daesung Foods"))
    return dict(agency_id=agency_id, worker_id=worker_id, employer_id=employer_id, domestic=domestic,
                abroad=abroad, staff=await staff(agency_id), other_staff=await staff(other_agency),
                inspectors=[await actor("inspector") for _ in range(3)], supervisor=await actor("supervisor"),
                admin=await actor("admin"), clerk=await actor("county_clerk", county_code=LIAOZHONG))


async def unpaid_followup(world, placement: str = "domestic", **fields) -> int:
    followup_id = await add_followup(world[placement], seq=next(_seq))
    values = dict(worker_status="wages_unpaid", unpaid_months=3, unpaid_amount=1_200_000, unpaid_currency="CNY",
                  notes="拖欠三个月工资") | fields
    await followups.record(world["staff"], followup_id, found(today() - dt.timedelta(days=1), **values))
    return followup_id


async def raise_case(world, placement: str = "domestic", **fields) -> int:
    return await cases.open_from_followup(world["staff"], await unpaid_followup(world, placement, **fields))


async def row(case_id: int) -> dict:
    return await InspectionCase.select().where(InspectionCase.id == case_id).first()


async def move(who, case_id: int, status: str, version: int | None = None, **fields) -> None:
    version = (await row(case_id))["version"] if version is None else version
    await workflow.transition(who, case_id, CaseTransition(status=status, version=version, **fields))


def later(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


async def investigating(world, case_id: int) -> None:
    await workflow.assign(world["inspectors"][0], case_id, [i.id for i in world["inspectors"][:2]])
    await move(world["inspectors"][0], case_id, "investigating")


# ---- opening -------------------------------------------------------------------------------------------------

async def test_raising_a_case_carries_the_follow_up_over(world):
    followup_id = await unpaid_followup(world)
    case_id = await cases.open_from_followup(world["staff"], followup_id)
    case = await row(case_id)
    assert (case["source"], case["status"], case["followup"]) == ("follow_up", "opened", followup_id)
    assert (case["worker"], case["placement"], case["employer"], case["agency"]) == (
        world["worker_id"], world["domestic"], world["employer_id"], world["agency_id"])
    assert (case["finding"], case["unpaid_months"], case["amount_owed"], case["currency"]) == (
        "wages_unpaid", 3, 1_200_000, "CNY")
    assert (case["respondent_type"], case["respondent_name"]) == ("employer", "苏州精密电子有限公司")
    assert (case["abroad"], case["jurisdiction"]) == (False, "OUTSIDE")
    assert case["facts"] == "拖欠三个月工资" and case["opened_on"] == today()
    assert case["created_by"] == world["staff"].username
    [entry] = await AuditLog.select().where((AuditLog.entity == "inspection_case")
                                            & (AuditLog.entity_id == str(case_id)))
    assert entry["action"] == "opened" and json.loads(entry["changes"])["finding"] == [None, "wages_unpaid"]
    notified = {r["user"] for r in await Notification.select().where(Notification.kind == "case_opened")}
    assert notified == {i.id for i in world["inspectors"]} | {world["supervisor"].id}

    read = await cases.get(world["staff"], case_id)
    assert read.number == f"{today().year}-{case_id:05d}" and read.worker_name == "孙七"
    followup = await followups.get(world["staff"], followup_id)
    assert followup.case_id == case_id and followup.can_raise_case is False

    errors = await form_errors(cases.open_from_followup(world["clerk"], followup_id))
    assert set(errors) == {""}
    assert await InspectionCase.count() == 1


async def test_only_a_recorded_problem_in_ones_own_area_is_raised(world):
    fine = await add_followup(world["domestic"], seq=next(_seq))
    assert set(await form_errors(cases.open_from_followup(world["staff"], fine))) == {""}  # not recorded yet
    await followups.record(world["staff"], fine, found())
    assert set(await form_errors(cases.open_from_followup(world["staff"], fine))) == {""}  # nothing wrong
    problem = await unpaid_followup(world)
    with pytest.raises(RecordNotFound):
        await cases.open_from_followup(world["other_staff"], problem)
    with pytest.raises(AccessDenied):
        await cases.open_from_followup(world["supervisor"], problem)
    assert await InspectionCase.count() == 0
    # A follow-up abroad becomes a referral case: domestic inspection cannot reach a Korean employer.
    case = await row(await raise_case(world, "abroad", unpaid_amount=5_000_000, unpaid_currency="KRW"))
    assert (case["abroad"], case["jurisdiction"], case["currency"], case["amount_owed"]) == (
        True, "ABROAD", "KRW", 5_000_000)


# ---- deadlines -------------------------------------------------------------------------------------------------

async def test_deadlines_wait_for_the_calendar_and_are_filled_once_the_year_is_entered(world):
    if not uncovered_years():
        pytest.skip("the chinesecalendar package covers every year a deadline from today can reach")
    plain = await raise_case(world)
    extended = await raise_case(world)
    assert (await row(plain))["investigate_by"] is None
    assert (await cases.get(world["inspectors"][0], plain)).calendar_missing is True
    await workflow.extend(world["supervisor"], extended, (await row(extended))["version"])
    assert (await row(extended))["extended"] is True and (await row(extended))["investigate_by"] is None
    assert await workflow.fill_missing_deadlines() == 0

    await enter_calendar()
    assert await workflow.fill_missing_deadlines() == 2
    assert (await row(plain))["investigate_by"] == working_days_after(today(), 60)
    assert (await row(extended))["investigate_by"] == working_days_after(today(), 90)
    assert (await cases.get(world["inspectors"][0], plain)).calendar_missing is False
    assert await workflow.fill_missing_deadlines() == 0


async def test_a_case_opened_with_the_calendar_entered_has_its_deadline_at_once(world):
    await enter_calendar()
    case = await row(await raise_case(world))
    assert case["investigate_by"] == working_days_after(today(), 60)


async def test_the_extension_is_given_once_by_a_supervisor_or_administrator(world):
    await enter_calendar()
    case_id = await raise_case(world)
    version = (await row(case_id))["version"]
    for refused in (world["inspectors"][0], world["staff"], world["clerk"]):
        with pytest.raises(AccessDenied):
            await workflow.extend(refused, case_id, version)
    assert set(await form_errors(workflow.extend(world["supervisor"], case_id, version - 1))) == {""}
    assert (await row(case_id))["extended"] is False

    await workflow.extend(world["supervisor"], case_id, version)
    case = await row(case_id)
    assert case["extended"] is True and case["version"] == version + 1
    assert case["investigate_by"] == working_days_after(case["opened_on"], 90)
    assert set(await form_errors(workflow.extend(world["admin"], case_id, case["version"]))) == {""}
    actions = [r["action"] for r in await AuditLog.select(AuditLog.action).where(
        AuditLog.entity == "inspection_case").order_by(AuditLog.id)]
    assert actions == ["opened", "extended"]

    other = await raise_case(world)
    await workflow.extend(world["admin"], other, (await row(other))["version"])
    assert (await row(other))["investigate_by"] == working_days_after(today(), 90)


# ---- transitions -----------------------------------------------------------------------------------------------

async def test_the_investigation_needs_two_inspectors(world):
    case_id = await raise_case(world)
    first, second, _ = world["inspectors"]
    assert set(await form_errors(move(first, case_id, "closed", note="x"))) == {"status"}
    assert set(await form_errors(move(first, case_id, "investigating"))) == {""}
    assert await workflow.assign(first, case_id, [first.id]) == 1
    assert set(await form_errors(move(first, case_id, "investigating"))) == {""}
    # Only active inspectors can be assigned.
    assert set(await form_errors(workflow.assign(first, case_id, [world["supervisor"].id]))) == {"inspector_ids"}
    assert await workflow.assign(first, case_id, [first.id, second.id]) == 1
    notified = {r["user"] for r in await Notification.select().where(Notification.kind == "case_assigned")}
    assert notified == {first.id, second.id}
    await move(first, case_id, "investigating")
    assert (await row(case_id))["status"] == "investigating"
    # Agency staff and supervisors do not work cases.
    for outsider in (world["staff"], world["supervisor"]):
        with pytest.raises(AccessDenied):
            await move(outsider, case_id, "cancelled", note="x")


async def test_a_stale_form_is_refused(world):
    case_id = await raise_case(world)
    await investigating(world, case_id)
    case = await row(case_id)
    errors = await form_errors(move(world["inspectors"][0], case_id, "closed", version=case["version"] - 1,
                                    note="已结案"))
    assert set(errors) == {""}
    assert await row(case_id) == case


async def test_rectification_orders_and_their_re_checks(world):
    case_id = await raise_case(world)
    inspector = world["inspectors"][0]
    await investigating(world, case_id)

    assert set(await form_errors(move(inspector, case_id, "rectification_ordered", amount_ordered=1_200_000))) \
        == {"rectify_by"}
    assert set(await form_errors(move(inspector, case_id, "rectification_ordered", rectify_by=later(0),
                                      amount_ordered=1_200_000))) == {"rectify_by"}
    # Unpaid wages: the order says how much.
    assert set(await form_errors(move(inspector, case_id, "rectification_ordered", rectify_by=later(10)))) \
        == {"amount_ordered"}
    # Additional compensation only when an earlier order was not obeyed.
    assert set(await form_errors(move(inspector, case_id, "rectification_ordered", rectify_by=later(10),
                                      amount_ordered=1_200_000, compensation_percent=50))) == {"compensation_percent"}
    assert (await row(case_id))["orders"] == 0

    await move(inspector, case_id, "rectification_ordered", rectify_by=later(10), amount_ordered=1_200_000)
    case = await row(case_id)
    assert (case["status"], case["orders"], case["rectify_by"], case["amount_ordered"]) == (
        "rectification_ordered", 1, today() + dt.timedelta(days=10), 1_200_000)

    # The re-check comes due once the deadline has passed: one per order, however often the sweep runs.
    assert await generate_rechecks(today() + dt.timedelta(days=10)) == 0
    assert await generate_rechecks(today() + dt.timedelta(days=11)) == 1
    assert await generate_rechecks(today() + dt.timedelta(days=12)) == 0
    [recheck] = await FollowUp.select().where(FollowUp.kind == "recheck")
    assert (recheck["placement"], recheck["seq"], recheck["inspection_case"], recheck["status"]) == (
        world["domestic"], 1, case_id, "pending")
    assert recheck["due_date"] == today() + dt.timedelta(days=13)
    assert recheck["overdue_after"] == today() + dt.timedelta(days=20)

    # The order was ignored: a further order, with 50 to 100 percent additional compensation.
    for percent in (40, 101):
        errors = await form_errors(move(inspector, case_id, "rectification_ordered", rectify_by=later(30),
                                        amount_ordered=1_200_000, compensation_percent=percent))
        assert set(errors) == {"compensation_percent"}
    await move(inspector, case_id, "rectification_ordered", rectify_by=later(30), amount_ordered=1_800_000,
               compensation_percent=50)
    case = await row(case_id)
    assert (case["orders"], case["compensation_percent"], case["amount_ordered"]) == (2, 50, 1_800_000)
    assert await generate_rechecks(today() + dt.timedelta(days=31)) == 1
    assert await generate_rechecks(today() + dt.timedelta(days=31)) == 0
    read = await cases.get(inspector, case_id)
    assert [(r.seq, r.due_date) for r in read.rechecks] == [(1, today() + dt.timedelta(days=13)),
                                                             (2, today() + dt.timedelta(days=33))]

    # Closing needs a note on how it ended; a closed case takes no more orders or re-checks.
    assert set(await form_errors(move(inspector, case_id, "closed", amount_recovered=1_800_000))) == {"note"}
    await move(inspector, case_id, "closed", note="已足额支付", amount_recovered=1_800_000)
    case = await row(case_id)
    assert (case["status"], case["closed_on"], case["outcome"], case["amount_recovered"]) == (
        "closed", today(), "已足额支付", 1_800_000)
    for status in ("investigating", "rectification_ordered", "cancelled"):
        assert set(await form_errors(move(inspector, case_id, status, note="x", rectify_by=later(5),
                                          amount_ordered=1))) == {"status"}
    assert await generate_rechecks(today() + dt.timedelta(days=60)) == 0


async def test_a_case_other_than_unpaid_wages_needs_no_amount(world):
    case_id = await raise_case(world, worker_status="dispute", unpaid_months=0, unpaid_amount=0, unpaid_currency="")
    assert (await row(case_id))["finding"] == "dispute"
    await investigating(world, case_id)
    await move(world["inspectors"][1], case_id, "rectification_ordered", rectify_by=later(15))
    assert (await row(case_id))["orders"] == 1


async def test_cancelling_needs_a_note(world):
    case_id = await raise_case(world)
    inspector = world["inspectors"][0]
    assert set(await form_errors(move(inspector, case_id, "cancelled", note="   "))) == {"note"}
    await move(world["admin"], case_id, "cancelled", note="重复立案")
    case = await row(case_id)
    assert (case["status"], case["closed_on"], case["outcome"]) == ("cancelled", today(), "重复立案")


async def test_a_case_abroad_is_referred_and_closed(world):
    case_id = await raise_case(world, "abroad", unpaid_amount=5_000_000, unpaid_currency="KRW")
    inspector = world["inspectors"][0]
    await workflow.assign(inspector, case_id, [i.id for i in world["inspectors"][:2]])
    for status in ("investigating", "rectification_ordered", "closed"):
        assert set(await form_errors(move(inspector, case_id, status, note="x", rectify_by=later(5),
                                          amount_ordered=1))) == {"status"}
    assert (await cases.get(inspector, case_id)).next_statuses == ["referred", "cancelled"]
    assert set(await form_errors(move(inspector, case_id, "referred"))) == {""}

    referral = await workflow.add_referral(inspector, case_id, ReferralCreate(
        target="sending_agency", sent_on=today().isoformat(), reference="沈人社监〔2026〕12号"))
    await move(inspector, case_id, "referred")
    assert (await row(case_id))["status"] == "referred"
    assert (await cases.get(inspector, case_id)).next_statuses == ["closed"]
    assert set(await form_errors(move(inspector, case_id, "cancelled", note="x"))) == {"status"}
    await workflow.record_reply(inspector, case_id, referral, ReplyCreate(reply="雇主已补发工资",
                                                                         replied_on=today().isoformat()))
    assert set(await form_errors(move(inspector, case_id, "closed"))) == {"note"}
    await move(inspector, case_id, "closed", note="经派出企业协调，工资已补发")
    case = await row(case_id)
    assert (case["status"], case["closed_on"]) == ("closed", today())
    read = await cases.get(inspector, case_id)
    assert [(r.target, r.reply) for r in read.referrals] == [("sending_agency", "雇主已补发工资")]
