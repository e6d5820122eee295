"""Working a complaint: every transition the law allows, every one it does not, the conditions of each, the
two-year limit, stale versions, roles, recovery and rerouting. A refused action writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.complaints import rules, workflow
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.schemas import ComplaintTransition, Recovery
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.placements.rules import MAX_AMOUNT
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
    later,
    move,
    notified,
    order_all,
    reach,
    row,
    set_today,
    step_data,
    worker,
    workers_of,
)
from tests.integration.placements.helpers_rules import actor

D = dt.date
STATUSES = list(rules.TRANSITIONS)
ALLOWED = [(s, t) for s, targets in rules.TRANSITIONS.items() for t in targets]
REFUSED = [(s, t) for s in STATUSES for t in STATUSES if t not in rules.TRANSITIONS[s]]


@pytest.fixture
async def desk(monkeypatch):
    """An inspector at the desk on Monday 4 March 2024, two colleagues for investigations, and a complaint."""
    set_today(monkeypatch, MONDAY)
    inspector = await actor("inspector")
    team = await inspectors(2)
    filed = await file(None, complaint(workers=[worker("张三", 1_500_000), worker("李四", 800_000)]))
    return dict(inspector=inspector, team=team, id=filed.id, filed=filed)


async def snapshot(complaint_id: int) -> tuple:
    """The complaint, its workers and every table a change could touch."""
    return await row(complaint_id), await workers_of(complaint_id), await counts()


async def refused(coro, complaint_id: int, error=FormErrors) -> dict:
    """The action is refused and nothing is written; returns the form errors."""
    before = await snapshot(complaint_id)
    with pytest.raises(error) as caught:
        await coro
    assert await snapshot(complaint_id) == before
    return getattr(caught.value, "errors", {})


# ---- every allowed transition, with its data --------------------------------------------------------------------

# What each allowed step needs beyond step_data(), and what it must leave behind.
EXTRA: dict[tuple[str, str], dict] = {
    ("received", "accepted"): {},
    ("received", "rejected"): {},
    ("received", "supplement_requested"): {},
    ("supplement_requested", "received"): {},
    ("accepted", "investigating"): {},
    ("accepted", "closed"): {},
    ("investigating", "rectification_ordered"): {},
    ("investigating", "closed"): dict(outcome="unsubstantiated", note="经调查，工资已按时发放"),
    ("rectification_ordered", "payment_ordered"): {},
    ("rectification_ordered", "investigating"): dict(note="用人单位提出异议，恢复调查"),
    ("rectification_ordered", "transferred"): {},
    ("rectification_ordered", "closed"): dict(outcome="penalty", penalty=2_000_000, note="处以罚款"),
    ("payment_ordered", "transferred"): {},
    ("payment_ordered", "closed"): dict(outcome="cancelled", note="已改正，情节轻微"),
    ("transferred", "closed"): dict(outcome="police", note="公安机关已立案"),
}


def test_every_allowed_transition_has_a_case_here():
    assert set(EXTRA) == set(ALLOWED)


def check_effects(source: str, target: str, before: dict, after: dict) -> None:
    """What the complainant and the inspectors see change with each step."""
    if target == "accepted":
        assert (after["decided_on"], after["investigate_by"]) == (MONDAY, D(2024, 5, 29))
    elif target == "rejected":
        assert (after["reject_reason"], after["decided_on"], after["closed_on"]) == ("labour_dispute", MONDAY, MONDAY)
        assert after["decision_note"]
    elif target == "supplement_requested":
        assert after["decision_note"] == "请补充劳动合同复印件"
    elif target == "received":
        assert (after["received_on"], after["decide_by"]) == (MONDAY, D(2024, 3, 11))
    elif target in ("rectification_ordered", "payment_ordered"):
        assert (after["rectify_by"], after["orders"]) == (MONDAY + dt.timedelta(days=16), before["orders"] + 1)
        if target == "payment_ordered":
            assert after["compensation_percent"] == 50
    elif target == "transferred":
        assert (after["transferred_on"], after["outcome_note"]) == (MONDAY, "移送沈阳市公安局辽中分局，编号2024-17")
    elif target == "closed":
        assert after["closed_on"] == MONDAY and after["outcome"] == EXTRA[(source, target)].get("outcome", "withdrawn")
        if source == "rectification_ordered":
            assert after["penalty"] == 2_000_000


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=[f"{s}->{t}" for s, t in ALLOWED])
async def test_an_allowed_transition_succeeds_with_its_data(desk, source, target):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await reach(inspector, complaint_id, source, desk["team"])
    if source == "supplement_requested":
        # Received a week earlier, so the resubmission visibly restarts the clock today.
        await force(complaint_id, received_on=D(2024, 2, 26), decide_by=D(2024, 3, 4))
    before = await row(complaint_id)
    assert before["status"] == source
    audit_before = len(await history(complaint_id))
    data = await step_data(complaint_id, target) | EXTRA[(source, target)]
    await move(inspector, complaint_id, target, **data)
    after = await row(complaint_id)
    assert (after["status"], after["version"]) == (target, before["version"] + 1)
    entries = await history(complaint_id)
    assert len(entries) == audit_before + 1
    action, changes = entries[-1]
    assert (action, changes["status"]) == ("status_changed", [source, target])
    check_effects(source, target, before, after)
    c = await complaints.get(inspector, complaint_id)
    assert c.allowed == list(rules.TRANSITIONS[target])


async def test_orders_write_the_amounts_each_worker_is_to_be_paid(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await reach(inspector, complaint_id, "investigating", desk["team"])
    ws = await workers_of(complaint_id)
    await move(inspector, complaint_id, "rectification_ordered", rectify_by=later(MONDAY),
               ordered={ws[0]["id"]: 1_500_000, ws[1]["id"]: 700_000})
    assert [w["amount_ordered"] for w in await workers_of(complaint_id)] == [1_500_000, 700_000]
    action, changes = (await history(complaint_id))[-1]
    assert changes["amount_ordered"] == [None, "张三: 15000.00 CNY, 李四: 7000.00 CNY"]


# ---- every transition the table does not allow -----------------------------------------------------------------

async def everything(complaint_id: int) -> dict:
    """Every field filled in validly, so only the table can refuse."""
    return dict(note="说明", reject_reason="labour_dispute", rectify_by=later(MONDAY), compensation_percent=60,
                outcome="withdrawn", ordered=await order_all(complaint_id))


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=[f"{s}->{t}" for s, t in REFUSED])
async def test_a_transition_the_table_does_not_allow_is_refused_and_nothing_written(desk, source, target):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await reach(inspector, complaint_id, source, desk["team"])
    version = (await row(complaint_id))["version"]
    errors = await refused(workflow.transition(inspector, complaint_id, ComplaintTransition(
        status=target, version=version, **await everything(complaint_id))), complaint_id)
    assert set(errors) == {"status"}


async def test_an_unknown_or_empty_status_is_refused(desk):
    for status in ("", "reopened"):
        errors = await refused(move(desk["inspector"], desk["id"], status), desk["id"])
        assert set(errors) == {"status"}


# ---- the conditions of each step ----------------------------------------------------------------------------------

async def test_rejecting_needs_a_reason_and_a_note(desk):
    errors = await refused(move(desk["inspector"], desk["id"], "rejected"), desk["id"])
    assert set(errors) == {"reject_reason", "note"}
    errors = await refused(move(desk["inspector"], desk["id"], "rejected", reject_reason="no_reason", note="x"),
                           desk["id"])
    assert set(errors) == {"reject_reason"}


async def test_too_old_is_not_a_reason_for_a_recent_complaint(desk):
    errors = await refused(move(desk["inspector"], desk["id"], "rejected", reject_reason="too_old",
                                note="超过两年"), desk["id"])
    assert set(errors) == {"reject_reason"}


async def test_a_request_to_supplement_says_what_is_missing(desk):
    errors = await refused(move(desk["inspector"], desk["id"], "supplement_requested", note="   "), desk["id"])
    assert set(errors) == {"note"}


async def test_an_investigation_needs_two_inspectors(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await move(inspector, complaint_id, "accepted")
    errors = await refused(move(inspector, complaint_id, "investigating"), complaint_id)
    assert set(errors) == {""}
    await complaints.assign(inspector, complaint_id, [desk["team"][0].id])
    errors = await refused(move(inspector, complaint_id, "investigating"), complaint_id)
    assert set(errors) == {""}
    await complaints.assign(inspector, complaint_id, [desk["team"][1].id])
    await move(inspector, complaint_id, "investigating")
    assert (await row(complaint_id))["status"] == "investigating"


async def test_resuming_an_investigation_says_why(desk):
    await reach(desk["inspector"], desk["id"], "rectification_ordered", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "investigating"), desk["id"])
    assert set(errors) == {"note"}


@pytest.mark.parametrize(("rectify_by", "field"), [
    ("", "rectify_by"),
    ("2024-03-04", "rectify_by"),  # today
    ("2024-03-01", "rectify_by"),
    ("04/03/2024", "rectify_by"),
])
async def test_a_rectification_order_needs_a_deadline_after_today(desk, rectify_by, field):
    await reach(desk["inspector"], desk["id"], "investigating", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "rectification_ordered", rectify_by=rectify_by,
                                ordered=await order_all(desk["id"])), desk["id"])
    assert set(errors) == {field}


async def test_a_rectification_order_needs_the_amounts(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await reach(inspector, complaint_id, "investigating", desk["team"])
    ws = await workers_of(complaint_id)
    other = await file(None, complaint())
    other_worker = (await workers_of(other.id))[0]["id"]
    for ordered in ({}, {ws[0]["id"]: 0}, {other_worker: 100}, {ws[0]["id"]: MAX_AMOUNT + 1}, {ws[0]["id"]: -1}):
        errors = await refused(move(inspector, complaint_id, "rectification_ordered", rectify_by=later(MONDAY),
                                    ordered=ordered), complaint_id)
        assert set(errors) == {"ordered"}, ordered
    # One worker ordered is enough (the other may be found owed nothing).
    await move(inspector, complaint_id, "rectification_ordered", rectify_by=later(MONDAY),
               ordered={ws[0]["id"]: 1_500_000})
    assert (await row(complaint_id))["status"] == "rectification_ordered"


@pytest.mark.parametrize("percent", [0, 49, 101, 200])
async def test_a_payment_order_adds_fifty_to_one_hundred_percent(desk, percent):
    await reach(desk["inspector"], desk["id"], "rectification_ordered", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "payment_ordered", rectify_by=later(MONDAY, 30),
                                ordered=await order_all(desk["id"]), compensation_percent=percent), desk["id"])
    assert set(errors) == {"compensation_percent"}


@pytest.mark.parametrize("percent", [50, 100])
async def test_the_limits_of_the_compensation_are_allowed(desk, percent):
    await reach(desk["inspector"], desk["id"], "rectification_ordered", desk["team"])
    await move(desk["inspector"], desk["id"], "payment_ordered", rectify_by=later(MONDAY, 30),
               ordered=await order_all(desk["id"]), compensation_percent=percent)
    r = await row(desk["id"])
    assert (r["status"], r["compensation_percent"], r["orders"]) == ("payment_ordered", percent, 2)


async def test_a_payment_order_needs_a_future_deadline_too(desk):
    await reach(desk["inspector"], desk["id"], "rectification_ordered", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "payment_ordered", rectify_by="2024-03-04",
                                ordered=await order_all(desk["id"]), compensation_percent=50), desk["id"])
    assert set(errors) == {"rectify_by"}


@pytest.mark.parametrize("source", ["rectification_ordered", "payment_ordered"])
async def test_a_transfer_to_the_police_is_recorded(desk, source):
    await reach(desk["inspector"], desk["id"], source, desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "transferred"), desk["id"])
    assert set(errors) == {"note"}


async def test_closing_needs_an_outcome_and_a_note(desk):
    await reach(desk["inspector"], desk["id"], "investigating", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "closed"), desk["id"])
    assert set(errors) == {"outcome", "note"}
    errors = await refused(move(desk["inspector"], desk["id"], "closed", outcome="settled", note="x"), desk["id"])
    assert set(errors) == {"outcome"}


async def test_paid_only_when_every_worker_recovered_what_was_owed(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await reach(inspector, complaint_id, "rectification_ordered", desk["team"])
    zhang, li = await workers_of(complaint_id)
    errors = await refused(move(inspector, complaint_id, "closed", outcome="paid", note="已支付"), complaint_id)
    assert set(errors) == {"outcome"}
    await recover(inspector, complaint_id, zhang["id"], 1_500_000)
    await recover(inspector, complaint_id, li["id"], 799_999)  # one fen short
    errors = await refused(move(inspector, complaint_id, "closed", outcome="paid", note="已支付"), complaint_id)
    assert set(errors) == {"outcome"}
    await recover(inspector, complaint_id, li["id"], 800_000)
    await move(inspector, complaint_id, "closed", outcome="paid", note="已全额支付")
    r = await row(complaint_id)
    assert (r["status"], r["outcome"], r["closed_on"]) == ("closed", "paid", MONDAY)


async def test_paid_only_when_the_amounts_ordered_were_recovered_too(monkeypatch):
    """A complainant who could not say how much was owed: the order says it, and it must be paid."""
    set_today(monkeypatch, MONDAY)
    inspector, team = await actor("inspector"), await inspectors(2)
    filed = await file(None, complaint(workers=[worker("张三", 0)]))
    await reach(inspector, filed.id, "investigating", team)
    [zhang] = await workers_of(filed.id)
    await move(inspector, filed.id, "rectification_ordered", rectify_by=later(MONDAY), ordered={zhang["id"]: 500_000})
    errors = await refused(move(inspector, filed.id, "closed", outcome="paid", note="已支付"), filed.id)
    assert set(errors) == {"outcome"}
    await recover(inspector, filed.id, zhang["id"], 500_000)
    await move(inspector, filed.id, "closed", outcome="paid", note="已全额支付")
    assert (await row(filed.id))["outcome"] == "paid"


async def test_partly_paid_needs_something_recovered(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await reach(inspector, complaint_id, "rectification_ordered", desk["team"])
    errors = await refused(move(inspector, complaint_id, "closed", outcome="partly_paid", note="部分"), complaint_id)
    assert set(errors) == {"outcome"}
    await recover(inspector, complaint_id, (await workers_of(complaint_id))[0]["id"], 500_000)
    await move(inspector, complaint_id, "closed", outcome="partly_paid", note="部分支付")
    assert (await row(complaint_id))["outcome"] == "partly_paid"


@pytest.mark.parametrize("source", ["investigating", "rectification_ordered", "payment_ordered"])
async def test_the_police_outcome_only_after_a_transfer(desk, source):
    await reach(desk["inspector"], desk["id"], source, desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "closed", outcome="police", note="公安处理"),
                           desk["id"])
    assert set(errors) == {"outcome"}


async def test_a_penalty_outcome_needs_the_penalty(desk):
    await reach(desk["inspector"], desk["id"], "investigating", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "closed", outcome="penalty", note="罚款"), desk["id"])
    assert set(errors) == {"penalty"}
    errors = await refused(move(desk["inspector"], desk["id"], "closed", outcome="penalty", note="罚款",
                                penalty=MAX_AMOUNT + 1), desk["id"])
    assert "penalty" in errors


async def test_an_accepted_complaint_is_investigated_before_a_penalty_or_a_cancellation(desk):
    await move(desk["inspector"], desk["id"], "accepted")
    for outcome in ("penalty", "cancelled"):
        errors = await refused(move(desk["inspector"], desk["id"], "closed", outcome=outcome, note="x",
                                    penalty=100_000), desk["id"])
        assert set(errors) == {"outcome"}


async def test_every_problem_is_reported_at_once(desk):
    await reach(desk["inspector"], desk["id"], "rectification_ordered", desk["team"])
    errors = await refused(move(desk["inspector"], desk["id"], "payment_ordered", rectify_by="2024-01-01",
                                compensation_percent=10), desk["id"])
    assert set(errors) == {"rectify_by", "ordered", "compensation_percent"}


# ---- versions and roles ------------------------------------------------------------------------------------------

async def test_a_stale_version_is_refused(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    version = (await row(complaint_id))["version"]
    await move(inspector, complaint_id, "supplement_requested", version=version, note="补充")
    errors = await refused(move(inspector, complaint_id, "received", version=version), complaint_id)
    assert set(errors) == {""}
    errors = await refused(move(inspector, complaint_id, "received", version=version + 2), complaint_id)
    assert set(errors) == {""}


@pytest.mark.parametrize("role", ["supervisor", "county_clerk", "agency_staff"])
async def test_roles_other_than_inspector_and_admin_cannot_act(desk, role):
    who = await actor(role, county_code=LIAOZHONG if role == "county_clerk" else None)
    await refused(move(who, desk["id"], "accepted", version=1), desk["id"], AccessDenied)
    await refused(workflow.flag_incident(who, desk["id"], True, 1), desk["id"], AccessDenied)
    await refused(workflow.reroute(who, desk["id"], "CITY", "转市局", 1), desk["id"], AccessDenied)
    with pytest.raises(AccessDenied):
        await complaints.assign(who, desk["id"], [desk["team"][0].id])
    assert (await complaints.get(await actor("admin"), desk["id"])).allowed == ["accepted", "rejected",
                                                                               "supplement_requested"]


async def test_an_administrator_can_step_in(desk):
    admin = await actor("admin")
    await move(admin, desk["id"], "accepted")
    assert (await history(desk["id"]))[-1][0] == "status_changed"
    assert (await row(desk["id"]))["status"] == "accepted"


async def test_a_clerk_of_another_county_does_not_find_the_complaint(desk):
    clerk = await actor("county_clerk", county_code=HEPING)
    with pytest.raises(RecordNotFound):
        await complaints.get(clerk, desk["id"])
    with pytest.raises(RecordNotFound):
        await complaints.history(clerk, desk["id"])


# ---- the two-year limit through the workflow ------------------------------------------------------------------

async def test_arrears_that_ended_more_than_two_years_before_receipt_cannot_be_accepted(monkeypatch):
    set_today(monkeypatch, MONDAY)
    inspector = await actor("inspector")
    # Unpaid from 2021 to 3 March 2022; received Monday 4 March 2024: two years and a day.
    filed = await file(None, complaint(arrears_from="2021-06-01", arrears_to="2022-03-03"))
    assert (await complaints.get(inspector, filed.id)).too_old
    errors = await refused(move(inspector, filed.id, "accepted"), filed.id)
    assert set(errors) == {"status"}
    await move(inspector, filed.id, "rejected", reject_reason="too_old", note="已超过两年投诉时效，可向法院起诉")
    r = await row(filed.id)
    assert (r["status"], r["reject_reason"], r["closed_on"]) == ("rejected", "too_old", MONDAY)


async def test_two_years_to_the_day_can_be_accepted_and_not_rejected_as_too_old(monkeypatch):
    set_today(monkeypatch, MONDAY)
    inspector = await actor("inspector")
    filed = await file(None, complaint(arrears_from="2021-06-01", arrears_to="2022-03-04"))
    assert not (await complaints.get(inspector, filed.id)).too_old
    errors = await refused(move(inspector, filed.id, "rejected", reject_reason="too_old", note="超时"), filed.id)
    assert set(errors) == {"reject_reason"}
    await move(inspector, filed.id, "accepted")
    assert (await row(filed.id))["status"] == "accepted"


async def test_a_continuing_violation_is_measured_from_its_end(monkeypatch):
    set_today(monkeypatch, MONDAY)
    filed = await file(None, complaint(arrears_from="2019-01-01", arrears_to="2023-12-31"))
    await move(await actor("inspector"), filed.id, "accepted")
    assert (await row(filed.id))["status"] == "accepted"


# ---- recovered wages ---------------------------------------------------------------------------------------------

async def recover(who, complaint_id: int, worker_id: int, amount: int, **fields) -> None:
    version = (await row(complaint_id))["version"]
    await workflow.record_recovery(who, complaint_id, Recovery(complaint_worker_id=worker_id, amount=amount,
                                                               version=version, **fields))


async def test_recovered_wages_in_yuan(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    await move(inspector, complaint_id, "accepted")
    zhang = (await workers_of(complaint_id))[0]
    version = (await row(complaint_id))["version"]
    await recover(inspector, complaint_id, zhang["id"], 1_000_000)
    w = (await workers_of(complaint_id))[0]
    assert (w["amount_recovered"], w["recovered_cny"], w["fx_rate"], w["fx_date"]) == (1_000_000, 1_000_000, "1",
                                                                                       MONDAY)
    assert (await row(complaint_id))["version"] == version + 1
    action, changes = (await history(complaint_id))[-1]
    assert action == "wages_recovered" and "张三: 10000.00 CNY" in changes["recovered"][1]


async def test_recovered_wages_in_won_need_the_rate_of_a_date(monkeypatch):
    set_today(monkeypatch, MONDAY)
    inspector = await actor("inspector")
    filed = await file(None, complaint(work_place="ABROAD", work_country="KR",
                                       workers=[worker("金哲", 3_000_000, currency="KRW")]))
    await move(inspector, filed.id, "accepted")
    kim = (await workers_of(filed.id))[0]
    for fields, keys in ((dict(), {"fx_rate", "fx_date"}), (dict(fx_rate="abc", fx_date="2024-03-01"), {"fx_rate"}),
                         (dict(fx_rate="0", fx_date="2024-03-01"), {"fx_rate"}),
                         (dict(fx_rate="0.0052", fx_date="2024-03-05"), {"fx_date"})):
        errors = await refused(recover(inspector, filed.id, kim["id"], 3_000_000, **fields), filed.id)
        assert set(errors) == keys, fields
    await recover(inspector, filed.id, kim["id"], 3_000_000, fx_rate="0,0052", fx_date="2024-03-01")
    w = (await workers_of(filed.id))[0]
    assert (w["amount_recovered"], w["recovered_cny"], w["fx_rate"], w["fx_date"]) == (3_000_000, 1_560_000, "0.0052",
                                                                                       D(2024, 3, 1))


async def test_recovery_is_recorded_only_on_an_accepted_open_complaint(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    zhang = (await workers_of(complaint_id))[0]
    errors = await refused(recover(inspector, complaint_id, zhang["id"], 100), complaint_id)
    assert set(errors) == {""}
    await move(inspector, complaint_id, "accepted")
    other = await file(None, complaint())
    errors = await refused(recover(inspector, complaint_id, (await workers_of(other.id))[0]["id"], 100),
                           complaint_id)
    assert set(errors) == {"complaint_worker_id"}
    errors = await refused(recover(inspector, complaint_id, zhang["id"], MAX_AMOUNT + 1), complaint_id)
    assert set(errors) == {"amount"}
    version = (await row(complaint_id))["version"]
    errors = await refused(workflow.record_recovery(inspector, complaint_id, Recovery(
        complaint_worker_id=zhang["id"], amount=100, version=version - 1)), complaint_id)
    assert set(errors) == {""}


# ---- rerouting, assigning, incidents -------------------------------------------------------------------------------

async def test_rerouting_to_a_county_tells_its_clerks_and_hands_the_complaint_over(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    heping_clerk = await actor("county_clerk", county_code=HEPING)
    liaozhong_clerk = await actor("county_clerk", county_code=LIAOZHONG)
    await workflow.reroute(inspector, complaint_id, HEPING, "用人单位注册地和工作地在和平区", 1)
    assert (await row(complaint_id))["route"] == HEPING
    assert [n[0] for n in await notified("complaint_rerouted")] == [heping_clerk.id]
    assert (await complaints.get(heping_clerk, complaint_id)).route == HEPING
    with pytest.raises(RecordNotFound):
        await complaints.get(liaozhong_clerk, complaint_id)
    assert (await history(complaint_id))[-1] == ("rerouted", {"route": [LIAOZHONG, HEPING],
                                                              "reason": [None, "用人单位注册地和工作地在和平区"]})


async def test_rerouting_is_refused_without_a_reason_to_the_same_desk_or_nowhere(desk):
    inspector, complaint_id = desk["inspector"], desk["id"]
    for route, reason, keys in ((HEPING, " ", {"reason"}), (LIAOZHONG, "同一", {"route"}),
                                ("210202", "大连", {"route"}), ("ABROAD", "境外", {"route"})):
        errors = await refused(workflow.reroute(inspector, complaint_id, route, reason, 1), complaint_id)
        assert set(errors) == keys, route
    await move(inspector, complaint_id, "rejected", reject_reason="not_jurisdiction", note="请向大连市投诉")
    errors = await refused(workflow.reroute(inspector, complaint_id, "CITY", "转市局", 2), complaint_id)
    assert set(errors) == {""}


async def test_assigning_inspectors(desk):
    inspector, complaint_id, team = desk["inspector"], desk["id"], desk["team"]
    assert await complaints.assign(inspector, complaint_id, [inspector.id, team[0].id]) == 2
    assert await complaints.assign(inspector, complaint_id, [team[0].id]) == 0
    # The colleague is told; the inspector who took it on themselves is not.
    assert [n[0] for n in await notified("complaint_assigned")] == [team[0].id]
    supervisor = await actor("supervisor")
    for ids in ([], [supervisor.id], [team[1].id, 999_999]):
        errors = await refused(complaints.assign(inspector, complaint_id, ids), complaint_id)
        assert set(errors) == {"inspector_ids"}
    c = await complaints.get(inspector, complaint_id)
    assert {i["id"] for i in c.inspectors} == {inspector.id, team[0].id} and c.handling
    assert (await history(complaint_id))[-1][0] == "inspectors_assigned"


async def test_a_closed_complaint_takes_no_more_inspectors(desk):
    await move(desk["inspector"], desk["id"], "rejected", reject_reason="labour_dispute", note="仲裁")
    errors = await refused(complaints.assign(desk["inspector"], desk["id"], [desk["team"][0].id]), desk["id"])
    assert set(errors) == {""}


async def test_a_serious_incident_is_flagged_and_audited(desk):
    await workflow.flag_incident(desk["inspector"], desk["id"], True, 1)
    r = await row(desk["id"])
    assert (r["serious_incident"], r["version"]) == (True, 2)
    assert (await history(desk["id"]))[-1] == ("updated", {"serious_incident": [False, True]})
    await refused(workflow.flag_incident(desk["inspector"], desk["id"], False, 1), desk["id"])


async def test_the_two_years_count_to_the_first_receipt_not_to_a_resubmission(monkeypatch):
    # Arrears ended 1 March 2022; received Monday 4 March 2024 minus a week: in time.
    set_today(monkeypatch, MONDAY - dt.timedelta(days=7))
    inspector = await actor("inspector")
    filed = await file(None, complaint(arrears_from="2021-06-01", arrears_to="2022-03-01"),
                       on=MONDAY - dt.timedelta(days=7))
    await move(inspector, filed.id, "supplement_requested", note="请补充工资条")
    # The supplement comes back after the second anniversary: the complaint was made in time all the same.
    set_today(monkeypatch, MONDAY)
    await move(inspector, filed.id, "received")
    assert (await row(filed.id))["received_on"] == MONDAY
    assert not (await complaints.get(inspector, filed.id)).too_old
    await move(inspector, filed.id, "accepted")
    assert (await row(filed.id))["status"] == "accepted"
