"""Statutory deadlines for complaints, counted on the working-day calendar.

A deadline in a year the calendar does not cover is never guessed: it stays empty, the complaint's pages say so
in red, every administrator is told to enter that year, and the nightly job fills it in once they have.
"""

from __future__ import annotations

import datetime as dt

from export_mgmt.notifications import services as notify
from export_mgmt.workdays.calendar import CalendarNotCovered, load_calendar


async def statutory(start: dt.date, working_days: int) -> dt.date | None:
    """Inside a write transaction: the deadline, or None with the administrators alerted."""
    calendar = await load_calendar()
    try:
        return calendar.add_working_days(start, working_days)
    except CalendarNotCovered as exc:
        await alarm(exc.year)
        return None


async def alarm(year: int) -> None:
    await notify.notify_roles("calendar_missing", f"calendar-missing:{year}", {"year": str(year)},
                              "/admin/calendar/", roles=("admin",))


async def missing_years(starts: list[tuple[dt.date, int]]) -> list[int]:
    """The years the calendar lacks for these (start, working days) deadlines: what the pages shout about."""
    calendar = await load_calendar()
    years: set[int] = set()
    for start, days in starts:
        try:
            calendar.add_working_days(start, days)
        except CalendarNotCovered as exc:
            years.add(exc.year)
    return sorted(years)
