"""Recording what a follow-up found: checked before anything is written, only in the recorder's area, once."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.errors import AccessDenied, RecordNotFound
from export_mgmt.followups import services
from export_mgmt.followups.tables import FollowUp
from tests.integration.followups.helpers_schedule import add_followup, followup_row, found, unreachable
from tests.integration.placements.helpers_rules import (
    HEPING,
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


@pytest.fixture
async def setting():
    """Agency A's placement of a 辽中区 worker in Korea with a follow-up due, and people around it."""
    agency_id = await licensed_agency("甲劳务公司")
    other_agency = await licensed_agency("乙劳务公司")
    worker_id, _ = await add_worker("李四", county_code=LIAOZHONG, status="abroad")
    placement_id = await insert_placement(worker_id, agency_id, "kr_eps_e9", "working",
                                          employer_id=await add_employer("KR"))
    followup_id = await add_followup(placement_id, kind="periodic", seq=3, due=today() - dt.timedelta(days=2))
    return dict(agency_id=agency_id, placement_id=placement_id, followup_id=followup_id,
                staff=await staff(agency_id), other_staff=await staff(other_agency),
                clerk=await actor("county_clerk", county_code=LIAOZHONG),
                other_clerk=await actor("county_clerk", county_code=HEPING),
                supervisor=await actor("supervisor"), inspector=await actor("inspector"))


async def _audit(entity_id: int) -> list[dict]:
    return await AuditLog.select().where((AuditLog.entity == "followup") & (AuditLog.entity_id == str(entity_id)))


async def test_recording_a_follow_up_stores_the_findings_and_an_audit_row(setting):
    fid = setting["followup_id"]
    await services.record(setting["staff"], fid, found(
        today() - dt.timedelta(days=1), method="video", worker_status="wages_unpaid",
        wages_paid_to=(today() - dt.timedelta(days=70)).isoformat(), unpaid_months=2, unpaid_amount=4_200_000,
        unpaid_currency="KRW", notes="  工资拖欠两个月  "))
    row = await followup_row(fid)
    assert row["status"] == "done" and row["done_on"] == today() - dt.timedelta(days=1)
    assert (row["method"], row["reached"], row["worker_status"]) == ("video", True, "wages_unpaid")
    assert row["wages_paid_to"] == today() - dt.timedelta(days=70)
    assert (row["unpaid_months"], row["unpaid_amount"], row["unpaid_currency"]) == (2, 4_200_000, "KRW")
    assert row["notes"] == "工资拖欠两个月"
    assert row["recorded_by"] == setting["staff"].username and row["recorded_at"] is not None
    assert row["version"] == 2
    [entry] = await _audit(fid)
    assert entry["action"] == "recorded" and entry["actor_name"] == setting["staff"].username
    changes = json.loads(entry["changes"])
    assert changes["status"] == ["pending", "done"] and changes["unpaid_amount"] == [0, 4_200_000]
    shown = await services.get(setting["staff"], fid)
    assert shown.status == "done" and shown.can_record is False and shown.can_raise_case is True


async def test_not_reached_keeps_no_worker_status_or_wages(setting):
    fid = setting["followup_id"]
    await services.record(setting["clerk"], fid, unreachable(today(), worker_status="wages_unpaid",
                                                            unpaid_months=3, unpaid_amount=100,
                                                            unpaid_currency="KRW"))
    row = await followup_row(fid)
    assert row["status"] == "done" and row["reached"] is False
    assert (row["worker_status"], row["unpaid_months"], row["unpaid_amount"], row["unpaid_currency"]) == \
        ("", 0, 0, "")


