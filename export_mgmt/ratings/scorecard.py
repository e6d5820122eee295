"""The records behind the scorecards: one grouped SELECT per indicator for every agency at once.

Counting rules (the same as the monthly statistics where they overlap):
- placements in the year: reported on the placement's first dated event within the year; active: a placement
  whose status is not finished today;
- complaints: those naming the agency, first received within the year, not rejected (a complaint outside the
  bureau's remit says nothing about the agency); claimed in indicative yuan (money.convert), recovered in yuan
  as recorded;
- follow-ups: the follow-up compliance page's own query (followups.compliance.BY_AGENCY), over the follow-ups
  that fell due within the year;
- flagged fees: placements with a fee over a cap or prohibited, paid within the year;
- sanctions: suspensions and revocations of the agency's licences effective within the year;
- inspection cases: cases opened within the year against the agency (not cancelled ones);
- reserve fund: the overseas licences in force in the year, held against required at the year's end (today for
  the running year); the top-up is overdue when short 20 working days after the last draw, or 5 after the
  licence's start while nothing was ever drawn (the first deposit).
Every statement takes the same scope: all agencies, or a list of them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from export_mgmt.clock import today
from export_mgmt.complaints.services import amount_cny
from export_mgmt.followups.compliance import BY_AGENCY, Line
from export_mgmt.placements import lifecycle
from export_mgmt.ratings.rules import Figures
from export_mgmt.workdays.calendar import CalendarNotCovered, WorkCalendar, load_calendar

TOPUP_WORKING_DAYS = 20
DEPOSIT_WORKING_DAYS = 5
_ACTIVE = ", ".join(f"'{s}'" for s in sorted(lifecycle.ACTIVE))  # the application's own codes

AGENCIES = "SELECT a.id AS agency_id, a.name AS name, a.county_code AS county_code, a.active AS active " \
           "FROM agency a WHERE 1 = 1{scope} ORDER BY a.name, a.id"
PLACEMENTS = (
    "SELECT x.agency AS agency_id, "
    "SUM(CASE WHEN x.reported_on >= {} AND x.reported_on <= {} THEN 1 ELSE 0 END) AS placements, "
    f"SUM(CASE WHEN x.status IN ({_ACTIVE}) THEN 1 ELSE 0 END) AS active "
    "FROM (SELECT p.id AS id, p.agency AS agency, p.status AS status, "
    "COALESCE(MIN(e.on_date), p.status_changed_on) AS reported_on "
    "FROM placement p LEFT JOIN placement_event e ON e.placement = p.id WHERE 1 = 1{scope} "
    "GROUP BY p.id, p.agency, p.status, p.status_changed_on) x GROUP BY x.agency"
)
FLAGGED = ("SELECT p.agency AS agency_id, COUNT(DISTINCT fe.placement) AS flagged FROM fee_entry fe "
           "JOIN placement p ON p.id = fe.placement "
           "WHERE fe.flag <> 'ok' AND fe.paid_on >= {} AND fe.paid_on <= {}{scope} GROUP BY p.agency")
_RECEIVED = "COALESCE(c.first_received_on, c.received_on)"
_COMPLAINT_WINDOW = f"c.agency IS NOT NULL AND c.status <> 'rejected' AND {_RECEIVED} >= {{}} AND {_RECEIVED} <= {{}}"
COMPLAINTS = (f"SELECT c.agency AS agency_id, COUNT(*) AS complaints FROM complaint c "
              f"WHERE {_COMPLAINT_WINDOW}{{scope}} GROUP BY c.agency")
ARREARS = ("SELECT c.agency AS agency_id, cw.currency AS currency, SUM(cw.amount_owed) AS claimed, "
           "SUM(cw.recovered_cny) AS recovered FROM complaint_worker cw JOIN complaint c ON c.id = cw.complaint "
           f"WHERE {_COMPLAINT_WINDOW}{{scope}} GROUP BY c.agency, cw.currency")
SANCTIONS = ("SELECT l.agency AS agency_id, COUNT(*) AS sanctions FROM licence_status_change s "
             "JOIN licence l ON l.id = s.licence WHERE s.status IN ('suspended', 'revoked') "
             "AND s.effective_on >= {} AND s.effective_on <= {}{scope} GROUP BY l.agency")
CASES = ("SELECT ic.agency AS agency_id, COUNT(*) AS cases FROM inspection_case ic "
         "WHERE ic.respondent_type = 'agency' AND ic.agency IS NOT NULL AND ic.status <> 'cancelled' "
         "AND ic.opened_on >= {} AND ic.opened_on <= {}{scope} GROUP BY ic.agency")
RESERVE = (
    "SELECT l.agency AS agency_id, l.reserve_required AS required, l.valid_from AS valid_from, "
    "COALESCE(SUM(CASE WHEN r.on_date <= {} THEN (CASE WHEN r.kind = 'draw' THEN -r.amount ELSE r.amount END) "
    "ELSE 0 END), 0) AS held, "
    "MAX(CASE WHEN r.kind = 'draw' AND r.on_date <= {} THEN r.on_date END) AS last_draw "
    "FROM licence l LEFT JOIN reserve_fund_entry r ON r.licence = l.id "
    "WHERE l.reserve_required IS NOT NULL AND l.valid_from <= {} AND l.valid_to >= {} "
    "AND l.status NOT IN ('revoked', 'cancelled'){scope} GROUP BY l.id, l.agency, l.reserve_required, l.valid_from"
)
# The compliance page's statement, narrowed to the agencies in scope.
FOLLOWUPS = "SELECT * FROM (" + BY_AGENCY + ") q WHERE 1 = 1{scope}"


@dataclass(frozen=True)
class Period:
    year: int
    start: dt.date
    end: dt.date  # the year's last day, or today while the year runs
    on: dt.date  # today: open follow-ups are judged on it


def period(year: int, on: dt.date | None = None) -> Period:
    on = on or today()
    return Period(year=year, start=dt.date(year, 1, 1), end=min(dt.date(year, 12, 31), on), on=on)


@dataclass(frozen=True)
class AgencyRecord:
    agency_id: int
    name: str
    county_code: str
    active_agency: bool
    figures: Figures
    active_placements: int
    followups: Line
    reserve_required: int | None  # CNY fen, None: no licence needs a reserve
    reserve_held: int


def _scoped(sql: str, column: str, agency_ids: list[int] | None) -> tuple[str, list[int]]:
    if agency_ids is None:
        return sql.replace("{scope}", ""), []
    marks = ", ".join("{}" for _ in agency_ids) or "NULL"
    return sql.replace("{scope}", f" AND {column} IN ({marks})"), list(agency_ids)


async def _rows(sql: str, column: str, agency_ids: list[int] | None, *args) -> list[dict]:
    from export_mgmt.agencies.tables import Agency

    text, scope_args = _scoped(sql, column, agency_ids)
    return await Agency.raw(text, *args, *scope_args)


def _date(value) -> dt.date | None:
    """SQLite hands back an aggregated date as text."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _overdue(calendar: WorkCalendar, row: dict, end: dt.date) -> bool:
    last_draw = _date(row["last_draw"])
    start, days = (last_draw, TOPUP_WORKING_DAYS) if last_draw else (_date(row["valid_from"]), DEPOSIT_WORKING_DAYS)
    if start is None:
        return False
    try:
        return calendar.add_working_days(start, days) < end
    except CalendarNotCovered:
        return False  # a statutory deadline is never guessed


