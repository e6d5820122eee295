"""Keeping the working-day calendar: which years it covers, and entering a year from the State Council's notice.

The chinesecalendar package knows 2004–2026. Every later year is entered by an administrator from the notice
on the year's public holidays (国务院办公厅关于……部分节假日安排的通知), one day per line, and until it is
entered a deadline reaching into it is not computed (workdays.calendar.CalendarNotCovered), never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from chinese_calendar.constants import Holiday

from export_mgmt.accounts.actor import Actor
from export_mgmt.audit import services as audit
from export_mgmt.clock import utcnow
from export_mgmt.db import is_unique_violation, write_transaction
from export_mgmt.errors import AccessDenied, FormErrors, RecordNotFound
from export_mgmt.i18n import _
from export_mgmt.workdays.calendar import WorkCalendar
from export_mgmt.workdays.tables import CalendarDay, CalendarYear

ENTITY = "calendar_year"
LIBRARY, ENTERED, MISSING = "library", "entered", "missing"
FIRST_YEAR = 2004  # the first year chinesecalendar knows; nothing in the system is older
LAST_YEAR = 2100
SOURCE_MAX = 200
NAME_MAX = 50  # CalendarDay.name
TEXT_MAX = 20_000
# A line's second word: what the day is. 休 and 班 are how the notices and wall calendars mark them.
KINDS = {"holiday": False, "休": False, "workday": True, "班": True}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied()


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _in_year(year: int):
    first, last = _year_bounds(year)
    return (CalendarDay.day >= first) & (CalendarDay.day <= last)


@cache
def library_covers(year: int) -> bool:
    return WorkCalendar().covers(year)


def library_last_year() -> int:
    """The last year chinesecalendar knows (2026 in release 1.11); a newer release moves it on."""
    return max((y for y in range(FIRST_YEAR, LAST_YEAR + 1) if library_covers(y)), default=FIRST_YEAR - 1)


# ---- what the calendar covers ------------------------------------------------------------------------------

@dataclass(frozen=True)
class YearCoverage:
    year: int
    state: str  # LIBRARY, ENTERED or MISSING; an entered year wins over the library's data for it
    holidays: int = 0  # entered weekday holidays
    workdays: int = 0  # entered make-up workdays
    source: str = ""
    entered_by: str = ""
    entered_at: dt.datetime | None = None
    in_library: bool = False

    @property
    def entered_days(self) -> int:
        return self.holidays + self.workdays


async def coverage(from_year: int, to_year: int) -> list[YearCoverage]:
    """Every year from `from_year` to `to_year`: where its working days come from, and how many were entered."""
    first, _last = _year_bounds(from_year)
    _first, last = _year_bounds(to_year)
    years = {row["year"]: row for row in await CalendarYear.select().where(
        (CalendarYear.year >= from_year) & (CalendarYear.year <= to_year))}
    counts: dict[int, list[int]] = {}
    for row in await CalendarDay.select(CalendarDay.day, CalendarDay.workday).where(
            (CalendarDay.day >= first) & (CalendarDay.day <= last)):
        counts.setdefault(row["day"].year, [0, 0])[1 if row["workday"] else 0] += 1
    result = []
    for year in range(from_year, to_year + 1):
        in_library = library_covers(year)
        holidays, workdays = counts.get(year, [0, 0])
        entered = years.get(year)
        if entered is None:
            result.append(YearCoverage(year, LIBRARY if in_library else MISSING, holidays, workdays,
                                       in_library=in_library))
        else:
            result.append(YearCoverage(year, ENTERED, holidays, workdays, entered["source"], entered["entered_by"],
                                       entered["entered_at"], in_library))
    return result


@dataclass(frozen=True)
class DayEntry:
    day: dt.date
    workday: bool  # True: a make-up workday at a weekend; False: a holiday on a weekday
    name: str = ""

    def as_line(self) -> str:
        kind = "workday" if self.workday else "holiday"
        return f"{self.day.isoformat()} {kind} {self.name}".rstrip()


async def entered_days(year: int) -> list[DayEntry]:
    rows = await CalendarDay.select().where(_in_year(year)).order_by(CalendarDay.day)
    return [DayEntry(row["day"], row["workday"], row["name"]) for row in rows]


def library_days(year: int) -> list[DayEntry]:
    """What chinesecalendar knows of a year, in the entry format: weekday holidays and weekend workdays only."""
    if not library_covers(year):
        return []

    def name(english: str) -> str:
        try:
            return Holiday(english).chinese
        except ValueError:
            return english

    days = [DayEntry(day, False, name(label)) for day, label in chinese_calendar.holidays.items()
            if day.year == year and day.weekday() < 5]
    days += [DayEntry(day, True, name(label)) for day, label in chinese_calendar.workdays.items()
             if day.year == year and day.weekday() >= 5]
    return sorted(days, key=lambda d: d.day)


# ---- entering a year ---------------------------------------------------------------------------------------

def parse_days(year: int, text: str) -> tuple[list[DayEntry], list[str]]:
    """The year's days from the typed lines, and one translated problem per wrong line (all of them)."""
    days: list[DayEntry] = []
    problems: list[str] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 2 or not DATE_RE.match(parts[0]) or parts[1].lower() not in KINDS:
            problems.append(_("Line %(line)s: write a date as YYYY-MM-DD, then “holiday” (or 休) or “workday” "
                              "(or 班), then the holiday's name if you like.", line=number))
            continue
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            problems.append(_("Line %(line)s: %(date)s is not a date.", line=number, date=parts[0]))
            continue
        workday = KINDS[parts[1].lower()]
        name = parts[2].strip() if len(parts) > 2 else ""
        if day.year != year:
            problems.append(_("Line %(line)s: %(date)s is not in %(year)s.", line=number, date=parts[0], year=year))
        elif day in seen:
            problems.append(_("Line %(line)s: %(date)s is already on line %(first)s.", line=number, date=parts[0],
                              first=seen[day]))
        elif workday and day.weekday() < 5:
            problems.append(_("Line %(line)s: %(date)s is a weekday, which is a working day anyway; a make-up "
                              "workday is a Saturday or Sunday.", line=number, date=parts[0]))
        elif not workday and day.weekday() >= 5:
            problems.append(_("Line %(line)s: %(date)s is a Saturday or Sunday, which is a day off anyway; list "
                              "only holidays from Monday to Friday.", line=number, date=parts[0]))
        elif len(name) > NAME_MAX:
            problems.append(_("Line %(line)s: the name is longer than %(n)s characters.", line=number, n=NAME_MAX))
        else:
            seen[day] = number
            days.append(DayEntry(day, workday, name))
    return days, problems


