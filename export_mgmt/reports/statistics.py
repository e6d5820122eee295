"""The monthly statistics the statistics department asks for, per county, for a month and the year to date.

Every figure comes from a grouped SELECT in queries.py (GROUP BY county, destination, programme, desk or currency)
run in the database; Python only adds the grouped rows up into totals and turns amounts in foreign currencies into
yuan.

Counting rules:
- workers: by their household county; "registered" is when the record was created (the bureau's calendar day);
  the pool at month end is every worker registered by then; the 4050 group is judged on the month's last day;
- placements: by the worker's household county; reported on the placement's first dated event, departed on its
  first "departed" or "working" event, ended on its first "completed", "returned early" or "terminated" event;
  abroad at month end: departed by then, destination outside China, not ended by then; returned: ended in the
  period after having departed;
- exported: placements departed in the period (person-departures, as the targets count them), overseas when the
  destination is outside China; of the 4050 group when the worker was of it on the day of departure; trained when
  the worker's record has training entered;
- targets: the year's figures set for the county (export_target), beside the year-to-date counts;
- follow-ups: the schedule's own follow-ups (not re-checks nor unscheduled ones) that fell due in the period,
  leaving out those no longer due; done on time = on or before the overdue date; overdue = still open past the
  overdue date on the day of generation;
- complaints: by handling desk (a county office, the city desk or the overseas desk); received on the first
  receipt; accepted or not accepted on the decision day; closed on the closing day; amounts are those of the
  complaints received in the period, claimed in indicative yuan (money.convert) and recovered in yuan as recorded;
- fees flagged: fee entries over a cap or prohibited, by the day paid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.clock import today
from export_mgmt.complaints import rules as complaint_rules
from export_mgmt.complaints.services import amount_cny
from export_mgmt.errors import AccessDenied
from export_mgmt.placements.programmes import COUNTRIES, DOMESTIC_GROUPS, PROGRAMMES
from export_mgmt.regions import is_shenyang_county, shenyang_counties
from export_mgmt.reports import queries
from export_mgmt.reports.period import Period
from export_mgmt.targets.labels import FIGURES as TARGET_FIGURES
from export_mgmt.targets.tables import ExportTarget

READERS = {Role.admin, Role.supervisor, Role.inspector, Role.county_clerk}
CITY_WIDE = {Role.admin, Role.supervisor, Role.inspector}
# Destinations as the statistics are kept: three countries abroad, and domestic placements by reporting group.
DESTINATIONS = ("KR", "JP", "SG", *(f"CN-{group}" for group in DOMESTIC_GROUPS))


def can_read(actor: Actor) -> bool:
    return actor.role in READERS


def allowed_county(actor: Actor, county: str) -> str | None:
    """The county the report is confined to (None: the whole city), or AccessDenied.

    County clerks read their own county only; the city's roles any county or the whole city; nobody else any.
    """
    if not can_read(actor):
        raise AccessDenied()
    if actor.role == Role.county_clerk:
        if not actor.county_code or (county and county != actor.county_code):
            raise AccessDenied()
        return actor.county_code
    return county or None


Counts = dict[str, int]


@dataclass
class Monthly:
    period: Period
    county: str | None  # None: the whole city
    generated_on: dt.date
    counties: list[str]  # rows of the county tables, in the order shown
    routes: list[str]  # rows of the complaints table (county offices, and for the city its two desks)
    summary: dict[str, Counts] = field(default_factory=dict)
    destinations: dict[tuple[str, str], Counts] = field(default_factory=dict)
    programmes: dict[str, Counts] = field(default_factory=dict)
    followups: dict[str, Counts] = field(default_factory=dict)
    complaints: dict[str, Counts] = field(default_factory=dict)
    targets: dict[str, dict[str, int | None]] = field(default_factory=dict)  # county -> figure -> target

    def total(self, table: dict) -> Counts:
        out: Counts = defaultdict(int)
        for counts in table.values():
            for key, value in counts.items():
                out[key] += value
        return dict(out)

    def summary_total(self) -> Counts:
        """The summary's total line; for the city its complaint figures include the city and overseas desks."""
        out = self.total(self.summary)
        desks = self.total(self.complaints)
        out.update(complaints_received=desks.get("received", 0), complaints_closed=desks.get("closed", 0),
                   claimed_cny=desks.get("claimed_cny", 0), recovered_cny=desks.get("recovered_cny", 0))
        return out


def _ints(row: dict, skip: tuple[str, ...] = ()) -> Counts:
    return {k: int(v or 0) for k, v in row.items() if k not in skip}


def _add(target: Counts, values: Counts) -> None:
    for key, value in values.items():
        target[key] = target.get(key, 0) + value


def destination(country: str, group: str) -> str:
    if country == "CN":
        return f"CN-{group if group in DOMESTIC_GROUPS else 'OTHER'}"
    return country


# ---- the report ------------------------------------------------------------------------------------------------

EXPORTED = ("departed_month", "departed_ytd", "departed_month_overseas", "departed_ytd_overseas",
            "departed_month_domestic", "departed_ytd_domestic", "departed_month_4050", "departed_ytd_4050",
            "departed_month_trained", "departed_ytd_trained")
SUMMARY_ZERO = ("new_month", "new_women", "new_men", "new_4050", "new_ytd", "pool", "pool_women", "pool_men",
                "pool_4050", "reported_month", "reported_ytd", *EXPORTED, "abroad",
                "returned_month", "returned_ytd", "followups_due", "followups_on_time", "followups_overdue",
                "complaints_received", "complaints_closed", "claimed_cny", "recovered_cny", "flagged",
                "flagged_ytd", "flagged_cny")
