"""A first pass through the complaint services (the full suites live beside it)."""

import datetime as dt

from export_mgmt.accounts.actor import Actor
from export_mgmt.complaints import intake, monitoring, tracking, workflow
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.schemas import ComplaintCreate, ComplaintTransition, Recovery, WorkerLine
from export_mgmt.workdays.tables import CalendarYear
from tests.conftest import create_user


async def test_file_accept_investigate_order_recover_close_track():
    await CalendarYear.insert(CalendarYear(year=2027))
    ids = [await create_user(f"insp{n}", "inspector") for n in (1, 2)]
    insp = Actor(id=ids[0], username="insp1", display_name="Insp1", role="inspector")
    filed = await intake.file(None, ComplaintCreate(
        complainant_name="张三", complainant_id_number="210115199001011239", complainant_phone="13800000000",
        respondent_name="某建筑公司", work_place="210115", arrears_from="2026-06-01", arrears_to="2026-09-30",
        facts="拖欠工资三个月", workers=[WorkerLine(name="张三", id_number="210115199001011239", months_owed=3,
                                               amount_owed=1500000)]))
    assert filed.route == "210115" and filed.decide_by is not None
    c = await complaints.get(insp, filed.id)
    assert c.status == "received" and c.workers[0].amount_owed == 1500000
    await workflow.transition(insp, filed.id, ComplaintTransition(status="accepted", version=c.version))
    await complaints.assign(insp, filed.id, ids)
    c = await complaints.get(insp, filed.id)
    assert c.investigate_by is not None
    await workflow.transition(insp, filed.id, ComplaintTransition(status="investigating", version=c.version))
    c = await complaints.get(insp, filed.id)
    await workflow.transition(insp, filed.id, ComplaintTransition(
        status="rectification_ordered", version=c.version,
        rectify_by=(dt.date.today() + dt.timedelta(days=10)).isoformat(),
        ordered={c.workers[0].id: 1500000}))
    c = await complaints.get(insp, filed.id)
    await workflow.record_recovery(insp, filed.id, Recovery(complaint_worker_id=c.workers[0].id, amount=1500000,
                                                            version=c.version))
    c = await complaints.get(insp, filed.id)
    await workflow.transition(insp, filed.id, ComplaintTransition(status="closed", version=c.version, outcome="paid",
                                                                  note="已全额支付"))
    view = await tracking.lookup(filed.tracking_no, filed.secret, "1.2.3.4")
    assert view is not None and view.status == "closed" and view.outcome == "paid"
    assert await tracking.lookup(filed.tracking_no, "1239", "1.2.3.4") is not None
    assert await tracking.lookup(filed.tracking_no, "0000", "1.2.3.4") is None
    on = dt.date.today()
    assert await monitoring.deadline_warnings(on) >= 0
    assert await monitoring.overdue_notices(on) >= 0
    assert await monitoring.inspector_digest(on) >= 0
    assert len(await monitoring.ageing(insp, on)) == 4
    assert await monitoring.fill_missing_deadlines() == 0
