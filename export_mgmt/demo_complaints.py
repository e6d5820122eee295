"""Demo complaints: one of each situation an inspector meets, filed and worked through the services."""

from __future__ import annotations

import datetime as dt

from export_mgmt.clock import today
from export_mgmt.complaints import intake, monitoring, workflow
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.schemas import ComplaintCreate, ComplaintTransition, WorkerLine
from export_mgmt.demo_followups import _actor
from export_mgmt.idnumber import make_number

LIAOZHONG, HUNNAN = "210115", "210112"


def _worker(n: int, amount_yuan: int, representative: bool = False) -> WorkerLine:
    number = make_number(LIAOZHONG, dt.date(1980 + n % 20, 1 + n % 12, 1 + n % 28), 300 + n)
    return WorkerLine(name=f"工人{n:02d}", id_number=number, months_owed=3, amount_owed=amount_yuan * 100,
                      representative=representative)


async def load_complaints() -> int:
    on = today()
    inspector, second = await _actor("inspector"), await _actor("inspector2")
    # A worker files online today: work done in 辽中区, so the county office's desk.
    await intake.file(None, ComplaintCreate(
        complainant_name="李建国", complainant_id_number=make_number(LIAOZHONG, dt.date(1979, 3, 8), 21),
        complainant_phone="13904001234", relationship="self", respondent_name="辽中区某食品加工厂",
        respondent_address="辽中区茨榆坨镇", work_place=LIAOZHONG,
        arrears_from=(on - dt.timedelta(days=120)).isoformat(),
        arrears_to=(on - dt.timedelta(days=30)).isoformat(), payout_account="6222 0000 1234 5678",
        facts="2026年7月至9月工资未发，老板称资金紧张。", request="支付拖欠工资。",
        workers=[WorkerLine(name="李建国", id_number=make_number(LIAOZHONG, dt.date(1979, 3, 8), 21),
                            months_owed=3, amount_owed=1_350_000)]))
    # An anonymous report about a job abroad: the overseas desk.
    await intake.file(None, ComplaintCreate(
        kind="report", anonymous=True, respondent_name="某韩国水产公司", work_place="ABROAD", work_country="KR",
        facts="同乡在韩国水产加工厂工作，三个月未领到工资，护照被扣。", workers=[]))
    # Received six weeks ago and never decided: overdue on the worklist.
    await intake.file(inspector, ComplaintCreate(
        channel="phone", oral_confirmed=True, complainant_name="王秀兰", complainant_phone="13840012345",
        relationship="family", respondent_name="沈阳某物业公司", work_place=HUNNAN,
        arrears_from=(on - dt.timedelta(days=200)).isoformat(), arrears_to=(on - dt.timedelta(days=60)).isoformat(),
        facts="丈夫在小区做保洁，四个月工资未付。",
        workers=[WorkerLine(name="赵长海", months_owed=4, amount_owed=960_000)]),
        on=on - dt.timedelta(days=42))
    # A collective complaint (ten workers, two elected representatives), accepted and under investigation.
    filed = await intake.file(inspector, ComplaintCreate(
        channel="walk_in", oral_confirmed=True, complainant_name="工人01",
        complainant_phone="13700000001", relationship="representative", respondent_name="沈阳某建筑工程有限公司",
        respondent_legal_rep="孙某", work_place=HUNNAN, arrears_from=(on - dt.timedelta(days=150)).isoformat(),
        arrears_to=(on - dt.timedelta(days=20)).isoformat(), facts="工地十名工人五个月工资未结清。",
        request="结清工资并支付经济补偿。",
        workers=[_worker(n, 18_000 + 500 * n, representative=n in (1, 2)) for n in range(1, 11)]),
        on=on - dt.timedelta(days=3))
    c = await complaints.get(inspector, filed.id)
    await workflow.transition(inspector, filed.id, ComplaintTransition(status="accepted", version=c.version))
    await complaints.assign(inspector, filed.id, [inspector.id, second.id])
    c = await complaints.get(inspector, filed.id)
    await workflow.transition(inspector, filed.id, ComplaintTransition(status="investigating", version=c.version))
    # Arrears that ended more than two years before the complaint: not accepted, with where to turn.
    old = await intake.file(inspector, ComplaintCreate(
        channel="letter", complainant_name="周明", complainant_phone="13500000000", respondent_name="已注销的某厂",
        work_place=LIAOZHONG, arrears_from="2023-01-01", arrears_to="2024-05-31", facts="2023年至2024年工资未付。",
        workers=[WorkerLine(name="周明", months_owed=5, amount_owed=1_000_000)]))
    c = await complaints.get(inspector, old.id)
    await workflow.transition(inspector, old.id, ComplaintTransition(
        status="rejected", version=c.version, reject_reason="too_old",
        note="违法行为终了已超过两年，不予受理。可向劳动人事争议仲裁委员会申请仲裁或向人民法院起诉。"))
    await monitoring.deadline_warnings(on)
    await monitoring.overdue_notices(on)
    await monitoring.inspector_digest(on)
    return 5