PLACEMENT_KEYS = ("reported_month", "reported_ytd", "departed_month", "departed_ytd", "away", "returned_month",
                  "returned_ytd", "departed_month_4050", "departed_ytd_4050", "departed_month_trained",
                  "departed_ytd_trained")
FOLLOWUP_KEYS = ("due", "done", "on_time", "late", "overdue", "waiting", "done_in_month", "due_ytd", "on_time_ytd",
                 "overdue_ytd")
COMPLAINT_KEYS = ("received", "accepted", "rejected", "closed", "received_ytd", "accepted_ytd", "closed_ytd", "open",
                  "overdue", "claimed_cny", "recovered_cny", "claimed_ytd_cny", "recovered_ytd_cny")


async def monthly(actor: Actor, period: Period, county: str = "", on: dt.date | None = None) -> Monthly:
    """The month's figures for the actor's scope: one county, or every county of the city with its two desks."""
    scope = allowed_county(actor, county)
    if scope is not None and not is_shenyang_county(scope):
        raise AccessDenied()
    on = on or today()
    counties = [scope] if scope else [c.code for c in shenyang_counties()]
    routes = counties + ([] if scope else [complaint_rules.ROUTE_CITY, complaint_rules.ROUTE_OVERSEAS])
    report = Monthly(period=period, county=scope, generated_on=on, counties=list(counties), routes=routes)

    def county_row(table: dict, code: str, keys) -> Counts:
        if code not in table:
            if code not in report.counties:
                report.counties.append(code)  # a county outside the city's list (a record to correct): shown
            table[code] = dict.fromkeys(keys, 0)
        return table[code]

    for code in counties:
        county_row(report.summary, code, SUMMARY_ZERO)
        county_row(report.followups, code, FOLLOWUP_KEYS)
        for dest in DESTINATIONS:
            report.destinations[(code, dest)] = dict.fromkeys(PLACEMENT_KEYS, 0)
    for route in routes:
        report.complaints[route] = dict.fromkeys(COMPLAINT_KEYS, 0)
    report.programmes = {code: dict.fromkeys(PLACEMENT_KEYS, 0) for code in PROGRAMMES}

    for row in await queries.workers(period, scope):
        _add(county_row(report.summary, row["county"], SUMMARY_ZERO), _ints(row, ("county",)))

    for row in await queries.placements(period, scope):
        counts = _ints(row, ("county", "country", "grp", "programme"))
        dest = destination(row["country"], row["grp"] or "")
        key = (row["county"], dest)
        summary = county_row(report.summary, row["county"], SUMMARY_ZERO)
        _add(report.destinations.setdefault(key, dict.fromkeys(PLACEMENT_KEYS, 0)), counts)
        _add(report.programmes.setdefault(row["programme"], dict.fromkeys(PLACEMENT_KEYS, 0)), counts)
        _add(summary, {k: counts[k] for k in PLACEMENT_KEYS if k != "away"})
        where = "domestic" if row["country"] == "CN" else "overseas"
        _add(summary, {f"departed_month_{where}": counts["departed_month"],
                       f"departed_ytd_{where}": counts["departed_ytd"]})
        if row["country"] != "CN":
            summary["abroad"] += counts["away"]

    for row in await queries.followups(period, scope, on):
        counts = _ints(row, ("county",))
        _add(county_row(report.followups, row["county"], FOLLOWUP_KEYS), counts)
        _add(county_row(report.summary, row["county"], SUMMARY_ZERO), {
            "followups_due": counts["due"], "followups_on_time": counts["on_time"],
            "followups_overdue": counts["overdue"]})

    counts_rows, amount_rows, overdue_rows = await queries.complaints(period, scope, on)
    for row in counts_rows:
        _add(report.complaints.setdefault(row["route"], dict.fromkeys(COMPLAINT_KEYS, 0)), _ints(row, ("route",)))
    for row in overdue_rows:
        _add(report.complaints.setdefault(row["route"], dict.fromkeys(COMPLAINT_KEYS, 0)), _ints(row, ("route",)))
    for row in amount_rows:  # one line per desk and currency: claims in other currencies are turned into yuan here
        _add(report.complaints.setdefault(row["route"], dict.fromkeys(COMPLAINT_KEYS, 0)), {
            "claimed_cny": amount_cny(int(row["claimed"] or 0), row["currency"]),
            "claimed_ytd_cny": amount_cny(int(row["claimed_ytd"] or 0), row["currency"]),
            "recovered_cny": int(row["recovered"] or 0), "recovered_ytd_cny": int(row["recovered_ytd"] or 0)})
    for route, counts in report.complaints.items():
        if route in report.summary:
            _add(report.summary[route], {"complaints_received": counts["received"],
                                         "complaints_closed": counts["closed"], "claimed_cny": counts["claimed_cny"],
                                         "recovered_cny": counts["recovered_cny"]})

    for row in await ExportTarget.select().where((ExportTarget.year == period.year)
                                                 & ExportTarget.county_code.is_in(list(report.counties))):
        report.targets[row["county_code"]] = {name: row[name] for name in TARGET_FIGURES}

    for row in await queries.fees(period, scope):
        _add(county_row(report.summary, row["county"], SUMMARY_ZERO), {
            "flagged": int(row["flagged"] or 0), "flagged_ytd": int(row["flagged_ytd"] or 0),
            "flagged_cny": amount_cny(int(row["flagged_amount"] or 0), row["currency"])})
    return report


__all__ = ["COUNTRIES", "DESTINATIONS", "Monthly", "Period", "allowed_county", "can_read", "monthly"]
