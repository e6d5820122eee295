"""Follow-up compliance for the city: how many scheduled follow-ups were done on time, per agency and per county.

Counted: the schedule's own follow-ups (arrival, regular, before the contract ends, after return) whose due date
fell within the last N days, leaving out those no longer due because the placement ended. Each one is done on
time (on or before its overdue date), done late, still open past its overdue date, or still open within its grace
period. The rate is done on time as a share of those whose outcome is known: the ones within their grace period
may still be done on time and are left out of it.

Two grouped SELECTs (GROUP BY in the database), the same text on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import numbers as babel_numbers

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.clock import today
from export_mgmt.errors import AccessDenied
from export_mgmt.followups.tables import FollowUp
from export_mgmt.i18n import get_locale
from export_mgmt.regions import county_name

READERS = {Role.admin, Role.supervisor, Role.inspector}
PERIODS = (30, 90, 180, 365)
DEFAULT_DAYS = 90
SCHEDULED = ("arrival", "periodic", "before_end", "after_return")

COUNTS = """
COUNT(*) AS due,
SUM(CASE WHEN f.status = 'done' AND f.done_on <= f.overdue_after THEN 1 ELSE 0 END) AS on_time,
SUM(CASE WHEN f.status = 'done' AND f.done_on > f.overdue_after THEN 1 ELSE 0 END) AS late,
SUM(CASE WHEN f.status IN ('pending', 'overdue') AND f.overdue_after < {} THEN 1 ELSE 0 END) AS overdue,
SUM(CASE WHEN f.status IN ('pending', 'overdue') AND f.overdue_after >= {} THEN 1 ELSE 0 END) AS waiting
"""
WINDOW = ("f.kind IN ('arrival', 'periodic', 'before_end', 'after_return') AND f.status <> 'cancelled' "
           "AND f.due_date > {} AND f.due_date <= {}")
BY_AGENCY = (f"SELECT p.agency AS agency_id, a.name AS agency_name, {COUNTS} FROM followup f "
             f"JOIN placement p ON p.id = f.placement JOIN agency a ON a.id = p.agency "
             f"WHERE {WINDOW} GROUP BY p.agency, a.name ORDER BY a.name, p.agency")
BY_COUNTY = (f"SELECT w.county_code AS county_code, {COUNTS} FROM followup f "
             f"JOIN placement p ON p.id = f.placement JOIN worker w ON w.id = p.worker "
             f"WHERE {WINDOW} GROUP BY w.county_code ORDER BY w.county_code")


def can_read(actor: Actor) -> bool:
    return actor.role in READERS


def period(raw: str | None) -> int:
    """The look-back in days from the query string: one of PERIODS, else the default."""
    return int(raw) if raw and raw.isdigit() and int(raw) in PERIODS else DEFAULT_DAYS


@dataclass(frozen=True)
class Line:
    """One agency's or county's counts (or the city's total)."""

    key: str
    name: str
    due: int
    on_time: int
    late: int
    overdue: int
    waiting: int

    @property
    def settled(self) -> int:
        """Follow-ups whose outcome is known: done, or past their overdue date."""
        return self.on_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return self.on_time / self.settled if self.settled else None


@dataclass(frozen=True)
class Report:
    days: int
    since: dt.date
    until: dt.date
    agencies: list[Line]
    counties: list[Line]
    total: Line


def _line(key: str, name: str, row: dict) -> Line:
    return Line(key=key, name=name, **{k: int(row[k] or 0) for k in ("due", "on_time", "late", "overdue",
                                                                        "waiting")})


async def report(actor: Actor, days: int = DEFAULT_DAYS) -> Report:
    if not can_read(actor):
        raise AccessDenied()
    days = days if days in PERIODS else DEFAULT_DAYS
    on = today()
    since = on - dt.timedelta(days=days)
    args = (on, on, since, on)
    # Sorted here too: the databases' collations order Chinese names differently.
    agencies = sorted((_line(str(r["agency_id"]), r["agency_name"], r) for r in await FollowUp.raw(BY_AGENCY, *args)),
                      key=lambda line: (line.name, line.key))
    counties = [_line(r["county_code"], county_name(r["county_code"]) or r["county_code"], r)
                for r in await FollowUp.raw(BY_COUNTY, *args)]
    total = Line(key="", name="", **{k: sum(getattr(a, k) for a in agencies)
                                     for k in ("due", "on_time", "late", "overdue", "waiting")})
    return Report(days=days, since=since + dt.timedelta(days=1), until=on, agencies=agencies, counties=counties,
                  total=total)


def percent(rate: float | None, decimals: bool = True) -> str:
    """A rate as the reader's locale writes a percentage, one decimal; a dash when there is none."""
    if rate is None:
        return "—"
    return babel_numbers.format_percent(rate, format="#,##0.0%" if decimals else "#,##0%", locale=get_locale())


# ---- the bar chart, drawn on the server as SVG (no scripts: the CSP allows none from elsewhere) ---------

CHART_WIDTH = 720
LABEL_WIDTH = 230
BAR_AREA = 400
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8
LABEL_CHARS = 16


@dataclass(frozen=True)
class Bar:
    name: str
    label: str
    y: int
    width: float
    value: str
    band: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_area: int
    bar_height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]


def band(rate: float) -> str:
    return "good" if rate >= 0.9 else "fair" if rate >= 0.7 else "poor"


def chart(lines: list[Line]) -> Chart:
    """Horizontal bars of the rate, the lowest first, one per line that has one; long names shortened (the full
    name in a title)."""
    bars: list[Bar] = []
    for line in sorted((line for line in lines if line.rate is not None), key=lambda line: (line.rate, line.name)):
        label = line.name if len(line.name) <= LABEL_CHARS else line.name[:LABEL_CHARS - 1] + "…"
        bars.append(Bar(name=line.name, label=label, y=TOP + len(bars) * ROW_HEIGHT,
                        width=round(BAR_AREA * line.rate, 1), value=percent(line.rate), band=band(line.rate)))
    ticks = [(LABEL_WIDTH + BAR_AREA * share, percent(share, decimals=False)) for share in (0, 0.5, 0.9, 1)]
    return Chart(width=CHART_WIDTH, height=TOP * 2 + len(bars) * ROW_HEIGHT + 16, label_width=LABEL_WIDTH,
                 bar_area=BAR_AREA, bar_height=BAR_HEIGHT, bars=bars, ticks=ticks)
