"""Daily reminders: who hears about expiring licences, ending contracts, overdue follow-ups and case deadlines,
what the message says (in English here), and that a second run the same day tells nobody twice."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.agencies.tables import Licence
from export_mgmt.i18n import get_locale, set_locale
from export_mgmt.inspections.tables import CaseInspector, InspectionCase
from export_mgmt.inspections.workflow import deadline_warnings
from export_mgmt.notifications.reminders import contracts_ending, licence_expiry_warnings, overdue_digest
from export_mgmt.notifications.services import render
from export_mgmt.notifications.tables import Notification
from tests.conftest import create_agency
from tests.integration.followups.helpers_schedule import ON, Spec, add_followup, add_placement
from tests.integration.placements.helpers_rules import HEPING, LIAOZHONG, actor, add_licence, add_worker, staff

D = dt.date


def days(n: int) -> dt.date:
    return ON + dt.timedelta(days=n)


def english(kind: str, params: str) -> str:
    previous = get_locale()
    set_locale("en")
    try:
        return render(kind, params)
    finally:
        set_locale(previous)


async def inbox(user_id: int) -> set[tuple[str, str, str]]:
    """(kind, English text, link) of everything the user was told."""
    rows = await Notification.select().where(Notification.user == user_id)
    return {(r["kind"], english(r["kind"], r["params"]), r["link"]) for r in rows}


async def number(licence_id: int) -> str:
    return (await Licence.select(Licence.number).where(Licence.id == licence_id).first())["number"]


@pytest.fixture
async def people():
    a = await create_agency("甲劳务公司")
    b = await create_agency("乙劳务公司")
    return dict(a=a, b=b, staff_a=await staff(a), staff_a2=await staff(a), staff_b=await staff(b),
                admin=await actor("admin"), supervisor=await actor("supervisor"), inspector=await actor("inspector"),
                clerk=await actor("county_clerk", county_code=LIAOZHONG),
                heping_clerk=await actor("county_clerk", county_code=HEPING),
                other_clerk=await actor("county_clerk", county_code="210112"))


async def test_licence_warnings_at_60_and_30_days_and_on_expiry(people):
    p = people
    sixty = await add_licence(p["a"], valid_to=days(60))  # 19 July: the 60-day warning
    thirty = await add_licence(p["a"], valid_to=days(30))  # 19 June: the 30-day warning
    expired = await add_licence(p["a"], valid_to=days(-1), status="expired")
    b_first_day = await add_licence(p["b"], valid_to=days(31))  # the first day of the 60-day window
    b_today = await add_licence(p["b"], valid_to=days(0))  # expires today: still the 30-day warning
    # Too far ahead (for now), expired too long ago, or not in force: nothing.
    later_one = await add_licence(p["a"], valid_to=days(61))
    await add_licence(p["a"], valid_to=days(-31), status="expired")
    await add_licence(p["b"], valid_to=days(10), status="suspended")

    created = await licence_expiry_warnings(ON)

    expected_a = {
        ("licence_expiring", f"Licence {await number(sixty)} of 甲劳务公司 expires on Jul 19, 2026.",
         f"/agencies/{p['a']}"),
        ("licence_expiring", f"Licence {await number(thirty)} of 甲劳务公司 expires on Jun 19, 2026.",
         f"/agencies/{p['a']}"),
        ("licence_expired", f"Licence {await number(expired)} of 甲劳务公司 has expired.", f"/agencies/{p['a']}"),
    }
    expected_b = {
        ("licence_expiring", f"Licence {await number(b_first_day)} of 乙劳务公司 expires on Jun 20, 2026.",
         f"/agencies/{p['b']}"),
        ("licence_expiring", f"Licence {await number(b_today)} of 乙劳务公司 expires on May 20, 2026.",
         f"/agencies/{p['b']}"),
    }
    assert await inbox(p["staff_a"].id) == expected_a
    assert await inbox(p["staff_a2"].id) == expected_a
    assert await inbox(p["staff_b"].id) == expected_b
    assert await inbox(p["admin"].id) == expected_a | expected_b
    assert await inbox(p["supervisor"].id) == expected_a | expected_b
    for nobody in ("inspector", "clerk"):
        assert await inbox(p[nobody].id) == set()
    # Agency A's three licences to its two staff and the two city users; B's two to its one and the city's.
    assert created == 3 * 4 + 2 * 3 == await Notification.count()

    assert await licence_expiry_warnings(ON) == 0
    # The next day the licence 61 days out enters the 60-day window, and the one 31 days out the 30-day one.
    assert await licence_expiry_warnings(days(1)) == 4 + 3
    # A month on, the licence that had its 60-day warning gets the 30-day one; nobody else hears anything new.
    assert await licence_expiry_warnings(days(30)) == 4
    keys = {r["key"] for r in await Notification.select(Notification.key).where(
        Notification.user == p["staff_a"].id)}
    assert keys == {f"licence-60:{sixty}", f"licence-30:{thirty}", f"licence-expired:{expired}",
                    f"licence-60:{later_one}", f"licence-30:{sixty}"}


async def test_contracts_ending_within_60_days_reach_the_agency(people):
    p = people
    worker_id, _ = await add_worker("张三", county_code=LIAOZHONG, status="abroad")
    ending = await add_placement(Spec("kr_eps_e9", "working", departure=D(2023, 8, 1), start=D(2023, 7, 20),
                                      end=days(60)), p["a"], worker_id=worker_id)
    b_ending = await add_placement(Spec("jp_trainee", "unreachable", departure=D(2025, 6, 1), start=D(2025, 6, 1),
                                        end=days(0)), p["b"])
    # Ends too late, has already ended, or the placement is finished: nothing.
    await add_placement(Spec("kr_eps_e9", "working", departure=D(2024, 1, 1), end=days(61)), p["a"])
    await add_placement(Spec("kr_eps_e9", "working", departure=D(2024, 1, 1), end=days(-1)), p["a"])
    await add_placement(Spec("kr_eps_e9", "completed", departure=D(2024, 1, 1), end=days(10), changed_on=days(-2),
                             events=("reported", "departed", "completed")), p["a"])

    assert await contracts_ending(ON) == 3
    text = f"The contract of 张三 (placement #{ending}) ends on Jul 19, 2026."
    assert await inbox(p["staff_a"].id) == {("contract_ending", text, f"/placements/{ending}")}
    assert await inbox(p["staff_a2"].id) == {("contract_ending", text, f"/placements/{ending}")}
    [(kind, b_text, link)] = await inbox(p["staff_b"].id)
    assert link == f"/placements/{b_ending}" and b_text.endswith(f"(placement #{b_ending}) ends on May 20, 2026.")
    for nobody in ("admin", "supervisor", "clerk", "inspector"):
        assert await inbox(p[nobody].id) == set()
    assert await contracts_ending(ON) == 0
    # The next day the contract 61 days out is 60 days out: its agency's two staff hear of it, nobody else again.
    assert await contracts_ending(days(1)) == 2


async def test_overdue_digest_once_a_day_to_each_area(people):
    p = people
    a_placement = await add_placement(Spec("kr_eps_e9", "working", departure=D(2025, 1, 1)), p["a"])
    a_second = await add_placement(Spec("sg_work_permit", "working", departure=D(2025, 1, 1)), p["a"])
    b_placement = await add_placement(Spec("kr_eps_e9", "working", departure=D(2025, 1, 1)), p["b"],
                                      county_code=HEPING)
    await add_followup(a_placement, seq=1, status="overdue")
    await add_followup(a_placement, seq=2, status="overdue")
    await add_followup(a_second, seq=1, status="overdue")
    await add_followup(a_second, seq=2, status="pending")
    await add_followup(a_second, seq=3, status="done")
    await add_followup(b_placement, seq=1, status="overdue")
    await add_followup(b_placement, seq=2, status="cancelled")

    assert await overdue_digest(ON) == 5
    link = "/followups/?status=overdue"
    assert await inbox(p["staff_a"].id) == {("followups_overdue", "3 follow-ups in your area are overdue.", link)}
    assert await inbox(p["staff_a2"].id) == {("followups_overdue", "3 follow-ups in your area are overdue.", link)}
    assert await inbox(p["clerk"].id) == {("followups_overdue", "3 follow-ups in your area are overdue.", link)}
    for one in ("staff_b", "heping_clerk"):
        [(kind, text, to)] = await inbox(p[one].id)
        assert (kind, to) == ("followups_overdue", link) and text.startswith("1 follow-up"), text
    for nobody in ("other_clerk", "admin", "supervisor", "inspector"):
        assert await inbox(p[nobody].id) == set()

    assert await overdue_digest(ON) == 0
    # The next morning everyone still behind hears again.
    assert await overdue_digest(days(1)) == 5
    assert await Notification.count() == 10


async def _case(opened_on: dt.date, status: str = "investigating", investigate_by: dt.date | None = None,
                rectify_by: dt.date | None = None, orders: int = 0, inspectors: tuple = ()) -> int:
    rows = await InspectionCase.insert(InspectionCase(
        source="routine", status=status, respondent_type="agency", respondent_name="甲劳务公司", jurisdiction="CITY",
        finding="other", opened_on=opened_on, investigate_by=investigate_by, rectify_by=rectify_by, orders=orders,
    )).returning(InspectionCase.id)
    case_id = rows[0]["id"]
    if inspectors:
        await CaseInspector.insert(*(CaseInspector(inspection_case=case_id, inspector=i.id, assigned_on=opened_on)
                                     for i in inspectors))
    return case_id


async def test_deadline_warnings_reach_the_assigned_inspectors(people):
    first, second, third = people["inspector"], await actor("inspector"), await actor("inspector")
    due = await _case(D(2026, 2, 16), investigate_by=days(7), inspectors=(first, second))
    await _case(D(2026, 2, 20), investigate_by=days(8), inspectors=(first, second))  # not yet
    await _case(D(2026, 2, 16), investigate_by=days(1))  # nobody assigned
    await _case(D(2026, 2, 16), status="closed", investigate_by=days(1), inspectors=(third,))
    await _case(D(2026, 2, 16), status="referred", investigate_by=days(1), inspectors=(third,))
    recheck = await _case(D(2025, 12, 30), status="rectification_ordered", investigate_by=days(200),
                          rectify_by=days(-1), orders=1, inspectors=(third,))
    await _case(D(2026, 3, 2), status="rectification_ordered", investigate_by=days(200), rectify_by=days(0),
                orders=1, inspectors=(first,))  # the deadline is today: not passed yet

    assert await deadline_warnings(ON) == 3
    deadline = ("case_deadline", f"The investigation of case 2026-{due:05d} must be finished by May 27, 2026.",
                f"/cases/{due}")
    assert await inbox(first.id) == {deadline}
    assert await inbox(second.id) == {deadline}
    assert await inbox(third.id) == {
        ("recheck_due", f"The rectification deadline of case 2025-{recheck:05d} has passed: a re-check is due.",
         f"/cases/{recheck}")}
    for nobody in ("admin", "supervisor", "staff_a"):
        assert await inbox(people[nobody].id) == set()
    assert await deadline_warnings(ON) == 0
    # A day later the second case's deadline is a week away, and the last case's re-check is due.
    assert await deadline_warnings(days(1)) == 2 + 1
    # An extension moves the deadline: the inspectors hear of the new one when it comes near.
    await InspectionCase.update({InspectionCase.investigate_by: days(40)}).where(InspectionCase.id == due)
    assert await deadline_warnings(days(34)) == 2