def _validate(year: int, text: str, source: str) -> tuple[list[DayEntry], str]:
    errors: dict[str, str] = {}
    problems: list[str] = []
    days: list[DayEntry] = []
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = _("Enter a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
    source = source.strip()
    if not source:
        errors["source"] = _("Name the notice the days are taken from.")
    elif len(source) > SOURCE_MAX:
        errors["source"] = _("At most %(n)s characters.", n=SOURCE_MAX)
    if len(text) > TEXT_MAX:
        errors["text"] = _("At most %(n)s characters.", n=TEXT_MAX)
    elif "year" not in errors:
        days, problems = parse_days(year, text)
        if problems:
            errors["text"] = problems[0] if len(problems) == 1 else _(
                "%(count)s lines are wrong; see the list above the form.", count=len(problems))
        elif not any(not d.workday for d in days):
            errors["text"] = _("Enter the year's holidays from the notice, one day per line.")
    if errors:
        raise FormErrors(errors, {"problems": problems})
    return days, source


async def enter_year(actor: Actor, year: int, text: str, source: str) -> int:
    """Replace a year's days with the typed ones and mark it entered, in one audited transaction.

    Returns the number of days entered.
    """
    _require_admin(actor)
    days, source = _validate(year, text, source)
    holidays = sum(1 for d in days if not d.workday)
    try:
        async with write_transaction():
            before = await CalendarYear.select().where(CalendarYear.year == year).first()
            old = await CalendarDay.select(CalendarDay.workday).where(_in_year(year))
            await CalendarDay.delete().where(_in_year(year))
            await CalendarDay.insert(*[CalendarDay(day=d.day, workday=d.workday, name=d.name) for d in days])
            await CalendarYear.insert(CalendarYear(
                year=year, source=source, entered_by=actor.username, entered_at=utcnow(),
            )).on_conflict(target=CalendarYear.year, action="DO UPDATE",
                           values=[CalendarYear.source, CalendarYear.entered_by, CalendarYear.entered_at])
            await audit.record(actor, ENTITY, year, "entered", {
                "year": [year, year],
                "source": [before["source"] if before else None, source],
                "holidays": [sum(1 for r in old if not r["workday"]), holidays],
                "workdays": [sum(1 for r in old if r["workday"]), len(days) - holidays],
            })
    except Exception as exc:
        if is_unique_violation(exc):  # another administrator entered the same year at the same moment
            raise FormErrors({"": _("This year was being entered by someone else at the same moment. "
                                    "Look at what is stored now and send it again if needed.")}) from exc
        raise
    return len(days)


async def remove_year(actor: Actor, year: int) -> None:
    """Forget an entered year: its deadlines are not computed any more unless the library knows the year."""
    _require_admin(actor)
    async with write_transaction():
        before = await CalendarYear.select().where(CalendarYear.year == year).first()
        if before is None:
            raise RecordNotFound()
        old = await CalendarDay.select(CalendarDay.workday).where(_in_year(year))
        await CalendarDay.delete().where(_in_year(year))
        await CalendarYear.delete().where(CalendarYear.year == year)
        await audit.record(actor, ENTITY, year, "removed", {
            "year": [year, year],
            "source": [before["source"], None],
            "holidays": [sum(1 for r in old if not r["workday"]), 0],
            "workdays": [sum(1 for r in old if r["workday"]), 0],
        })


# ---- the calendar page -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CalendarOverview:
    years: list[YearCoverage]  # newest first
    selected: YearCoverage
    days: list[DayEntry]  # entered for the selected year
    library: list[DayEntry]  # what chinesecalendar knows of it, in the entry format


async def overview(on: dt.date, year: int | None = None) -> CalendarOverview:
    """From 2004 to next year (or the last entered year, if later); a chosen year, else the first missing one."""
    last_entered = await CalendarYear.select(CalendarYear.year).order_by(CalendarYear.year, ascending=False).first()
    to_year = max(on.year + 1, last_entered["year"] if last_entered else 0)
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        to_year = max(to_year, year)
    years = await coverage(FIRST_YEAR, to_year)
    by_year = {y.year: y for y in years}
    if year not in by_year:
        year = next((y.year for y in years if y.state == MISSING), on.year + 1)
    selected = by_year[year]
    return CalendarOverview(years=years[::-1], selected=selected, days=await entered_days(year),
                            library=library_days(year))