async def records(year: int, agency_ids: list[int] | None = None) -> list[AgencyRecord]:
    """Every agency in scope (None: all) with its year's figures, ordered by name."""
    p = period(year)
    agencies = await _rows(AGENCIES, "a.id", agency_ids)
    placements = {r["agency_id"]: r for r in await _rows(PLACEMENTS, "p.agency", agency_ids, p.start, p.end)}
    flagged = {r["agency_id"]: int(r["flagged"]) for r in await _rows(FLAGGED, "p.agency", agency_ids, p.start,
                                                                       p.end)}
    complaints = {r["agency_id"]: int(r["complaints"])
                  for r in await _rows(COMPLAINTS, "c.agency", agency_ids, p.start, p.end)}
    claimed: dict[int, int] = defaultdict(int)
    recovered: dict[int, int] = defaultdict(int)
    for r in await _rows(ARREARS, "c.agency", agency_ids, p.start, p.end):
        claimed[r["agency_id"]] += amount_cny(int(r["claimed"] or 0), r["currency"])
        recovered[r["agency_id"]] += int(r["recovered"] or 0)
    sanctions = {r["agency_id"]: int(r["sanctions"])
                 for r in await _rows(SANCTIONS, "l.agency", agency_ids, p.start, p.end)}
    cases = {r["agency_id"]: int(r["cases"]) for r in await _rows(CASES, "ic.agency", agency_ids, p.start, p.end)}
    followups = {r["agency_id"]: r for r in await _rows(FOLLOWUPS, "q.agency_id", agency_ids, p.on, p.on,
                                                         p.start - dt.timedelta(days=1), p.end)}
    reserve_rows = await _rows(RESERVE, "l.agency", agency_ids, p.end, p.end, p.end, p.start)
    calendar = await load_calendar() if reserve_rows else WorkCalendar()
    reserve: dict[int, list[int | bool]] = {}
    for r in reserve_rows:
        required, held = int(r["required"]), int(r["held"] or 0)
        state = reserve.setdefault(r["agency_id"], [0, 0, False, False])
        state[0] += required
        state[1] += held
        if held < required:
            state[2] = True
            state[3] = state[3] or _overdue(calendar, r, p.end)
    result = []
    for a in agencies:
        key = a["agency_id"]
        placed = placements.get(key) or {}
        f = followups.get(key) or {}
        line = Line(key=str(key), name=a["name"], **{k: int(f.get(k) or 0) for k in ("due", "on_time", "late",
                                                                                      "overdue", "waiting")})
        required, held, short, overdue = reserve.get(key, [None, 0, False, False])
        result.append(AgencyRecord(
            agency_id=key, name=a["name"], county_code=a["county_code"], active_agency=bool(a["active"]),
            figures=Figures(placements=int(placed.get("placements") or 0), complaints=complaints.get(key, 0),
                            claimed_cny=claimed.get(key, 0), recovered_cny=recovered.get(key, 0),
                            followups_settled=line.settled, followups_on_time=line.on_time,
                            flagged_placements=flagged.get(key, 0), sanctions=sanctions.get(key, 0),
                            cases=cases.get(key, 0), reserve_short=bool(short), topup_overdue=bool(overdue)),
            active_placements=int(placed.get("active") or 0), followups=line,
            reserve_required=required, reserve_held=int(held)))
    return result
