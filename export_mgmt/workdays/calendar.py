"""Counting working days: the chinesecalendar package for the years it knows, entered years beyond.

A year neither covers raises CalendarNotCovered: a statutory deadline is never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import chinese_calendar

from export_mgmt.workdays.tables import CalendarDay, CalendarYear


class CalendarNotCovered(Exception):
    def __init__(self, year: int) -> None:
        super().__init__(f"the working-day calendar has no data for {year}")
        self.year = year


@dataclass(frozen=True)
class WorkCalendar:
    overrides: dict[dt.date, bool] = field(default_factory=dict)  # entered days win over everything
    entered_years: frozenset[int] = frozenset()

    def covers(self, year: int) -> bool:
        if year in self.entered_years:
            return True
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            return False
        return True

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.entered_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarNotCovered(day.year) from None

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (the day of receipt itself does not count)."""
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def subtract_working_days(self, end: dt.date, days: int) -> dt.date:
        """The latest date r with working_days_between(r, end) >= days: received on or before it, a complaint is
        at least `days` working days old on `end`."""
        day, counted = end, 0
        while counted < days:
            if self.is_workday(day):
                counted += 1
            day -= dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_workday(start + dt.timedelta(days=n)))


async def load_calendar() -> WorkCalendar:
    """The entered days and years: two small tables, read once per action."""
    days = await CalendarDay.select(CalendarDay.day, CalendarDay.workday)
    years = await CalendarYear.select(CalendarYear.year)
    return WorkCalendar(overrides={row["day"]: row["workday"] for row in days},
                        entered_years=frozenset(row["year"] for row in years))


async def deadline(start: dt.date, working_days: int) -> dt.date | None:
    """A statutory deadline, or None while the calendar does not reach it (shown as a warning, never guessed)."""
    calendar = await load_calendar()
    try:
        return calendar.add_working_days(start, working_days)
    except CalendarNotCovered:
        return None
