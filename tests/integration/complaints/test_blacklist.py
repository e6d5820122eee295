"""Blacklist candidates: a payment order ignored with the amount at Liaoning's criminal threshold, or arrears that
caused a serious incident. The list only proposes; only the city's inspectors, supervisors and admins see it."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.complaints import blacklist, workflow
from export_mgmt.complaints.schemas import Recovery
from export_mgmt.errors import AccessDenied
from tests.integration.complaints.helpers_services import (
    MONDAY,
    complaint,
    file,
    inspectors,
    move,
    reach,
    row,
    set_today,
    worker,
    workers_of,
)
from tests.integration.placements.helpers_rules import actor, add_employer

D = dt.date
DEADLINE = D(2024, 3, 20)  # the payment order's deadline (later(MONDAY))
AFTER = D(2024, 3, 21)


@pytest.fixture
async def desk(monkeypatch):
    set_today(monkeypatch, MONDAY)
    return dict(inspector=await actor("inspector"), team=await inspectors(2))


async def against(desk, employer_id: int | None, amounts: list[int], status: str = "payment_ordered",
                  currency: str = "CNY", respondent: str = "") -> int:
    """A complaint against the employer, walked to `status` with every worker ordered paid in full."""
    workers = [worker(f"工人{n}", amount, currency=currency, representative=n == 0) for n, amount in enumerate(amounts)]
    filed = await file(desk["inspector"], complaint(employer_id=employer_id, respondent_name=respondent,
                                                    workers=workers))
    await reach(desk["inspector"], filed.id, status, desk["team"])
    return filed.id


async def listed(on: dt.date = AFTER, role: str = "supervisor") -> list[blacklist.Candidate]:
    return await blacklist.candidates(await actor(role), on)


# ---- an ignored payment order --------------------------------------------------------------------------------------

async def test_ten_thousand_yuan_owed_to_one_worker_past_the_payment_order(desk):
    employer_id = await add_employer("CN", name="沈阳欠薪建筑公司")
    complaint_id = await against(desk, employer_id, [10_000_00, 2_000_00])
    tracking = (await row(complaint_id))["tracking_no"]
    [c] = await listed()
    assert (c.respondent, c.employer_id, c.complaints) == ("沈阳欠薪建筑公司", employer_id, [(complaint_id, tracking)])
    assert (sorted(c.outstanding_cny), c.total_cny, c.workers) == ([2_000_00, 10_000_00], 12_000_00, 2)
    assert (c.order_ignored, c.serious_incident, c.threshold_reached) == (True, False, True)
    assert c.listed_until == D(2027, 3, 21)  # three years


async def test_not_before_the_payment_orders_deadline_has_passed(desk):
    await against(desk, await add_employer("CN"), [20_000_00])
    assert await listed(DEADLINE) == []
    assert len(await listed(AFTER)) == 1


async def test_just_under_ten_thousand_yuan_for_one_worker_is_not_enough(desk):
    await against(desk, await add_employer("CN"), [9_999_99, 9_999_99])
    assert await listed() == []


async def test_ten_workers_owed_fifty_thousand_yuan_in_all(desk):
    employer_id = await add_employer("CN", name="辽中某服装厂")
    await against(desk, employer_id, [5_000_00] * 10)
    [c] = await listed()
    assert (c.workers, c.total_cny, c.employer_id) == (10, 50_000_00, employer_id)


@pytest.mark.parametrize("amounts", [[4_999_99] * 10, [9_000_00] * 9], ids=["49999.90-in-all", "nine-workers"])
async def test_below_the_collective_threshold(desk, amounts):
    await against(desk, await add_employer("CN"), amounts)
    assert await listed() == []


async def test_amounts_in_foreign_currency_count_at_their_yuan_value(desk):
    # KRW 2,000,000 at the indicative 0.0052 is CNY 10,400.
    await against(desk, await add_employer("KR", name="Hanil Steel"), [2_000_000], currency="KRW")
    [c] = await listed()
    assert c.outstanding_cny == [10_400_00]


async def test_the_amount_ordered_counts_when_it_is_more_than_claimed(desk):
    employer_id = await add_employer("CN")
    complaint_id = await against(desk, employer_id, [5_000_00], status="rectification_ordered")
    [w] = await workers_of(complaint_id)
    await move(desk["inspector"], complaint_id, "payment_ordered", rectify_by="2024-03-20", compensation_percent=100,
               ordered={w["id"]: 10_000_00})
    [c] = await listed()
    assert c.outstanding_cny == [10_000_00]


async def test_a_rectification_order_past_its_deadline_is_not_yet_a_payment_order_ignored(desk):
    await against(desk, await add_employer("CN"), [20_000_00], status="rectification_ordered")
    assert await listed() == []


@pytest.mark.parametrize("status", ["transferred", "closed-by-police"])
async def test_a_transfer_to_the_police_counts_as_ignored(desk, status):
    complaint_id = await against(desk, await add_employer("CN"), [12_000_00], status="transferred")
    if status == "closed-by-police":
        await move(desk["inspector"], complaint_id, "closed", outcome="police", note="公安机关立案")
    # Whatever the date: the order was not obeyed.
    [c] = await listed(MONDAY)
    assert c.order_ignored


# ---- paid back ---------------------------------------------------------------------------------------------------

async def recover(desk, complaint_id: int, worker_id: int, amount: int) -> None:
    await workflow.record_recovery(desk["inspector"], complaint_id, Recovery(
        complaint_worker_id=worker_id, amount=amount, version=(await row(complaint_id))["version"]))


async def test_paid_back_is_not_a_candidate(desk):
    complaint_id = await against(desk, await add_employer("CN"), [15_000_00])
    [w] = await workers_of(complaint_id)
    await recover(desk, complaint_id, w["id"], 15_000_00)
    assert await listed() == []


async def test_partly_paid_back_below_the_threshold_is_not_a_candidate(desk):
    complaint_id = await against(desk, await add_employer("CN"), [15_000_00])
    [w] = await workers_of(complaint_id)
    await recover(desk, complaint_id, w["id"], 5_000_01)
    assert await listed() == []
    await recover(desk, complaint_id, w["id"], 5_000_00)  # corrected: exactly 10,000 still owed
    assert [c.outstanding_cny for c in await listed()] == [[10_000_00]]


async def test_paid_and_closed_is_not_a_candidate(desk):
    complaint_id = await against(desk, await add_employer("CN"), [15_000_00])
    [w] = await workers_of(complaint_id)
    await recover(desk, complaint_id, w["id"], 15_000_00)
    await move(desk["inspector"], complaint_id, "closed", outcome="paid", note="已全额支付")
    assert await listed() == []


# ---- one respondent, several complaints ----------------------------------------------------------------------------

async def test_complaints_against_one_employer_are_one_candidate(desk):
    employer_id = await add_employer("CN", name="沈阳欠薪建筑公司")
    first = await against(desk, employer_id, [6_000_00] * 5)
    second = await against(desk, employer_id, [6_000_00] * 5)
    other = await against(desk, await add_employer("CN"), [1_000_00])
    [c] = await listed()
    assert sorted(i for i, _ in c.complaints) == [first, second] and other not in [i for i, _ in c.complaints]
    assert (c.workers, c.total_cny) == (10, 60_000_00)


async def test_a_respondent_without_an_employer_record_is_known_by_name(desk):
    await against(desk, None, [10_000_00], respondent="某包工头 王某")
    [c] = await listed()
    assert (c.respondent, c.employer_id) == ("某包工头 王某", None)


async def test_larger_amounts_first(desk):
    small = await add_employer("CN", name="小")
    large = await add_employer("CN", name="大")
    await against(desk, small, [11_000_00])
    await against(desk, large, [30_000_00])
    assert [c.employer_id for c in await listed()] == [large, small]


# ---- serious incidents ------------------------------------------------------------------------------------------

async def test_a_serious_incident_makes_a_candidate_whatever_the_amount(desk):
    employer_id = await add_employer("CN", name="出事的公司")
    complaint_id = await against(desk, employer_id, [3_000_00], status="accepted")
    assert await listed() == []
    await workflow.flag_incident(desk["inspector"], complaint_id, True, (await row(complaint_id))["version"])
    [c] = await listed()
    assert (c.employer_id, c.serious_incident, c.order_ignored, c.threshold_reached) == (employer_id, True, False,
                                                                                          False)
    await workflow.flag_incident(desk["inspector"], complaint_id, False, (await row(complaint_id))["version"])
    assert await listed() == []


# ---- who sees the list --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "supervisor", "inspector"])
async def test_the_city_roles_see_the_list(desk, role):
    await against(desk, await add_employer("CN"), [10_000_00])
    assert len(await listed(role=role)) == 1


@pytest.mark.parametrize("role", ["county_clerk", "agency_staff"])
async def test_other_roles_do_not(desk, role):
    await against(desk, await add_employer("CN"), [10_000_00])
    who = await actor(role, county_code="210115" if role == "county_clerk" else None)
    with pytest.raises(AccessDenied):
        await blacklist.candidates(who, AFTER)


async def test_the_list_counts_to_today_by_default(desk, monkeypatch):
    await against(desk, await add_employer("CN"), [10_000_00])
    assert await blacklist.candidates(desk["inspector"]) == []  # today is still Monday 4 March
    set_today(monkeypatch, AFTER)
    assert len(await blacklist.candidates(desk["inspector"])) == 1
