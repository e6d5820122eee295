"""The grouped SELECTs behind the monthly statistics (statistics.py adds their rows up): one per subject, each
GROUP BY county (or desk) and the few codes a table splits by, with the county condition bound when the report is
for one county. The same SQL text runs on SQLite and PostgreSQL (dates compare as ISO text on SQLite)."""

from __future__ import annotations

import datetime as dt

from piccolo.query.functions.aggregate import Count

from export_mgmt.clock import BUREAU_TZ
from export_mgmt.complaints import rules as complaint_rules
from export_mgmt.complaints.services import overdue_condition
from export_mgmt.complaints.tables import Complaint
from export_mgmt.db import engine, where_all
from export_mgmt.idnumber import birth_date_cutoff
from export_mgmt.placements import lifecycle
from export_mgmt.reports.period import Period
from export_mgmt.workers.tables import Worker

SCHEDULED = ("arrival", "periodic", "before_end", "after_return")
DEPARTED = ("departed", "working")
ENDED = tuple(sorted(lifecycle.FINISHED))
OPEN_FOLLOWUP = ("pending", "overdue")


def _instant(day: dt.date) -> dt.datetime:
    """The start of a calendar day in the bureau's time zone, for the timestamp columns (stored in UTC)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=BUREAU_TZ)


SCOPE = "@SCOPE@"  # where a query takes the county condition, when the report is for one county


def _scoped(sql: str, column: str, county: str | None) -> tuple[str, tuple]:
    """The query with the county condition in place (a {} placeholder, bound), and the value it binds."""
    if county:
        return sql.replace(SCOPE, f" AND {column} = {{}}"), (county,)
    return sql.replace(SCOPE, ""), ()


# ---- workers ---------------------------------------------------------------------------------------------------

_IS_4050 = "((w.sex = 'F' AND w.birth_date <= {}) OR (w.sex = 'M' AND w.birth_date <= {}))"
_IN_MONTH = "w.created_at >= {}"
WORKERS = (
    "SELECT w.county_code AS county, "
    f"SUM(CASE WHEN {_IN_MONTH} THEN 1 ELSE 0 END) AS new_month, "
    f"SUM(CASE WHEN {_IN_MONTH} AND w.sex = 'F' THEN 1 ELSE 0 END) AS new_women, "
    f"SUM(CASE WHEN {_IN_MONTH} AND w.sex = 'M' THEN 1 ELSE 0 END) AS new_men, "
    f"SUM(CASE WHEN {_IN_MONTH} AND {_IS_4050} THEN 1 ELSE 0 END) AS new_4050, "
    "SUM(CASE WHEN w.created_at >= {} THEN 1 ELSE 0 END) AS new_ytd, "
    "COUNT(*) AS pool, "
    "SUM(CASE WHEN w.sex = 'F' THEN 1 ELSE 0 END) AS pool_women, "
    "SUM(CASE WHEN w.sex = 'M' THEN 1 ELSE 0 END) AS pool_men, "
    f"SUM(CASE WHEN {_IS_4050} THEN 1 ELSE 0 END) AS pool_4050 "
    f"FROM worker w WHERE w.created_at < {{}}{SCOPE} GROUP BY w.county_code"
)


async def workers(p: Period, county: str | None) -> list[dict]:
    start, year_start, next_start = _instant(p.start), _instant(p.year_start), _instant(p.next_start)
    women, men = birth_date_cutoff(40, p.end), birth_date_cutoff(50, p.end)
    sql, args = _scoped(WORKERS, "w.county_code", county)
    return await Worker.raw(sql, start, start, start, start, women, men, year_start, women, men, next_start, *args)


# ---- placements ------------------------------------------------------------------------------------------------

def _quoted(values) -> str:
    return ", ".join(f"'{v}'" for v in values)  # the application's own status codes, never user input


def ymd(expr: str) -> str:
    """A date as the integer YYYYMMDD: (departed - born) // 10000 is the age in completed years, as age_on counts
    it (a 29 February birthday passes on 1 March), with no date arithmetic that the two engines do differently."""
    if engine().engine_type == "postgres":
        return f"CAST(TO_CHAR({expr}, 'YYYYMMDD') AS INTEGER)"
    return f"CAST(strftime('%Y%m%d', {expr}) AS INTEGER)"


def _placements_sql() -> str:
    aged = (f"((x.sex = 'F' AND {ymd('x.departed_on')} - {ymd('x.birth_date')} >= 400000) "
            f"OR (x.sex = 'M' AND {ymd('x.departed_on')} - {ymd('x.birth_date')} >= 500000))")
    month, ytd = "x.departed_on >= {} AND x.departed_on <= {}", "x.departed_on >= {} AND x.departed_on <= {}"
    return (
        "SELECT x.county AS county, x.country AS country, x.grp AS grp, x.programme AS programme, "
        "SUM(CASE WHEN x.reported_on >= {} AND x.reported_on <= {} THEN 1 ELSE 0 END) AS reported_month, "
        "SUM(CASE WHEN x.reported_on >= {} AND x.reported_on <= {} THEN 1 ELSE 0 END) AS reported_ytd, "
        f"SUM(CASE WHEN {month} THEN 1 ELSE 0 END) AS departed_month, "
        f"SUM(CASE WHEN {ytd} THEN 1 ELSE 0 END) AS departed_ytd, "
        f"SUM(CASE WHEN {month} AND {aged} THEN 1 ELSE 0 END) AS departed_month_4050, "
        f"SUM(CASE WHEN {ytd} AND {aged} THEN 1 ELSE 0 END) AS departed_ytd_4050, "
        f"SUM(CASE WHEN {month} AND x.trained = 1 THEN 1 ELSE 0 END) AS departed_month_trained, "
        f"SUM(CASE WHEN {ytd} AND x.trained = 1 THEN 1 ELSE 0 END) AS departed_ytd_trained, "
        "SUM(CASE WHEN x.departed_on <= {} AND (x.ended_on IS NULL OR x.ended_on > {}) THEN 1 ELSE 0 END) AS away, "
        "SUM(CASE WHEN x.departed_on IS NOT NULL AND x.ended_on >= {} AND x.ended_on <= {} THEN 1 ELSE 0 END) "
        "AS returned_month, "
        "SUM(CASE WHEN x.departed_on IS NOT NULL AND x.ended_on >= {} AND x.ended_on <= {} THEN 1 ELSE 0 END) "
        "AS returned_ytd "
        "FROM (SELECT w.county_code AS county, w.sex AS sex, w.birth_date AS birth_date, "
        "CASE WHEN w.training <> '' THEN 1 ELSE 0 END AS trained, p.destination_country AS country, "
        "p.destination_group AS grp, p.programme AS programme, "
        "COALESCE(MIN(e.on_date), p.status_changed_on) AS reported_on, "
        f"MIN(CASE WHEN e.status IN ({_quoted(DEPARTED)}) THEN e.on_date END) AS departed_on, "
        f"MIN(CASE WHEN e.status IN ({_quoted(ENDED)}) THEN e.on_date END) AS ended_on "
        "FROM placement p JOIN worker w ON w.id = p.worker LEFT JOIN placement_event e ON e.placement = p.id "
        f"WHERE 1 = 1{SCOPE} "
        "GROUP BY p.id, w.county_code, w.sex, w.birth_date, w.training, p.destination_country, p.destination_group, "
        "p.programme, p.status_changed_on) x "
        "GROUP BY x.county, x.country, x.grp, x.programme"
    )


async def placements(p: Period, county: str | None) -> list[dict]:
    sql, args = _scoped(_placements_sql(), "w.county_code", county)
    month, ytd = (p.start, p.end), (p.year_start, p.end)
    return await Worker.raw(sql, *month, *ytd, *month, *ytd, *month, *ytd, *month, *ytd, p.end, p.end, *month, *ytd,
                            *args)


# ---- follow-ups ------------------------------------------------------------------------------------------------

_DUE_MONTH = "f.due_date >= {} AND f.due_date <= {}"
_DUE_YTD = "f.due_date >= {} AND f.due_date <= {}"
_ON_TIME = "f.status = 'done' AND f.done_on <= f.overdue_after"
_LATE = "f.status = 'done' AND f.done_on > f.overdue_after"
_OVERDUE = f"f.status IN ({_quoted(OPEN_FOLLOWUP)}) AND f.overdue_after < {{}}"
_WAITING = f"f.status IN ({_quoted(OPEN_FOLLOWUP)}) AND f.overdue_after >= {{}}"
FOLLOWUPS = (
    "SELECT w.county_code AS county, "
    f"SUM(CASE WHEN {_DUE_MONTH} THEN 1 ELSE 0 END) AS due, "
    f"SUM(CASE WHEN {_DUE_MONTH} AND f.status = 'done' THEN 1 ELSE 0 END) AS done, "
    f"SUM(CASE WHEN {_DUE_MONTH} AND {_ON_TIME} THEN 1 ELSE 0 END) AS on_time, "
    f"SUM(CASE WHEN {_DUE_MONTH} AND {_LATE} THEN 1 ELSE 0 END) AS late, "
    f"SUM(CASE WHEN {_DUE_MONTH} AND {_OVERDUE} THEN 1 ELSE 0 END) AS overdue, "
    f"SUM(CASE WHEN {_DUE_MONTH} AND {_WAITING} THEN 1 ELSE 0 END) AS waiting, "
    "SUM(CASE WHEN f.status = 'done' AND f.done_on >= {} AND f.done_on <= {} THEN 1 ELSE 0 END) AS done_in_month, "
    f"SUM(CASE WHEN {_DUE_YTD} THEN 1 ELSE 0 END) AS due_ytd, "
    f"SUM(CASE WHEN {_DUE_YTD} AND {_ON_TIME} THEN 1 ELSE 0 END) AS on_time_ytd, "
    f"SUM(CASE WHEN {_DUE_YTD} AND {_OVERDUE} THEN 1 ELSE 0 END) AS overdue_ytd "
    "FROM followup f JOIN placement p ON p.id = f.placement JOIN worker w ON w.id = p.worker "
    f"WHERE f.kind IN ({_quoted(SCHEDULED)}) AND f.status <> 'cancelled'{SCOPE} GROUP BY w.county_code"
)


async def followups(p: Period, county: str | None, on: dt.date) -> list[dict]:
    sql, args = _scoped(FOLLOWUPS, "w.county_code", county)
    month, ytd = (p.start, p.end), (p.year_start, p.end)
    return await Worker.raw(sql, *month, *month, *month, *month, *month, on, *month, on, p.start, p.end, *ytd,
                            *ytd, *ytd, on, *args)


# ---- complaints ------------------------------------------------------------------------------------------------

_RECEIVED = "COALESCE(c.first_received_on, c.received_on)"
COMPLAINTS = (
    "SELECT c.route AS route, "
    f"SUM(CASE WHEN {_RECEIVED} >= {{}} AND {_RECEIVED} <= {{}} THEN 1 ELSE 0 END) AS received, "
    f"SUM(CASE WHEN {_RECEIVED} >= {{}} AND {_RECEIVED} <= {{}} THEN 1 ELSE 0 END) AS received_ytd, "
    "SUM(CASE WHEN c.decided_on >= {} AND c.decided_on <= {} AND c.reject_reason = '' THEN 1 ELSE 0 END) "
    "AS accepted, "
    "SUM(CASE WHEN c.decided_on >= {} AND c.decided_on <= {} AND c.reject_reason = '' THEN 1 ELSE 0 END) "
    "AS accepted_ytd, "
    "SUM(CASE WHEN c.decided_on >= {} AND c.decided_on <= {} AND c.reject_reason <> '' THEN 1 ELSE 0 END) "
    "AS rejected, "
    "SUM(CASE WHEN c.status = 'closed' AND c.closed_on >= {} AND c.closed_on <= {} THEN 1 ELSE 0 END) AS closed, "
    "SUM(CASE WHEN c.status = 'closed' AND c.closed_on >= {} AND c.closed_on <= {} THEN 1 ELSE 0 END) "
    "AS closed_ytd, "
    f"SUM(CASE WHEN c.status IN ({_quoted(complaint_rules.OPEN)}) THEN 1 ELSE 0 END) AS open "
    f"FROM complaint c WHERE {_RECEIVED} <= {{}}{SCOPE} GROUP BY c.route"
)
AMOUNTS = (
    "SELECT c.route AS route, cw.currency AS currency, "
    f"SUM(CASE WHEN {_RECEIVED} >= {{}} THEN cw.amount_owed ELSE 0 END) AS claimed, "
    "SUM(cw.amount_owed) AS claimed_ytd, "
    f"SUM(CASE WHEN {_RECEIVED} >= {{}} THEN cw.recovered_cny ELSE 0 END) AS recovered, "
    "SUM(cw.recovered_cny) AS recovered_ytd "
    "FROM complaint_worker cw JOIN complaint c ON c.id = cw.complaint "
    f"WHERE {_RECEIVED} >= {{}} AND {_RECEIVED} <= {{}}{SCOPE} GROUP BY c.route, cw.currency"
)


async def complaints(p: Period, county: str | None, on: dt.date) -> tuple[list[dict], list[dict], list[dict]]:
    month, ytd = (p.start, p.end), (p.year_start, p.end)
    sql, args = _scoped(COMPLAINTS, "c.route", county)
    counts = await Complaint.raw(sql, *month, *ytd, *month, *ytd, *month, *month, *ytd, p.end, *args)
    sql, args = _scoped(AMOUNTS, "c.route", county)
    amounts = await Complaint.raw(sql, p.start, p.start, p.year_start, p.end, *args)
    # Overdue on the day of generation: the complaint services' own condition, grouped by desk.
    received = (Complaint.first_received_on.is_null() & (Complaint.received_on <= p.end)) | (
        Complaint.first_received_on <= p.end)
    conditions = [overdue_condition(on), received] + ([Complaint.route == county] if county else [])
    overdue = await where_all(Complaint.select(Complaint.route, Count(alias="overdue")), conditions).group_by(
        Complaint.route)
    return counts, amounts, overdue


# ---- fees ------------------------------------------------------------------------------------------------------

FEES = (
    "SELECT w.county_code AS county, fe.currency AS currency, "
    "SUM(CASE WHEN fe.paid_on >= {} THEN 1 ELSE 0 END) AS flagged, "
    "COUNT(*) AS flagged_ytd, "
    "SUM(CASE WHEN fe.paid_on >= {} THEN fe.amount ELSE 0 END) AS flagged_amount "
    "FROM fee_entry fe JOIN placement p ON p.id = fe.placement JOIN worker w ON w.id = p.worker "
    f"WHERE fe.flag <> 'ok' AND fe.paid_on >= {{}} AND fe.paid_on <= {{}}{SCOPE} GROUP BY w.county_code, fe.currency"
)


async def fees(p: Period, county: str | None) -> list[dict]:
    sql, args = _scoped(FEES, "w.county_code", county)
    return await Worker.raw(sql, p.start, p.start, p.year_start, p.end, *args)


