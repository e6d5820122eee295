"""A small known world for the rating tests, written straight to the tables, in last year (a whole year)."""

from __future__ import annotations

import datetime as dt
import itertools

from export_mgmt.agencies.tables import Licence, LicenceStatusChange, ReserveFundEntry
from export_mgmt.clock import today
from export_mgmt.complaints.tables import Complaint, ComplaintWorker
from export_mgmt.followups.tables import FollowUp
from export_mgmt.inspections.tables import InspectionCase
from export_mgmt.placements.tables import FeeEntry
from export_mgmt.workdays.tables import CalendarYear
from tests.integration.placements.helpers_rules import add_licence, add_worker, insert_placement, licensed_agency

YEAR = today().year - 1
_seq = itertools.count(1)


def on(month: int, day: int = 1, year: int = YEAR) -> dt.date:
    return dt.date(year, month, day)


async def placements(agency_id: int, count: int, reported: dt.date, status: str = "working") -> list[int]:
    ids = []
    for _ in range(count):
        worker_id, _number = await add_worker(f"工人{next(_seq)}")
        ids.append(await insert_placement(worker_id, agency_id, status=status, changed_on=reported))
    return ids


async def followup(placement_id: int, due: dt.date, done: dt.date | None = None, status: str | None = None,
                   kind: str = "periodic") -> None:
    await FollowUp.insert(FollowUp(
        placement=placement_id, kind=kind, seq=next(_seq), due_date=due, overdue_after=due + dt.timedelta(days=7),
        status=status or ("done" if done else "pending"), done_on=done))


async def complaint(agency_id: int | None, received: dt.date, workers: list[tuple[str, int, int]],
                    status: str = "investigating") -> int:
    """A complaint naming the agency; workers as (currency, amount owed, recovered in CNY fen)."""
    n = next(_seq)
    rows = await Complaint.insert(Complaint(
        tracking_no=f"RT{n:08d}", secret_hash="x", kind="complaint", channel="walk_in", route="CITY",
        respondent_name="某公司", agency=agency_id, received_on=received, first_received_on=received,
        status=status)).returning(Complaint.id)
    complaint_id = rows[0]["id"]
    if workers:
        await ComplaintWorker.insert(*(ComplaintWorker(
            complaint=complaint_id, name=f"投诉人{n}{i}", id_number="210115198505050012", currency=currency,
            amount_owed=owed, recovered_cny=recovered) for i, (currency, owed, recovered) in enumerate(workers)))
    return complaint_id


async def fee(placement_id: int, paid_on: dt.date, flag: str) -> None:
    await FeeEntry.insert(FeeEntry(placement=placement_id, payee="agency", amount=500_000, currency="CNY",
                                   paid_on=paid_on, purpose="service_fee", flag=flag))


async def case(agency_id: int, opened: dt.date, status: str = "investigating", respondent: str = "agency") -> None:
    await InspectionCase.insert(InspectionCase(
        source="routine", status=status, agency=agency_id, respondent_type=respondent, respondent_name="某公司",
        jurisdiction="CITY", finding="other", opened_on=opened))


async def world() -> dict[str, int]:
    """甲 (20 placements, a poor record), 乙 (5 placements, a clean record), 丙 (4 placements: not rated).

    Hand-computed for 甲 in YEAR, with the default scale:
    - placements 20 reported in YEAR (+1 the year before, still working: 17 active now; 4 completed);
    - complaints 1 (a rejected one and one of the year before do not count): 5 per 100 -> 5 x 3 = 15.0 lost;
    - arrears: claimed CNY 10,000.00 + KRW 1,000,000 (= CNY 5,200.00 at 0.0052) = CNY 15,200.00, recovered
      CNY 6,000.00: 39.5 % -> (1 - 6000/15200) x 10 = 6.05 -> 6.1 lost;
    - follow-ups due in YEAR: 4 on time, 1 late, 1 open past its grace -> 4 of 6 -> (1/3) x 30 = 10.0 lost;
    - flagged fees: 1 placement (two flagged fees) of 20 -> 5 per 100 -> 5 x 3 = 15.0 lost;
    - sanctions: 1 suspension in YEAR (a reinstatement and a revocation of the year before do not count) -> 20;
    - inspection cases: 1 against the agency (a cancelled one and one against an employer do not count) -> 5;
    - reserve: 3,000,000.00 required, 2,500,000.00 held after a draw on 1 March never topped up -> 10 + 10.
    Lost 91.1, score 8.9: grade C. 乙: nothing lost, score 100: AAA.
    """
    a, b, c = (await licensed_agency("甲劳务公司"), await licensed_agency("乙劳务公司"),
               await licensed_agency("丙劳务公司"))
    await CalendarYear.insert(CalendarYear(year=YEAR, source="test"))  # working days counted whatever the year
    working = await placements(a, 16, on(3))
    completed = await placements(a, 4, on(4), status="completed")
    await placements(a, 1, on(11, 1, YEAR - 1))
    clean = await placements(b, 5, on(5))
    await placements(c, 4, on(6))

    await complaint(a, on(7), [("CNY", 1_000_000, 600_000), ("KRW", 1_000_000, 0)])
    await complaint(a, on(8), [("CNY", 9_000_000, 0)], status="rejected")
    await complaint(a, on(12, 1, YEAR - 1), [("CNY", 9_000_000, 0)])

    for n, placement_id in enumerate(working[:4]):
        await followup(placement_id, on(6, 1 + n), done=on(6, 3 + n))  # on time
    await followup(working[4], on(6, 1), done=on(6, 20))  # late
    await followup(working[5], on(9, 1))  # open, past its grace
    await followup(working[6], on(9, 1), status="cancelled")  # no longer due
    await followup(working[7], on(6, 1, YEAR - 1), done=on(6, 20, YEAR - 1))  # the year before
    await followup(completed[0], on(6, 1), done=on(6, 1), kind="adhoc")  # unscheduled

    await fee(working[0], on(3, 5), "over_cap")
    await fee(working[0], on(3, 6), "prohibited")
    await fee(working[1], on(3, 5), "ok")
    await fee(working[2], on(3, 5, YEAR - 1), "over_cap")

    licence = await add_licence(a, valid_from=on(1, 1, YEAR - 1), valid_to=on(12, 31, YEAR + 2))
    await Licence.update({Licence.reserve_required: 300_000_000}).where(Licence.id == licence)
    await ReserveFundEntry.insert(ReserveFundEntry(licence=licence, kind="deposit", amount=300_000_000,
                                                   on_date=on(1, 10)),
                                  ReserveFundEntry(licence=licence, kind="draw", amount=50_000_000, on_date=on(3)))
    await LicenceStatusChange.insert(
        LicenceStatusChange(licence=licence, status="suspended", effective_on=on(6)),
        LicenceStatusChange(licence=licence, status="active", effective_on=on(7)),
        LicenceStatusChange(licence=licence, status="revoked", effective_on=on(12, 1, YEAR - 1)))

    for placement_id in clean[:2]:
        await followup(placement_id, on(7), done=on(7))

    await case(a, on(8))
    await case(a, on(8), status="cancelled")
    await case(a, on(8), respondent="employer")

    return {"a": a, "b": b, "c": c}
