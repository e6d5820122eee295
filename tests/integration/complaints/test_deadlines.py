"""Statutory deadlines of complaints on the working-day calendar: holidays and make-up workdays, the years an
administrator enters, and the loud error when a year is missing (a deadline is never guessed)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from export_mgmt.complaints import monitoring, tracking, workflow
from export_mgmt.complaints import services as complaints
from export_mgmt.errors import AccessDenied, FormErrors
from export_mgmt.notifications.tables import Notification
from export_mgmt.workdays.calendar import CalendarNotCovered, load_calendar
from export_mgmt.workdays.tables import CalendarDay, CalendarYear
from tests.integration.complaints.helpers_services import (
    complaint,
    file,
    history,
    inspectors,
    move,
    row,
    set_today,
)
from tests.integration.placements.helpers_rules import actor, form_errors

D = dt.date
IN_2004 = dict(arrears_from="2004-05-01", arrears_to="2004-08-31")
IN_2026 = dict(arrears_from="2026-06-01", arrears_to="2026-10-31")


def filed_2004(**fields):
    return complaint(**IN_2004, **fields)


async def enter_2027(holidays=(D(2027, 1, 1), D(2027, 2, 8)), make_up=(D(2027, 2, 20),)) -> None:
    """2027 as an administrator enters it from the State Council's notice (the dates are the test's own)."""
    await CalendarYear.insert(CalendarYear(year=2027, source="国办发明电〔2026〕号", entered_by="admin"))
    days = [CalendarDay(day=d, workday=False, name="假日") for d in holidays] + [
        CalendarDay(day=d, workday=True, name="调休上班") for d in make_up]
    if days:
        await CalendarDay.insert(*days)


# ---- the package's years: National Day and Spring Festival ------------------------------------------------------

async def test_national_day_and_its_make_up_weekend_through_the_calendar():
    calendar = await load_calendar()
    # 1–7 October 2004 off; Saturday 9 and Sunday 10 worked: 8, 9, 10, 11, 12 October.
    assert calendar.add_working_days(D(2004, 9, 30), 5) == D(2004, 10, 12)
    assert calendar.working_days_between(D(2004, 9, 30), D(2004, 10, 12)) == 5


async def test_sixty_working_days_across_new_year_and_spring_festival_through_the_calendar():
    calendar = await load_calendar()
    # New Year 2005 (1–3 January) and Spring Festival (9–15 February, 5–6 February worked) on the way.
    assert calendar.add_working_days(D(2004, 12, 1), 60) == D(2005, 3, 1)


async def test_a_complaint_received_before_national_day_is_decided_by_12_october():
    filed = await file(None, filed_2004(), on=D(2004, 9, 30))
    assert filed.decide_by == D(2004, 10, 12)
    assert (await row(filed.id))["decide_by"] == D(2004, 10, 12)


@pytest.mark.parametrize(("received", "decide_by"), [
    (D(2004, 9, 24), D(2004, 10, 8)),  # Friday: 27, 28, 29, 30 September and 8 October
    (D(2004, 9, 27), D(2004, 10, 9)),  # the make-up Saturday is a working day
    (D(2004, 9, 28), D(2004, 10, 10)),  # and so is the make-up Sunday
    (D(2004, 9, 29), D(2004, 10, 11)),
])
async def test_the_decision_deadline_counts_the_make_up_weekend(received, decide_by):
    assert (await file(None, filed_2004(), on=received)).decide_by == decide_by


async def test_accepting_on_1_december_2004_sets_the_investigation_deadline_to_1_march_2005(monkeypatch):
    inspector = await actor("inspector")
    filed = await file(inspector, filed_2004(), on=D(2004, 11, 29))
    set_today(monkeypatch, D(2004, 12, 1))
    await move(inspector, filed.id, "accepted")
    r = await row(filed.id)
    assert (r["decided_on"], r["investigate_by"]) == (D(2004, 12, 1), D(2005, 3, 1))
    c = await complaints.get(inspector, filed.id)
    assert (c.next_deadline, c.deadline_kind) == (D(2005, 3, 1), "investigate_by")


async def test_a_resubmission_after_a_request_to_supplement_restarts_the_five_days(monkeypatch):
    inspector = await actor("inspector")
    filed = await file(None, filed_2004(), on=D(2004, 9, 20))
    assert filed.decide_by == D(2004, 9, 27)
    set_today(monkeypatch, D(2004, 9, 22))
    await move(inspector, filed.id, "supplement_requested", note="请补充工资条")
    r = await row(filed.id)
    c = await complaints.get(inspector, filed.id)
    assert (c.next_deadline, c.deadline_kind) == (None, "")  # the complainant's turn: no clock runs
    set_today(monkeypatch, D(2004, 9, 30))
    await move(inspector, filed.id, "received")
    r = await row(filed.id)
    assert (r["received_on"], r["decide_by"]) == (D(2004, 9, 30), D(2004, 10, 12))
    assert history_dates(await history(filed.id)) == {"received_on": ["2004-09-20", "2004-09-30"],
                                                      "decide_by": ["2004-09-27", "2004-10-12"]}


def history_dates(entries: list[tuple[str, dict]]) -> dict:
    action, changes = entries[-1]
    assert action == "status_changed"
    return {k: v for k, v in changes.items() if k in ("received_on", "decide_by")}


# ---- the extension ---------------------------------------------------------------------------------------------

async def accepted_on_1_december(monkeypatch) -> tuple[int, object]:
    inspector = await actor("inspector")
    filed = await file(inspector, filed_2004(), on=D(2004, 11, 29))
    set_today(monkeypatch, D(2004, 12, 1))
    await move(inspector, filed.id, "accepted")
    return filed.id, inspector


@pytest.mark.parametrize("role", ["supervisor", "admin"])
async def test_an_extension_adds_thirty_working_days_once(monkeypatch, role):
    complaint_id, _ = await accepted_on_1_december(monkeypatch)
    head = await actor(role)
    version = (await row(complaint_id))["version"]
    await workflow.extend(head, complaint_id, version)
    r = await row(complaint_id)
    # 1 March 2005 and 30 more working days (Qingming was not yet a holiday in 2005).
    assert (r["extended"], r["investigate_by"], r["version"]) == (True, D(2005, 4, 12), version + 1)
    assert (await history(complaint_id))[-1] == ("extended", {"extended": [False, True],
                                                              "investigate_by": ["2005-03-01", "2005-04-12"]})
    c = await complaints.get(head, complaint_id)
    assert not c.can_extend
    errors = await form_errors(workflow.extend(head, complaint_id, r["version"]))
    assert "" in errors
    assert (await row(complaint_id))["investigate_by"] == D(2005, 4, 12)


async def test_the_extension_counts_from_the_decision_even_after_orders(monkeypatch):
    complaint_id, inspector = await accepted_on_1_december(monkeypatch)
    team = await inspectors(2)
    await complaints.assign(inspector, complaint_id, [i.id for i in team])
    set_today(monkeypatch, D(2005, 1, 10))
    await move(inspector, complaint_id, "investigating")
    await workflow.extend(await actor("supervisor"), complaint_id, (await row(complaint_id))["version"])
    assert (await row(complaint_id))["investigate_by"] == D(2005, 4, 12)


@pytest.mark.parametrize("role", ["inspector", "county_clerk"])
async def test_only_the_head_extends(monkeypatch, role):
    complaint_id, _ = await accepted_on_1_december(monkeypatch)
    who = await actor(role, county_code="210115" if role == "county_clerk" else None)
    version = (await row(complaint_id))["version"]
    with pytest.raises(AccessDenied):
        await workflow.extend(who, complaint_id, version)
    r = await row(complaint_id)
    assert (r["extended"], r["investigate_by"], r["version"]) == (False, D(2005, 3, 1), version)


async def test_a_complaint_not_yet_accepted_cannot_be_extended():
    filed = await file(None, filed_2004(), on=D(2004, 9, 30))
    errors = await form_errors(workflow.extend(await actor("supervisor"), filed.id, 1))
    assert "" in errors
    assert (await row(filed.id))["extended"] is False


async def test_a_stale_extension_is_refused(monkeypatch):
    complaint_id, _ = await accepted_on_1_december(monkeypatch)
    version = (await row(complaint_id))["version"]
    with pytest.raises(FormErrors):
        await workflow.extend(await actor("supervisor"), complaint_id, version - 1)
    assert (await row(complaint_id))["extended"] is False


# ---- the administrator's override table -------------------------------------------------------------------------

async def test_an_entered_year_gives_deadlines_with_its_holidays_and_make_up_days():
    await enter_2027()
    calendar = await load_calendar()
    assert calendar.add_working_days(D(2027, 2, 5), 5) == D(2027, 2, 15)  # Monday 8 off
    assert calendar.add_working_days(D(2027, 2, 15), 5) == D(2027, 2, 20)  # Saturday 20 worked
    # Through the intake: a Friday before the entered holiday, and the week of the make-up Saturday.
    data = dict(arrears_from="2026-09-01", arrears_to="2026-12-31")
    assert (await file(None, complaint(**data), on=D(2027, 2, 5))).decide_by == D(2027, 2, 15)
    assert (await file(None, complaint(**data), on=D(2027, 2, 15))).decide_by == D(2027, 2, 20)
    assert await Notification.count().where(Notification.kind == "calendar_missing") == 0


async def test_an_entered_year_carries_the_investigation_deadline(monkeypatch):
    await enter_2027()
    inspector = await actor("inspector")
    filed = await file(inspector, complaint(**IN_2026), on=D(2026, 12, 21))
    assert filed.decide_by == D(2026, 12, 28)
    set_today(monkeypatch, D(2026, 12, 28))
    await move(inspector, filed.id, "accepted")
    # After Monday 28 December 2026: 29, 30, 31 December (3); 2027 as entered: 1 January off, 4 January … 5 February
    # (28), 8 February off, 9 … 19 February (37), Saturday 20 worked (38), 22 February … 19 March (58), 22, 23.
    assert (await row(filed.id))["investigate_by"] == D(2027, 3, 23)


async def test_an_entered_day_in_a_year_the_package_knows_wins():
    # Friday 8 March 2024 declared a holiday, Saturday 16 March a working day (the test's own, not the State's).
    await CalendarDay.insert(CalendarDay(day=D(2024, 3, 8), workday=False, name="临时假日"),
                             CalendarDay(day=D(2024, 3, 16), workday=True, name="调休上班"))
    calendar = await load_calendar()
    assert not calendar.is_workday(D(2024, 3, 8)) and calendar.is_workday(D(2024, 3, 16))
    # Thursday 7 March: Monday 11 … Friday 15 are 1–5 without the 8th.
    assert (await file(None, complaint(), on=D(2024, 3, 7))).decide_by == D(2024, 3, 15)
    # Tuesday 12 March: 13, 14, 15, Saturday 16, Monday 18.
    assert (await file(None, complaint(), on=D(2024, 3, 12))).decide_by == D(2024, 3, 18)


# ---- the loud error: a year nobody entered ---------------------------------------------------------------------

async def test_without_2027_the_calendar_refuses_to_count():
    calendar = await load_calendar()
    with pytest.raises(CalendarNotCovered) as caught:
        calendar.add_working_days(D(2026, 12, 28), 5)
    assert caught.value.year == 2027
    with pytest.raises(CalendarNotCovered):
        calendar.working_days_between(D(2026, 12, 1), D(2027, 1, 15))


async def test_a_deadline_in_a_missing_year_is_left_empty_and_every_admin_is_told_once():
    admins = [await actor("admin"), await actor("admin")]
    await actor("supervisor")
    inspector = await actor("inspector")
    # Monday 28 December 2026: the fifth working day is in January 2027.
    first = await file(None, complaint(), on=D(2026, 12, 28))
    assert first.decide_by is None
    assert (await row(first.id))["decide_by"] is None
    alarms = await notified_calendar()
    assert alarms == sorted((a.id, "calendar-missing:2027", {"year": "2027"}) for a in admins)
    # Another complaint, and the nightly sweep, tell nobody twice.
    second = await file(inspector, complaint(channel="walk_in", oral_confirmed=True), on=D(2026, 12, 30))
    assert second.decide_by is None
    assert await monitoring.fill_missing_deadlines() == 0
    assert await notified_calendar() == alarms  # the supervisor and the inspector are not the ones to act
    # Entered, both are filled in by the nightly job, each from its own day of receipt.
    await enter_2027()
    assert await monitoring.fill_missing_deadlines() == 2
    assert [(await row(f.id))["decide_by"] for f in (first, second)] == [D(2027, 1, 5), D(2027, 1, 7)]


async def notified_calendar():
    rows = await Notification.select(Notification.user, Notification.key, Notification.params).where(
        Notification.kind == "calendar_missing").order_by(Notification.user)
    return [(r["user"], r["key"], json.loads(r["params"])) for r in rows]


async def test_the_complaint_says_which_year_is_missing_until_it_is_entered():
    inspector = await actor("inspector")
    filed = await file(None, complaint(), on=D(2026, 12, 28))
    c = await complaints.get(inspector, filed.id)
    assert (c.decide_by, c.next_deadline, c.deadline_kind, c.calendar_missing) == (None, None, "decide_by", [2027])
    view = await tracking.lookup(filed.tracking_no, filed.secret, "10.9.9.9")
    assert view.deadline_missing and view.next_deadline is None
    # The administrator enters 2027 with New Year's Day off; the nightly job fills the deadline in.
    await enter_2027()
    assert await monitoring.fill_missing_deadlines() == 1
    # 29, 30, 31 December, 1 January off, 4 and 5 January.
    c = await complaints.get(inspector, filed.id)
    assert (c.decide_by, c.next_deadline, c.calendar_missing) == (D(2027, 1, 5), D(2027, 1, 5), [])
    assert (await tracking.lookup(filed.tracking_no, filed.secret, "10.9.9.9")).deadline_missing is False
    assert await monitoring.fill_missing_deadlines() == 0  # nothing left to fill


async def test_an_investigation_deadline_in_a_missing_year_is_filled_once_entered(monkeypatch):
    admin = await actor("admin")
    inspector = await actor("inspector")
    filed = await file(inspector, complaint(**IN_2026), on=D(2026, 11, 23))
    assert filed.decide_by == D(2026, 11, 30)
    set_today(monkeypatch, D(2026, 11, 30))
    await move(inspector, filed.id, "accepted")
    r = await row(filed.id)
    assert (r["decided_on"], r["investigate_by"]) == (D(2026, 11, 30), None)
    assert [n[0] for n in await notified_calendar()] == [admin.id]
    c = await complaints.get(inspector, filed.id)
    assert (c.next_deadline, c.deadline_kind, c.calendar_missing) == (None, "investigate_by", [2027])
    # An extension while the year is missing stays empty too, and is remembered.
    await workflow.extend(admin, filed.id, r["version"])
    assert (await row(filed.id))["investigate_by"] is None
    await enter_2027(holidays=(), make_up=())
    assert await monitoring.fill_missing_deadlines() == 1
    calendar = await load_calendar()
    assert (await row(filed.id))["investigate_by"] == calendar.add_working_days(D(2026, 11, 30), 90)
    # 2027 entered with no holidays: 23 working days left in December 2026, then 67 weekdays.
    assert (await row(filed.id))["investigate_by"] == D(2027, 4, 5)
    assert (await complaints.get(inspector, filed.id)).calendar_missing == []
