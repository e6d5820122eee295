"""The scheduler's watch over the statutory clocks: warnings two working days ahead, overdue notices, the daily
digest per inspector, the backlog's age, and the worklist ordered by deadline."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from export_mgmt.accounts.tables import AppUser
from export_mgmt.complaints import monitoring
from export_mgmt.complaints import services as complaints
from export_mgmt.complaints.services import ComplaintFilter
from export_mgmt.errors import AccessDenied
from export_mgmt.notifications.tables import Notification
from export_mgmt.workdays.calendar import CalendarNotCovered, load_calendar
from tests.integration.complaints.helpers_services import (
    HEPING,
    LIAOZHONG,
    complaint,
    file,
    force,
    inspectors,
    notified,
    set_today,
)
from tests.integration.placements.helpers_rules import actor

D = dt.date
FRIDAY = D(2024, 3, 8)


async def filed_on(received: dt.date, **fields) -> tuple[int, str]:
    data = complaint(**fields) if received.year > 2004 else complaint(
        arrears_from="2004-05-01", arrears_to="2004-08-31", **fields)
    f = await file(None, data, on=received)
    return f.id, f.tracking_no


def warned(rows) -> dict[int, set[int]]:
    """complaint id -> the users warned about it."""
    result: dict[int, set[int]] = {}
    for user, key, _ in rows:
        result.setdefault(int(key.split(":")[1]), set()).add(user)
    return result


@pytest.fixture
async def people():
    supervisors = [await actor("supervisor"), await actor("supervisor")]
    retired = await actor("supervisor")
    await AppUser.update({AppUser.active: False}).where(AppUser.id == retired.id)
    return dict(supervisors=supervisors, team=await inspectors(2), admin=await actor("admin"))


# ---- warnings ------------------------------------------------------------------------------------------------------

async def test_warnings_two_working_days_ahead_across_a_weekend(people, monkeypatch):
    set_today(monkeypatch, FRIDAY)
    due_today, _ = await filed_on(D(2024, 3, 1))  # decide by Friday 8 March
    due_monday, tracking_monday = await filed_on(D(2024, 3, 4))  # Monday 11
    due_tuesday, _ = await filed_on(D(2024, 3, 5))  # Tuesday 12: two working days after Friday
    due_wednesday, _ = await filed_on(D(2024, 3, 6))  # Wednesday 13: three
    overdue, _ = await filed_on(D(2024, 2, 29))  # Thursday 7: already missed
    waiting, _ = await filed_on(D(2024, 3, 5))
    await force(waiting, status="supplement_requested")  # no clock while the complainant supplements
    team = people["team"]
    await complaints.assign(team[0], due_monday, [t.id for t in team])
    assert await monitoring.deadline_warnings(FRIDAY) == 6
    sent = await notified("complaint_due")
    supervisors = {s.id for s in people["supervisors"]}
    assert warned(sent) == {due_today: supervisors, due_monday: {t.id for t in team}, due_tuesday: supervisors}
    assert (team[0].id, f"complaint-due:{due_monday}:received:2024-03-11",
            {"tracking": tracking_monday, "date": "2024-03-11"}) in sent
    # The nightly job runs again: nobody is told twice.
    assert await monitoring.deadline_warnings(FRIDAY) == 0
    assert await notified("complaint_due") == sent
    # On Monday the Wednesday deadline comes within reach.
    assert await monitoring.deadline_warnings(D(2024, 3, 11)) == 2
    assert set(warned(await notified("complaint_due"))) == {due_today, due_monday, due_tuesday, due_wednesday}
    assert overdue not in warned(await notified("complaint_due"))


async def test_warnings_two_working_days_ahead_across_national_day(people):
    due_8_october, _ = await filed_on(D(2004, 9, 24))
    due_9_october, _ = await filed_on(D(2004, 9, 27))  # the make-up Saturday
    due_11_october, _ = await filed_on(D(2004, 9, 29))
    due_12_october, _ = await filed_on(D(2004, 9, 30))
    # On Thursday 30 September the next two working days are Friday 8 and Saturday 9 October.
    assert await monitoring.deadline_warnings(D(2004, 9, 30)) == 4
    assert set(warned(await notified("complaint_due"))) == {due_8_october, due_9_october}
    # On Saturday 9 October (worked) Monday 11 comes within reach; Tuesday 12 not yet.
    assert await monitoring.deadline_warnings(D(2004, 10, 9)) == 2
    assert set(warned(await notified("complaint_due"))) == {due_8_october, due_9_october, due_11_october}
    assert due_12_october not in warned(await notified("complaint_due"))


async def test_warnings_follow_the_running_clock(people, monkeypatch):
    """An accepted complaint is watched by its investigation deadline, an order by the earlier of its two."""
    set_today(monkeypatch, FRIDAY)
    accepted, _ = await filed_on(D(2024, 1, 2))
    await force(accepted, status="accepted", decide_by=D(2024, 1, 9), decided_on=D(2024, 1, 9),
                investigate_by=D(2024, 3, 11))
    ordered, _ = await filed_on(D(2024, 1, 2))
    await force(ordered, status="rectification_ordered", investigate_by=D(2024, 3, 20), rectify_by=D(2024, 3, 12))
    late_order, _ = await filed_on(D(2024, 1, 2))
    await force(late_order, status="payment_ordered", investigate_by=D(2024, 3, 12), rectify_by=D(2024, 4, 1))
    closed, _ = await filed_on(D(2024, 1, 2))
    await force(closed, status="closed", investigate_by=D(2024, 3, 11))
    await monitoring.deadline_warnings(FRIDAY)
    keys = {key for _, key, _ in await notified("complaint_due")}
    assert keys == {f"complaint-due:{accepted}:accepted:2024-03-11", f"complaint-due:{ordered}:rectification_ordered:"
                    "2024-03-12", f"complaint-due:{late_order}:payment_ordered:2024-03-12"}


async def test_a_warning_sweep_in_a_missing_year_alerts_the_administrators(people):
    assert await monitoring.deadline_warnings(D(2026, 12, 30)) == 0
    assert [n[0] for n in await notified("calendar_missing")] == [people["admin"].id]


# ---- overdue notices -------------------------------------------------------------------------------------------------

async def test_overdue_notices_once_per_missed_deadline(people):
    team = people["team"]
    missed, tracking = await filed_on(D(2024, 2, 29))  # decide by Thursday 7 March
    due_today, _ = await filed_on(D(2024, 3, 1))  # Friday 8 March: not yet missed
    rejected, _ = await filed_on(D(2024, 2, 26))
    await force(rejected, status="rejected")
    assert await monitoring.overdue_notices(FRIDAY) == 2
    sent = await notified("complaint_overdue")
    assert sent == sorted((s.id, f"complaint-overdue:{missed}:received:2024-03-07",
                           {"tracking": tracking, "date": "2024-03-07"}) for s in people["supervisors"])
    assert await monitoring.overdue_notices(FRIDAY) == 0
    assert await monitoring.overdue_notices(D(2024, 3, 11)) == 2  # the Friday deadline is missed by Monday
    assert set(warned(await notified("complaint_overdue"))) == {missed, due_today}
    # Accepted late, and the investigation deadline missed too: a new notice, to the inspectors now assigned.
    await force(missed, status="accepted", investigate_by=D(2024, 3, 8))
    await complaints.assign(team[0], missed, [t.id for t in team])
    assert await monitoring.overdue_notices(D(2024, 3, 11)) == 2
    newest = [(u, k) for u, k, _ in await notified("complaint_overdue") if ":accepted:" in k]
    assert sorted(newest) == sorted((t.id, f"complaint-overdue:{missed}:accepted:2024-03-08") for t in team)


# ---- the daily digest -----------------------------------------------------------------------------------------------

async def test_the_digest_counts_each_inspectors_open_due_and_overdue_complaints(people, monkeypatch):
    set_today(monkeypatch, FRIDAY)
    x, y, z = await inspectors(3)
    overdue, _ = await filed_on(D(2024, 2, 29))  # due Thursday 7
    due_soon, _ = await filed_on(D(2024, 3, 4))  # due Monday 11
    later, _ = await filed_on(D(2024, 3, 6))  # due Wednesday 13
    finished, _ = await filed_on(D(2024, 2, 20))
    for complaint_id in (overdue, due_soon, later, finished):
        await complaints.assign(x, complaint_id, [x.id])
    await complaints.assign(y, later, [y.id])
    await force(finished, status="closed")
    assert await monitoring.inspector_digest(FRIDAY) == 2
    digests = {user: (key, params) for user, key, params in await notified("complaint_digest")}
    assert digests == {x.id: ("complaint-digest:2024-03-08", {"open": 3, "due": 1, "overdue": 1}),
                       y.id: ("complaint-digest:2024-03-08", {"open": 1, "due": 0, "overdue": 0})}
    assert z.id not in digests
    assert await monitoring.inspector_digest(FRIDAY) == 0
    # Monday: 11 is today (due), 13 within two working days (due), 7 still overdue.
    assert await monitoring.inspector_digest(D(2024, 3, 11)) == 2
    rows = await Notification.select(Notification.params).where(
        (Notification.user == x.id) & (Notification.key == "complaint-digest:2024-03-11"))
    assert json.loads(rows[0]["params"]) == {"open": 3, "due": 2, "overdue": 1}


# ---- the backlog's age ----------------------------------------------------------------------------------------------

AGES = [
    # received, working days old on Friday 28 June 2024, status, route
    (D(2024, 6, 28), 0, "received", LIAOZHONG),
    (D(2024, 6, 28), 0, "supplement_requested", HEPING),
    (D(2024, 6, 23), 5, "accepted", LIAOZHONG),  # a Sunday: 24–28 June
    (D(2024, 6, 20), 6, "received", LIAOZHONG),
    (D(2024, 5, 30), 20, "rectification_ordered", LIAOZHONG),  # Dragon Boat (10 June) off
    (D(2024, 5, 29), 21, "investigating", LIAOZHONG),
    (D(2024, 4, 2), 60, "payment_ordered", HEPING),  # Qingming and May Day off, their make-up days worked
    (D(2024, 4, 1), 61, "received", LIAOZHONG),
    (D(2024, 1, 2), 122, "transferred", LIAOZHONG),
    (D(2024, 1, 2), 122, "closed", LIAOZHONG),
    (D(2024, 6, 20), 6, "rejected", LIAOZHONG),
]


@pytest.fixture
async def backlog():
    for received, _, status, route in AGES:
        complaint_id, _ = await filed_on(received, work_place=route)
        await force(complaint_id, status=status)


def table(rows) -> list[tuple[str, int, int, int, int]]:
    return [(r.label, r.counts["decision"], r.counts["investigation"], r.counts["orders"], r.total) for r in rows]


async def test_ageing_by_working_days_since_receipt_and_by_stage(backlog):
    calendar = await load_calendar()
    assert [calendar.working_days_between(r, D(2024, 6, 28)) for r, *_ in AGES] == [age for _, age, *_ in AGES]
    rows = await monitoring.ageing(await actor("supervisor"), D(2024, 6, 28))
    assert table(rows) == [
        ("Up to 5 working days", 2, 1, 0, 3),
        ("6 to 20 working days", 1, 0, 1, 2),
        ("21 to 60 working days", 0, 1, 1, 2),
        ("More than 60 working days", 1, 0, 1, 2),
    ]


async def test_ageing_a_day_later_moves_each_boundary(backlog):
    # Monday 1 July: everything one working day older (the weekend adds nothing).
    rows = await monitoring.ageing(await actor("admin"), D(2024, 7, 1))
    assert table(rows) == [
        ("Up to 5 working days", 2, 0, 0, 2),  # 0 → 1 stays; the Sunday receipt (5) is now 6
        ("6 to 20 working days", 1, 1, 0, 2),  # 6 → 7 stays; 20 → 21 leaves
        ("21 to 60 working days", 0, 1, 1, 2),  # 60 → 61 leaves
        ("More than 60 working days", 1, 0, 2, 3),
    ]


async def test_a_county_clerk_ages_only_the_county_backlog(backlog):
    rows = await monitoring.ageing(await actor("county_clerk", county_code=HEPING), D(2024, 6, 28))
    assert table(rows) == [
        ("Up to 5 working days", 1, 0, 0, 1),
        ("6 to 20 working days", 0, 0, 0, 0),
        ("21 to 60 working days", 0, 0, 1, 1),
        ("More than 60 working days", 0, 0, 0, 0),
    ]


async def test_agency_staff_see_no_backlog(backlog):
    with pytest.raises(AccessDenied):
        await monitoring.ageing(await actor("agency_staff"), D(2024, 6, 28))


async def test_ageing_in_a_year_nobody_entered_says_so():
    with pytest.raises(CalendarNotCovered):
        await monitoring.ageing(await actor("admin"), D(2027, 3, 1))


# ---- the worklist by deadline ----------------------------------------------------------------------------------------

async def test_the_worklist_puts_the_most_pressing_first_and_the_clockless_last(monkeypatch):
    set_today(monkeypatch, FRIDAY)
    inspector = await actor("inspector")
    waiting, _ = await filed_on(D(2024, 3, 1))
    await force(waiting, status="supplement_requested")
    later, _ = await filed_on(D(2024, 3, 6))  # 13 March
    missed, tracking = await filed_on(D(2024, 2, 29))  # 7 March
    soon, _ = await filed_on(D(2024, 3, 4))  # 11 March
    done, _ = await filed_on(D(2024, 3, 4))
    await force(done, status="closed")
    page = await complaints.search(inspector, ComplaintFilter())
    assert [s.id for s in page.items] == [missed, soon, later, waiting] and page.total == 4
    assert [(s.next_deadline, s.overdue) for s in page.items] == [
        (D(2024, 3, 7), True), (D(2024, 3, 11), False), (D(2024, 3, 13), False), (None, False)]
    assert [s.id for s in (await complaints.search(inspector, ComplaintFilter(overdue=True))).items] == [missed]
    assert [s.id for s in (await complaints.search(inspector, ComplaintFilter(status="closed"))).items] == [done]
    assert (await complaints.search(inspector, ComplaintFilter(status="all"))).total == 5
    assert [s.id for s in (await complaints.search(inspector, ComplaintFilter(q=tracking.lower()))).items] == [
        missed]
    await complaints.assign(inspector, soon, [inspector.id])
    assert [s.id for s in (await complaints.search(inspector, ComplaintFilter(mine=True))).items] == [soon]
    assert await complaints.counts(inspector) == {"open": 4, "overdue": 1, "mine": 1}
    # Paging keeps the order.
    second = await complaints.search(inspector, ComplaintFilter(), page=2, page_size=3)
    assert [s.id for s in second.items] == [waiting] and second.total == 4


async def test_the_worklist_by_desk_and_kind(monkeypatch):
    set_today(monkeypatch, FRIDAY)
    supervisor = await actor("supervisor")
    county, _ = await filed_on(D(2024, 3, 4), work_place=LIAOZHONG)
    abroad, _ = await filed_on(D(2024, 3, 4), work_place="ABROAD", work_country="KR")
    assert [s.id for s in (await complaints.search(supervisor, ComplaintFilter(route="OVERSEAS"))).items] == [abroad]
    assert [s.id for s in (await complaints.search(supervisor, ComplaintFilter(route=LIAOZHONG))).items] == [county]
    assert (await complaints.search(supervisor, ComplaintFilter(kind="report"))).items == []
    clerk = await actor("county_clerk", county_code=LIAOZHONG)
    assert [s.id for s in (await complaints.search(clerk, ComplaintFilter(route="OVERSEAS"))).items] == []
    assert await complaints.counts(clerk) == {"open": 1, "overdue": 0}