@pytest.mark.parametrize("record, fields", [
    (lambda: found(today() + dt.timedelta(days=1)), {"done_on"}),
    (lambda: found(worker_status=""), {"worker_status"}),
    (lambda: found(worker_status="asleep"), {"worker_status"}),
    (lambda: found(method="carrier pigeon"), {"method"}),
    (lambda: found(worker_status="wages_unpaid"), {"unpaid_months", "unpaid_amount", "unpaid_currency"}),
    (lambda: found(worker_status="wages_unpaid", unpaid_months=2, unpaid_amount=5000, unpaid_currency="XYZ"),
     {"unpaid_currency"}),
    (lambda: found(today() - dt.timedelta(days=5), wages_paid_to=today().isoformat()), {"wages_paid_to"}),
    (lambda: found(notes="x" * 4001), {"notes"}),
])
async def test_invalid_findings_write_nothing(setting, record, fields):
    fid = setting["followup_id"]
    before = await followup_row(fid)
    errors = await form_errors(services.record(setting["staff"], fid, record()))
    assert set(errors) == fields
    assert await followup_row(fid) == before
    assert await _audit(fid) == []


async def test_only_people_who_see_the_placement_may_record(setting):
    fid = setting["followup_id"]
    for outsider in (setting["other_staff"], setting["other_clerk"]):
        with pytest.raises(RecordNotFound):
            await services.record(outsider, fid, found())
    with pytest.raises(AccessDenied):
        await services.record(setting["supervisor"], fid, found())
    assert (await followup_row(fid))["status"] == "pending"
    assert await _audit(fid) == []
    # The worker's county office may record it.
    await services.record(setting["clerk"], fid, found())
    assert (await followup_row(fid))["recorded_by"] == setting["clerk"].username


async def test_a_follow_up_is_recorded_once(setting):
    fid = setting["followup_id"]
    await services.record(setting["staff"], fid, found(today() - dt.timedelta(days=1)))
    errors = await form_errors(services.record(setting["clerk"], fid, unreachable(today())))
    assert set(errors) == {""}
    row = await followup_row(fid)
    assert row["reached"] is True and row["recorded_by"] == setting["staff"].username and row["version"] == 2
    assert len(await _audit(fid)) == 1


async def test_a_cancelled_follow_up_cannot_be_recorded_and_an_overdue_one_can(setting):
    placement_id = setting["placement_id"]
    cancelled = await add_followup(placement_id, kind="arrival", seq=1, status="cancelled")
    overdue = await add_followup(placement_id, kind="periodic", seq=1, status="overdue")
    assert set(await form_errors(services.record(setting["staff"], cancelled, found()))) == {""}
    assert (await followup_row(cancelled))["status"] == "cancelled"
    await services.record(setting["staff"], overdue, found())
    assert (await followup_row(overdue))["status"] == "done"


async def test_unscheduled_follow_ups_are_numbered_and_checked_like_the_others(setting):
    placement_id = setting["placement_id"]
    first = await services.record_unscheduled(setting["staff"], placement_id, found(today() - dt.timedelta(days=3)))
    second = await services.record_unscheduled(setting["clerk"], placement_id, found())
    rows = {r["id"]: r for r in await FollowUp.select().where(FollowUp.kind == "adhoc")}
    assert [rows[first]["seq"], rows[second]["seq"]] == [1, 2]
    assert rows[first]["status"] == "done" and rows[first]["due_date"] == today() - dt.timedelta(days=3)
    assert rows[first]["recorded_by"] == setting["staff"].username
    assert [e["action"] for e in await _audit(first)] == ["recorded"]

    count = await FollowUp.count()
    audit = await AuditLog.count()
    errors = await form_errors(services.record_unscheduled(setting["staff"], placement_id,
                                                           found(today() + dt.timedelta(days=2))))
    assert set(errors) == {"done_on"}
    with pytest.raises(RecordNotFound):
        await services.record_unscheduled(setting["other_staff"], placement_id, found())
    with pytest.raises(AccessDenied):
        await services.record_unscheduled(setting["supervisor"], placement_id, found())
    assert await FollowUp.count() == count and await AuditLog.count() == audit
