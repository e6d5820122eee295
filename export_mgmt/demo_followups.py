"""Demo follow-ups and one case: the night's sweeps run once, an agency records two follow-ups, one is raised."""

from __future__ import annotations

from export_mgmt.accounts.actor import Actor
from export_mgmt.accounts.tables import AppUser
from export_mgmt.clock import today
from export_mgmt.followups import services as followups
from export_mgmt.followups import sweeps
from export_mgmt.followups.schemas import FollowUpRecord
from export_mgmt.followups.tables import FollowUp
from export_mgmt.inspections import services as cases
from export_mgmt.inspections import workflow
from export_mgmt.inspections.schemas import CaseTransition


async def _actor(username: str) -> Actor:
    row = await AppUser.select().where(AppUser.username == username).first()
    return Actor(id=row["id"], username=row["username"], display_name=row["display_name"], role=row["role"],
                 county_code=row["county_code"], agency_id=row["agency"])


async def load_followups() -> dict[str, int]:
    on = today()
    generated = await sweeps.generate_due(on)
    await sweeps.mark_overdue(on)
    agency = await _actor("agency")
    open_ones = await FollowUp.select(FollowUp.id, FollowUp.placement, FollowUp.placement.wage_currency.as_alias(
        "currency")).where(FollowUp.status.is_in(["pending", "overdue"]) & (FollowUp.placement.agency
                                                                          == agency.agency_id)).order_by(FollowUp.id)
    recorded, opened = 0, 0
    if len(open_ones) >= 2:
        first, second = open_ones[0], next(f for f in open_ones if f["placement"] != open_ones[0]["placement"])
        await followups.record(agency, second["id"], FollowUpRecord(
            done_on=on.isoformat(), method="phone", reached=True, worker_status="working",
            notes="工作正常，工资按月发放。"))
        amount = 2_400_000 if first["currency"] in ("KRW", "JPY") else 600_000
        await followups.record(agency, first["id"], FollowUpRecord(
            done_on=on.isoformat(), method="video", reached=True, worker_status="wages_unpaid", unpaid_months=2,
            unpaid_amount=amount, unpaid_currency=first["currency"], notes="雇主拖欠两个月工资，工人已提供工资条。"))
        recorded = 2
        case_id = await cases.open_from_followup(agency, first["id"])
        opened = 1
        inspector = await _actor("inspector")
        second_inspector = await _actor("inspector2")
        await workflow.assign(inspector, case_id, [inspector.id, second_inspector.id])
        case = await cases.get(inspector, case_id)
        if "investigating" in case.next_statuses:
            await workflow.transition(inspector, case_id, CaseTransition(status="investigating", version=case.version))
    return {"followups": generated, "recorded": recorded, "cases": opened}
