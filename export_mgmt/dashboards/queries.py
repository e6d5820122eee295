"""The grouped SELECTs behind the dashboards: one per chart, each GROUP BY in the database, for a calendar year and
a scope (the whole city, one county, or one agency), so the page reads a few hundred grouped rows whatever the
size of the pool. The same SQL text runs on SQLite and PostgreSQL (dates compare as ISO text on SQLite).

Counting rules are those of the monthly statistics (reports/statistics.py), so the dashboard and the workbook
agree: a placement is exported on its first "departed" or "working" event, counted in the worker's household
county; "4050" is judged on the day of departure; trained means the worker's record has training entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from export_mgmt.complaints import rules
from export_mgmt.complaints.services import overdue_condition
from export_mgmt.complaints.tables import Complaint
from export_mgmt.db import engine, where_all
from export_mgmt.followups import compliance
from export_mgmt.reports.queries import DEPARTED, ymd
from export_mgmt.workers.tables import Worker


@dataclass(frozen=True)
class Scope:
    """What one dashboard covers: the whole city, one county (a clerk's, or the city's filter) or one agency."""

    county: str | None = None
    agency: int | None = None

    def condition(self, county_column: str, agency_column: str | None) -> tuple[str, tuple]:
        """The scope as an SQL condition (" AND …" with {} placeholders) and the values it binds."""
        sql, args = "", ()
        if self.county:
            sql, args = f" AND {county_column} = {{}}", (self.county,)
        if self.agency is not None:
            # A scope by agency on a table without one (none today) must not widen to the city: match nothing.
            sql += f" AND {agency_column} = {{}}" if agency_column else " AND 1 = 0"
            args += (self.agency,) if agency_column else ()
        return sql, args


def month_of(expr: str) -> str:
    """The month (1-12) of a date column as an integer."""
    if engine().engine_type == "postgres":
        return f"CAST(EXTRACT(MONTH FROM {expr}) AS INTEGER)"
    return f"CAST(substr({expr}, 6, 2) AS INTEGER)"  # SQLite keeps dates as YYYY-MM-DD text


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # the application's own status codes, never user input


# ---- exported: departures in the year ------------------------------------------------------------------------

def departures_sql(scope: Scope) -> tuple[str, tuple]:
    aged = (f"((w.sex = 'F' AND {ymd('d.departed_on')} - {ymd('w.birth_date')} >= 400000) "
            f"OR (w.sex = 'M' AND {ymd('d.departed_on')} - {ymd('w.birth_date')} >= 500000))")
    where, args = scope.condition("w.county_code", "p.agency")
    sql = (
        "SELECT w.county_code AS county, p.destination_country AS country, "
        f"{month_of('d.departed_on')} AS month, "
        "SUM(CASE WHEN w.training <> '' THEN 1 ELSE 0 END) AS trained, "
        f"SUM(CASE WHEN {aged} THEN 1 ELSE 0 END) AS aged, COUNT(*) AS exported "
        "FROM (SELECT e.placement AS placement, MIN(e.on_date) AS departed_on FROM placement_event e "
        f"WHERE e.status IN ({_quoted(DEPARTED)}) GROUP BY e.placement) d "
        "JOIN placement p ON p.id = d.placement JOIN worker w ON w.id = p.worker "
        f"WHERE d.departed_on >= {{}} AND d.departed_on <= {{}}{where} "
        f"GROUP BY w.county_code, p.destination_country, {month_of('d.departed_on')}"
    )
    return sql, args


async def departures(year: int, scope: Scope) -> list[dict]:
    """Per county, destination country and month of departure: exported, of them trained and of the 4050 group."""
    sql, args = departures_sql(scope)
    return await Worker.raw(sql, *_year_bounds(year), *args)


# ---- follow-ups: the schedule's own, due in the year up to the day ----------------------------------------------

def followups_sql(scope: Scope) -> tuple[str, tuple]:
    where, args = scope.condition("w.county_code", "p.agency")
    sql = (f"SELECT w.county_code AS county, {compliance.COUNTS} FROM followup f "
           "JOIN placement p ON p.id = f.placement JOIN worker w ON w.id = p.worker "
           f"WHERE {compliance.WINDOW}{where} GROUP BY w.county_code")
    return sql, args


async def followups(year: int, scope: Scope, on: dt.date) -> list[dict]:
    """Per county: due, done on time, done late, open and overdue, open within the grace period."""
    start, end = _year_bounds(year)
    sql, args = followups_sql(scope)
    return await Worker.raw(sql, on, on, start - dt.timedelta(days=1), min(end, on), *args)


# ---- complaints: received and closed per month, amounts, overdue on the day ----------------------------------

RECEIVED = "COALESCE(c.first_received_on, c.received_on)"


def complaints_sql(scope: Scope) -> tuple[str, tuple]:
    where, args = scope.condition("c.route", "c.agency")
    sql = (f"SELECT 'received' AS what, {month_of(RECEIVED)} AS month, COUNT(*) AS n FROM complaint c "
           f"WHERE {RECEIVED} >= {{}} AND {RECEIVED} <= {{}}{where} GROUP BY {month_of(RECEIVED)} "
           "UNION ALL "
           f"SELECT 'closed' AS what, {month_of('c.closed_on')} AS month, COUNT(*) AS n FROM complaint c "
           f"WHERE c.status = 'closed' AND c.closed_on >= {{}} AND c.closed_on <= {{}}{where} "
           f"GROUP BY {month_of('c.closed_on')}")
    return sql, args


def amounts_sql(scope: Scope) -> tuple[str, tuple]:
    where, args = scope.condition("c.route", "c.agency")
    sql = (f"SELECT {month_of(RECEIVED)} AS month, cw.currency AS currency, SUM(cw.amount_owed) AS claimed, "
           "SUM(cw.recovered_cny) AS recovered FROM complaint_worker cw JOIN complaint c ON c.id = cw.complaint "
           f"WHERE {RECEIVED} >= {{}} AND {RECEIVED} <= {{}}{where} GROUP BY {month_of(RECEIVED)}, cw.currency")
    return sql, args


async def complaints(year: int, scope: Scope) -> list[dict]:
    """Per month: complaints received (first receipt) and closed."""
    bounds = _year_bounds(year)
    sql, args = complaints_sql(scope)
    return await Complaint.raw(sql, *bounds, *args, *bounds, *args)


async def amounts(year: int, scope: Scope) -> list[dict]:
    """Per month of receipt and currency: wages claimed (minor units of the currency) and recovered (CNY fen)."""
    sql, args = amounts_sql(scope)
    return await Complaint.raw(sql, *_year_bounds(year), *args)


async def open_and_overdue(scope: Scope, on: dt.date) -> tuple[int, int]:
    """Complaints open today, and of them past a statutory deadline."""
    conditions = [Complaint.status.is_in(list(rules.OPEN))]
    if scope.county:
        conditions.append(Complaint.route == scope.county)
    if scope.agency is not None:
        conditions.append(Complaint.agency == scope.agency)
    open_count = await where_all(Complaint.count(), conditions)
    overdue = await where_all(Complaint.count(), [*conditions, overdue_condition(on)])
    return open_count, overdue
