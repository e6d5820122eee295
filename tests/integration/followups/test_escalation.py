"""Escalation: a worker unreachable at two follow-ups in a row opens one inspection case by itself."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.followups import services
from export_mgmt.followups.escalation import escalate_unreachable
from export_mgmt.followups.tables import FollowUp
from export_mgmt.inspections import workflow
from export_mgmt.inspections.schemas import CaseTransition
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.notifications.tables import Notification
from tests.integration.followups.helpers_schedule import add_followup, found, unreachable
from tests.integration.placements.helpers_rules import (
    HEPING,
    LIAOZHONG,
    actor,
    add_employer,
    add_worker,
    insert_placement,
    licensed_agency,
    staff,
    today,
)


def ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


@pytest.fixture
async def setting():
    agency_id = await licensed_agency("甲劳务公司")
    other_agency = await licensed_agency("乙劳务公司")
    worker_id, _ = await add_worker("王五", county_code=LIAOZHONG, status="abroad")
    employer_id = await add_employer("KR", name="Hanil Metal")
    placement_id = await insert_placement(worker_id, agency_id, "kr_eps_e9", "working", employer_id=employer_id)
    followups = [await add_followup(placement_id, seq=k, due=ago(40 - 10 * k)) for k in range(1, 5)]
    people = dict(staff=await staff(agency_id), staff2=await staff(agency_id), other_staff=await staff(other_agency),
                  clerk=await actor("county_clerk", county_code=LIAOZHONG),
                  other_clerk=await actor("county_clerk", county_code=HEPING),
                  supervisor=await actor("supervisor"), inspector=await actor("inspector"),
                  admin=await actor("admin"))
    return dict(agency_id=agency_id, worker_id=worker_id, employer_id=employer_id, placement_id=placement_id,
                followups=followups, **people)


async def _cases() -> list[dict]:
    return await InspectionCase.select().order_by(InspectionCase.id)


async def _notified(kind: str) -> set[int]:
    return {r["user"] for r in await Notification.select(Notification.user).where(Notification.kind == kind)}


async def test_unreachable_twice_in_a_row_opens_one_case(setting):
    f1, f2, f3, _ = setting["followups"]
    await services.record(setting["staff"], f1, unreachable(ago(25)))
    assert await _cases() == []
    await services.record(setting["clerk"], f2, unreachable(ago(12), notes="电话停机"))
    [case] = await _cases()
    assert (case["source"], case["finding"], case["status"]) == ("follow_up", "unreachable", "opened")
    assert case["followup"] == f2 and case["placement"] == setting["placement_id"]
    assert case["worker"] == setting["worker_id"] and case["agency"] == setting["agency_id"]
    assert case["employer"] == setting["employer_id"] and case["respondent_name"] == "Hanil Metal"
    assert case["abroad"] is True and case["jurisdiction"] == "ABROAD"
    assert case["opened_on"] == today() and case["created_by"] == "system"
    assert ago(12).isoformat() in case["facts"] and "电话停机" in case["facts"]

    # The agency's staff, the worker's county office and the supervisors hear the worker is unreachable;
    # inspectors (and supervisors) hear a case needs them.
    s = setting
    assert await _notified("worker_unreachable") == {s["staff"].id, s["staff2"].id, s["clerk"].id,
                                                     s["supervisor"].id}
    assert await _notified("case_opened") == {s["inspector"].id, s["supervisor"].id}

    # The sweep finds nothing more to open, and a third silence adds to the open case rather than opening one.
    assert await escalate_unreachable() == 0
    await services.record(setting["staff"], f3, unreachable(ago(2)))
    assert await escalate_unreachable() == 0
    assert len(await _cases()) == 1
    assert len(await Notification.select().where(Notification.kind == "worker_unreachable")) == 4


async def test_reached_in_between_opens_nothing(setting):
    f1, f2, f3, _ = setting["followups"]
    await services.record(setting["staff"], f1, unreachable(ago(30)))
    await services.record(setting["staff"], f2, found(ago(20)))
    await services.record(setting["staff"], f3, unreachable(ago(10)))
    # An unscheduled call that reached the worker counts as well.
    await services.record_unscheduled(setting["staff"], setting["placement_id"], found(ago(5)))
    await services.record(setting["staff"], setting["followups"][3], unreachable(ago(1)))
    assert await escalate_unreachable() == 0
    assert await _cases() == []
    assert await Notification.count() == 0


async def test_silences_of_different_placements_do_not_add_up(setting):
    worker_id, _ = await add_worker("赵六", county_code=LIAOZHONG, status="abroad")
    other = await insert_placement(worker_id, setting["agency_id"], "kr_eps_e9", "working")
    elsewhere = await add_followup(other, seq=1, due=ago(15))
    await services.record(setting["staff"], setting["followups"][0], unreachable(ago(20)))
    await services.record(setting["staff"], elsewhere, unreachable(ago(10)))
    assert await escalate_unreachable() == 0
    assert await _cases() == []


async def test_the_sweep_opens_one_case_per_placement_for_silences_recorded_elsewhere(setting):
    """Follow-ups recorded without the service (an import, a crash before the escalation ran)."""
    for fid, days in zip(setting["followups"][:3], (30, 20, 10)):
        await FollowUp.update({FollowUp.status: "done", FollowUp.reached: False, FollowUp.done_on: ago(days),
                               FollowUp.method: "phone"}).where(FollowUp.id == fid)
    assert await escalate_unreachable() == 1
    [case] = await _cases()
    assert case["finding"] == "unreachable" and case["followup"] in setting["followups"][1:3]
    assert await escalate_unreachable() == 0
    assert len(await _cases()) == 1


async def _cancel(case: dict, inspector, closed_on: dt.date) -> None:
    """The inspectors end the case; it is dated as closed on `closed_on`."""
    await workflow.transition(inspector, case["id"], CaseTransition(status="cancelled", version=case["version"],
                                                                    note="工人已回国，联系上"))
    # Backdated, so that follow-ups recorded after the closure can lie in the past.
    await InspectionCase.update({InspectionCase.closed_on: closed_on}).where(InspectionCase.id == case["id"])


async def test_a_closed_case_settles_the_silences_before_it(setting):
    f1, f2, f3, f4 = setting["followups"]
    await services.record(setting["staff"], f1, unreachable(ago(30)))
    await services.record(setting["staff"], f2, unreachable(ago(20)))
    [case] = await _cases()
    await _cancel(case, setting["inspector"], ago(15))
    assert await escalate_unreachable() == 0
    assert len(await _cases()) == 1

    # Two new silences after the closure open a new case.
    await services.record(setting["staff"], f3, unreachable(ago(5)))
    await services.record(setting["staff"], f4, unreachable(ago(2)))
    cases = await _cases()
    assert len(cases) == 2
    assert cases[1]["status"] == "opened" and cases[1]["finding"] == "unreachable"
    assert await escalate_unreachable() == 0


async def test_one_new_silence_after_the_closure_is_not_enough(setting):
    """The silence before the closure was settled by the case: it does not pair with a new one."""
    f1, f2, f3, f4 = setting["followups"]
    await services.record(setting["staff"], f1, unreachable(ago(30)))
    await services.record(setting["staff"], f2, unreachable(ago(20)))
    [case] = await _cases()
    await _cancel(case, setting["inspector"], ago(15))
    await services.record(setting["staff"], f3, unreachable(ago(5)))
    assert await escalate_unreachable() == 0
    assert len(await _cases()) == 1
    # The second new silence does.
    await services.record(setting["staff"], f4, unreachable(ago(2)))
    cases = await _cases()
    assert len(cases) == 2 and cases[1]["followup"] == f4
