"""Counting working days: the library's years, entered years with their overrides, and years nobody knows."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.i18n import gettext
from export_mgmt.workdays.calendar import CalendarNotCovered, WorkCalendar
from export_mgmt.workdays.services import parse_days

D = dt.date
LIBRARY = WorkCalendar()
# 2027 as if entered from a notice: 2027-02-08 (a Monday) a holiday, 2027-02-20 (a Saturday) a make-up workday.
ENTERED = WorkCalendar(overrides={D(2027, 2, 8): False, D(2027, 2, 20): True}, entered_years=frozenset({2027}))


def test_national_day_2004_and_its_make_up_weekend():
    # 1–7 October off, Saturday 9 and Sunday 10 worked: 8, 9, 10, 11, 12 October.
    assert LIBRARY.add_working_days(D(2004, 9, 30), 5) == D(2004, 10, 12)


def test_sixty_working_days_across_new_year_and_spring_festival():
    assert LIBRARY.add_working_days(D(2004, 12, 1), 60) == D(2005, 3, 1)


def test_the_day_of_receipt_does_not_count():
    assert LIBRARY.add_working_days(D(2024, 3, 4), 1) == D(2024, 3, 5)  # Monday → Tuesday
    assert LIBRARY.add_working_days(D(2024, 3, 8), 1) == D(2024, 3, 11)  # Friday → Monday


def test_a_year_beyond_the_library_is_never_guessed():
    assert not LIBRARY.covers(2027)
    with pytest.raises(CalendarNotCovered) as caught:
        LIBRARY.is_workday(D(2027, 3, 1))
    assert caught.value.year == 2027
    with pytest.raises(CalendarNotCovered):
        LIBRARY.add_working_days(D(2026, 12, 28), 10)  # runs into January 2027


def test_an_entered_year_counts_weekdays_holidays_and_make_up_days():
    assert ENTERED.covers(2027)
    assert ENTERED.is_workday(D(2027, 2, 9))  # an ordinary Tuesday
    assert not ENTERED.is_workday(D(2027, 2, 13))  # an ordinary Saturday
    assert not ENTERED.is_workday(D(2027, 2, 8))  # the entered holiday, a Monday
    assert ENTERED.is_workday(D(2027, 2, 20))  # the entered make-up Saturday
    # From Friday 5 February: Mon 8 is off, so Tue 9 … Fri 12 are 1–4, Mon 15 … Fri 19 are 5–9, Sat 20 is 10.
    assert ENTERED.add_working_days(D(2027, 2, 5), 10) == D(2027, 2, 20)
    # The year after it is still unknown.
    with pytest.raises(CalendarNotCovered):
        ENTERED.is_workday(D(2028, 1, 3))


def test_the_last_library_year_runs_into_an_entered_year():
    # Thursday 31 December 2026 is a working day; 1 January 2027 is not entered as a holiday here, so it counts.
    assert ENTERED.add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 1)


def test_working_days_between():
    assert LIBRARY.working_days_between(D(2004, 9, 30), D(2004, 10, 12)) == 5
    assert LIBRARY.working_days_between(D(2004, 10, 12), D(2004, 9, 30)) == -5
    assert LIBRARY.working_days_between(D(2024, 3, 4), D(2024, 3, 4)) == 0
    assert ENTERED.working_days_between(D(2027, 2, 5), D(2027, 2, 21)) == 10  # Sunday 21 is off
    with pytest.raises(CalendarNotCovered):
        LIBRARY.working_days_between(D(2026, 12, 1), D(2027, 1, 31))


# ---- reading the lines an administrator types ----

def test_lines_in_english_or_with_the_chinese_marks():
    days, problems = parse_days(2027, "2027-02-08 holiday 春节\n\n# a comment\n2027-02-20 班 春节\n2027-02-09 休\n")
    assert problems == []
    assert [(d.day, d.workday, d.name) for d in days] == [
        (D(2027, 2, 8), False, "春节"), (D(2027, 2, 20), True, "春节"), (D(2027, 2, 9), False, "")]


FORMAT = ("Line %(line)s: write a date as YYYY-MM-DD, then “holiday” (or 休) or “workday” (or 班), then the "
          "holiday's name if you like.")


@pytest.mark.parametrize(("line", "message", "params"), [
    ("2027-02-13 holiday", "Line %(line)s: %(date)s is a Saturday or Sunday, which is a day off anyway; list only "
     "holidays from Monday to Friday.", {"date": "2027-02-13"}),
    ("2027-02-09 workday", "Line %(line)s: %(date)s is a weekday, which is a working day anyway; a make-up workday "
     "is a Saturday or Sunday.", {"date": "2027-02-09"}),
    ("2028-02-09 holiday", "Line %(line)s: %(date)s is not in %(year)s.", {"date": "2028-02-09", "year": 2027}),
    ("2027-02-30 holiday", "Line %(line)s: %(date)s is not a date.", {"date": "2027-02-30"}),
    ("2027-02-20 班 " + "节" * 51, "Line %(line)s: the name is longer than %(n)s characters.", {"n": 50}),
    ("2027/02/09 holiday", FORMAT, {}),
    ("2027-02-09 day-off", FORMAT, {}),
    ("2027-02-09", FORMAT, {}),
])
def test_a_wrong_line_is_named_by_its_number(line, message, params):
    days, problems = parse_days(2027, f"2027-02-08 holiday\n{line}")
    assert [d.day for d in days] == [D(2027, 2, 8)]
    assert problems == [gettext(message, line=2, **params)]


def test_a_date_twice_is_refused():
    _days, problems = parse_days(2027, "2027-02-08 holiday\n\n2027-02-08 休")
    assert problems == [gettext("Line %(line)s: %(date)s is already on line %(first)s.", line=3, date="2027-02-08",
                                first=1)]
