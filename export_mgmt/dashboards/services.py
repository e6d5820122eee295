"""The dashboards: a year's figures for the reader's scope, each as a chart (SVG, drawn on the server), a table
and a download.

Who sees what:
- the city's roles (administrator, inspector, supervisor): the whole city, or one district or county they choose;
  progress against the targets, exports by destination and month, follow-up compliance, complaints and wages,
  and the agency league table;
- a county clerk: the same for their own county, without the league table (ratings are the city's business);
- agency staff: their own agency's placements, follow-ups and complaints, and its own rating; no targets (they
  are set for districts and counties, not agencies).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from babel.dates import get_month_names

from export_mgmt import charts
from export_mgmt.accounts.actor import Actor, Role
from export_mgmt.agencies.tables import Agency
from export_mgmt.clock import today
from export_mgmt.complaints.services import amount_cny
from export_mgmt.dashboards import queries
from export_mgmt.dashboards.queries import Scope
from export_mgmt.errors import AccessDenied
from export_mgmt.followups.compliance import percent
from export_mgmt.i18n import N_, _, format_number, get_locale, pgettext
from export_mgmt.money import to_major
from export_mgmt.placements.programmes import COUNTRIES
from export_mgmt.ratings import services as ratings
from export_mgmt.regions import county_name, is_shenyang_county, shenyang_counties
from export_mgmt.targets import services as targets
from export_mgmt.targets.labels import FIGURES

CITY_WIDE = {Role.admin, Role.inspector, Role.supervisor}
FIRST_YEAR = targets.FIRST_YEAR
LEAGUE_CHART_ROWS = 15  # the chart shows the best rated agencies; the table and the download list them all
DESTINATION_COLOURS = {"KR": "#1f5fa8", "JP": "#b3261e", "SG": "#1e7b34", "CN": "#d39e00", "other": "#7f8c8d"}
FOLLOWUP_SERIES = (("on_time", N_("Done on time"), "#1e7b34"), ("late", N_("Done late"), "#d39e00"),
                   ("overdue", N_("Overdue"), "#b3261e"), ("waiting", N_("Not yet overdue"), "#9aa8b8"))

# The figures a dashboard shows, in order; each has a download of its own (?figure=<id>).
FIGURE_IDS = ("progress", "destinations", "followups", "complaints", "wages", "league")


def can_read(actor: Actor) -> bool:
    return actor.role in CITY_WIDE or (actor.role == Role.county_clerk and bool(actor.county_code)) or (
        actor.role == Role.agency_staff and actor.agency_id is not None)


def scope_for(actor: Actor, county: str = "") -> Scope:
    """The actor's scope: county clerks their county, agency staff their agency, the city's roles the city or
    the county they ask for. AccessDenied for anyone else, or a clerk asking for another county."""
    if actor.role in CITY_WIDE:
        return Scope(county=county or None)
    if actor.role == Role.county_clerk and actor.county_code:
        if county and county != actor.county_code:
            raise AccessDenied()
        return Scope(county=actor.county_code)
    if actor.role == Role.agency_staff and actor.agency_id is not None and not county:
        return Scope(agency=actor.agency_id)
    raise AccessDenied()


def valid_year(year: int | None, on: dt.date | None = None) -> bool:
    return year is not None and FIRST_YEAR <= year <= (on or today()).year


# ---- what the page and the downloads receive --------------------------------------------------------------

PERCENT, MONEY = "percent", "money"


@dataclass
class Figure:
    """One chart's numbers: the chart, and the same numbers as a table (shown under it, and downloaded).

    `kinds` says how a column's cells are shown: PERCENT (a fraction, 0.25 → 25.0 %), MONEY (yuan) or "" (a
    count or text). The last row is a total when `total_row` is set."""

    id: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    kinds: Sequence[str] = ()
    chart: charts.Chart | None = None
    note: str = ""
    total_row: bool = False

    def kind(self, column: int) -> str:
        return self.kinds[column] if column < len(self.kinds) else ""

    def shown(self, column: int, value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            return value
        if self.kind(column) == PERCENT:
            return percent(value)
        return format_number(value)

    @property
    def percent_columns(self) -> list[int]:
        return [n for n, k in enumerate(self.kinds) if k == PERCENT]


@dataclass(frozen=True)
class Card:
    label: str
    value: int
    href: str = ""
    alert: bool = False


@dataclass
class Dashboard:
    year: int
    on: dt.date
    scope: Scope
    scope_name: str
    cards: list[Card] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def figure(self, figure_id: str) -> Figure | None:
        return next((f for f in self.figures if f.id == figure_id), None)


async def build(actor: Actor, year: int, county: str = "", on: dt.date | None = None) -> Dashboard:
    """The actor's dashboard for a year (figures to `on`, by default today)."""
    if county and not is_shenyang_county(county):
        raise AccessDenied()
    scope = scope_for(actor, county)
    on = on or today()
    board = Dashboard(year=year, on=on, scope=scope, scope_name=await _scope_name(scope))
    departures = await queries.departures(year, scope)
    if scope.agency is None:
        board.figures.append(await _progress(year, scope, departures))
    board.figures.append(_destinations(year, departures))
    board.figures.append(_followups(year, await queries.followups(year, scope, on), scope))
    received = await queries.complaints(year, scope)
    amounts = await queries.amounts(year, scope)
    open_now, overdue = await queries.open_and_overdue(scope, on)
    board.cards = _cards(scope, departures, open_now, overdue)
    board.figures.append(_complaints(year, received))
    board.figures.append(_wages(year, amounts))
    if actor.role in CITY_WIDE or scope.agency is not None:
        board.figures.append(_league(await ratings.league_table(actor, year), own=scope.agency is not None))
    return board


async def _scope_name(scope: Scope) -> str:
    if scope.agency is not None:
        row = await Agency.select(Agency.name).where(Agency.id == scope.agency).first()
        return row["name"] if row else ""
    if scope.county:
        return county_name(scope.county) or scope.county
    return _("The whole city")


def _counties(scope: Scope, seen: Sequence[str]) -> list[str]:
    """The rows of a county table: the scope's county, or all 13 and any other county found in the records
    (a record to correct, shown rather than hidden)."""
    if scope.county:
        return [scope.county]
    codes = [c.code for c in shenyang_counties()]
    return codes + sorted(set(seen) - set(codes))


def _name(code: str) -> str:
    return county_name(code) or code


def _months(year: int) -> list[charts.Category]:
    full = get_month_names("wide", locale=get_locale())
    short = get_month_names("abbreviated", locale=get_locale())
    return [charts.Category(name=f"{full[m]} {year}", label=short[m], sublabel=str(year) if m == 1 else "")
            for m in range(1, 13)]


def _cards(scope: Scope, departures: list[dict], open_now: int, overdue: int) -> list[Card]:
    exported = sum(int(r["exported"] or 0) for r in departures)
    overseas = sum(int(r["exported"] or 0) for r in departures if r["country"] != "CN")
    complaints = "/complaints/?mine=0"
    return [Card(_("Exported this year"), exported), Card(_("Of them overseas"), overseas),
            Card(_("Open complaints"), open_now, complaints if scope.agency is None else ""),
            Card(_("Complaints overdue"), overdue, f"{complaints}&overdue=1" if scope.agency is None else "",
                 alert=overdue > 0)]


# ---- progress against the targets ---------------------------------------------------------------------------

def progress_counts(departures: list[dict]) -> dict[str, dict[str, int]]:
    """Per county: exported, overseas, domestic, trained and "4050" placed in the year, as the targets count."""
    out: dict[str, dict[str, int]] = {}
    for r in departures:
        counts = out.setdefault(r["county"], dict.fromkeys(FIGURES, 0))
        exported = int(r["exported"] or 0)
        counts["exported"] += exported
        counts["domestic" if r["country"] == "CN" else "overseas"] += exported
        counts["trained"] += int(r["trained"] or 0)
        counts["placed_4050"] += int(r["aged"] or 0)
    return out


def share(done: int, target: int | None) -> float | None:
    return done / target if target else None


async def _progress(year: int, scope: Scope, departures: list[dict]) -> Figure:
    counts = progress_counts(departures)
    goals = await targets.targets(year)
    codes = _counties(scope, list(counts))
    headers = [_("District or county")]
    kinds = [""]
    for text in FIGURES.values():
        headers += [_(text), _("%(figure)s: target", figure=_(text)), _("%(figure)s: achieved", figure=_(text))]
        kinds += ["", "", PERCENT]
    rows: list[list[Any]] = []
    bars: list[charts.BarRow] = []
    totals = dict.fromkeys(FIGURES, 0)
    target_totals: dict[str, int | None] = dict.fromkeys(FIGURES)
    for code in codes:
        done = counts.get(code, dict.fromkeys(FIGURES, 0))
        goal = goals.get(code)
        row: list[Any] = [_name(code)]
        for name in FIGURES:
            target = goal.figure(name) if goal else None
            row += [done[name], target, share(done[name], target)]
            totals[name] += done[name]
            if target is not None:
                target_totals[name] = (target_totals[name] or 0) + target
        rows.append(row)
        target = goal.exported if goal else None
        text = format_number(done["exported"])
        if target:
            text = f"{text} / {format_number(target)} · {percent(share(done['exported'], target))}"
        bars.append(charts.BarRow(_name(code), {"overseas": done["overseas"], "domestic": done["domestic"]},
                                  marker=target, text=text))
    if len(codes) > 1:
        total: list[Any] = [_("The whole city")]
        for name in FIGURES:
            total += [totals[name], target_totals[name], share(totals[name], target_totals[name])]
        rows.append(total)
    title = _("Exported in %(year)s against the target", year=year)
    chart = charts.bar_chart(
        "chart-progress", title, bars,
        charts.series([("overseas", _("Overseas")), ("domestic", _("Domestic"))],
                      {"overseas": "#1f5fa8", "domestic": "#d39e00"}),
        marker_label=_("Target"), label_width=120, value_width=190)
    return Figure("progress", title, headers, rows, kinds, chart, total_row=len(codes) > 1, note=_(
        "A worker counts once for every departure in the year (the first “departed” or “working” date of a "
        "placement), in the district or county of their household registration. An empty target was not set."))


# ---- exported by destination and month ----------------------------------------------------------------------

def _destination(country: str) -> str:
    return country if country in COUNTRIES else "other"


def _destinations(year: int, departures: list[dict]) -> Figure:
    keys = [*COUNTRIES, "other"]
    by_month = {key: [0] * 12 for key in keys}
    for r in departures:
        by_month[_destination(r["country"])][int(r["month"]) - 1] += int(r["exported"] or 0)
    if not any(by_month["other"]):
        keys.remove("other")
    label = {**{k: _(v) for k, v in COUNTRIES.items()}, "other": _("Other countries")}
    months = _months(year)
    title = _("Exported in %(year)s by destination and month", year=year)
    chart = charts.column_chart("chart-destinations", title, months,
                                charts.series([(k, label[k]) for k in keys], DESTINATION_COLOURS),
                                {k: by_month[k] for k in keys})
    headers = [_("Month"), *(label[k] for k in keys), _("Total")]
    rows = [[m.name, *(by_month[k][i] for k in keys), sum(by_month[k][i] for k in keys)]
            for i, m in enumerate(months)]
    rows.append([_("Total"), *(sum(by_month[k]) for k in keys), sum(sum(by_month[k]) for k in keys)])
    return Figure("destinations", title, headers, rows, chart=chart, total_row=True)


# ---- follow-up compliance ------------------------------------------------------------------------------------

def _followups(year: int, found: list[dict], scope: Scope) -> Figure:
    keys = [k for k, _text, _colour in FOLLOWUP_SERIES]
    by_county = {r["county"]: {k: int(r[k] or 0) for k in keys} for r in found}
    codes = _counties(scope, list(by_county)) if scope.agency is None else sorted(by_county)
    series = [charts.Series(k, _(text), colour) for k, text, colour in FOLLOWUP_SERIES]
    rows, bars = [], []
    total = dict.fromkeys(keys, 0)
    for code in codes:
        c = by_county.get(code, dict.fromkeys(keys, 0))
        settled = c["on_time"] + c["late"] + c["overdue"]
        rate = c["on_time"] / settled if settled else None
        rows.append([_name(code), sum(c.values()), *(c[k] for k in keys), rate])
        bars.append(charts.BarRow(_name(code), c, text=percent(rate)))
        for k in keys:
            total[k] += c[k]
    settled = total["on_time"] + total["late"] + total["overdue"]
    if len(codes) > 1:
        rows.append([_("Total"), sum(total.values()), *(total[k] for k in keys),
                     total["on_time"] / settled if settled else None])
    title = _("Follow-ups due in %(year)s, by outcome", year=year)
    chart = charts.bar_chart("chart-followups", title, bars, series, label_width=120, value_width=80)
    headers = [_("District or county"), _("Due"), *(s.label for s in series), _("On time")]
    return Figure("followups", title, headers, rows, ["", "", "", "", "", "", PERCENT], chart,
                  total_row=len(codes) > 1, note=_(
                      "The schedule's own follow-ups due in the year, up to today. “On time” is the share done "
                      "on time of those done or overdue; those not yet overdue may still be done on time."))


# ---- complaints and wages -------------------------------------------------------------------------------------

def _complaints(year: int, found: list[dict]) -> Figure:
    counts = {"received": [0] * 12, "closed": [0] * 12}
    for r in found:
        counts[r["what"]][int(r["month"]) - 1] += int(r["n"] or 0)
    months = _months(year)
    title = _("Complaints received and closed in %(year)s, by month", year=year)
    items = charts.series([("received", _("Received")), ("closed", _("Closed"))],
                          {"received": "#1f5fa8", "closed": "#1e7b34"})
    chart = charts.column_chart("chart-complaints", title, months, items, counts, stacked=False)
    rows = [[m.name, counts["received"][i], counts["closed"][i]] for i, m in enumerate(months)]
    rows.append([_("Total"), sum(counts["received"]), sum(counts["closed"])])
    return Figure("complaints", title, [_("Month"), _("Received"), _("Closed")], rows, chart=chart,
                  total_row=True, note=_("Received counts a complaint on its first receipt; closed on the day it "
                                         "was closed."))


def _wages(year: int, found: list[dict]) -> Figure:
    claimed, recovered = [0] * 12, [0] * 12  # CNY fen
    for r in found:
        i = int(r["month"]) - 1
        claimed[i] += amount_cny(int(r["claimed"] or 0), r["currency"])
        recovered[i] += int(r["recovered"] or 0)
    yuan = {"claimed": [to_major(v, "CNY") for v in claimed], "recovered": [to_major(v, "CNY") for v in recovered]}
    months = _months(year)
    title = _("Wages claimed and recovered in %(year)s (yuan), by month of the complaint", year=year)
    items = charts.series([("claimed", _("Claimed")), ("recovered", _("Recovered"))],
                          {"claimed": "#b3261e", "recovered": "#1e7b34"})
    chart = charts.column_chart("chart-wages", title, months, items, yuan, stacked=False, fmt=_whole_yuan)
    rows: list[list[Any]] = [[m.name, yuan["claimed"][i], yuan["recovered"][i]] for i, m in enumerate(months)]
    rows.append([_("Total"), to_major(sum(claimed), "CNY"), to_major(sum(recovered), "CNY")])
    return Figure("wages", title, [_("Month"), _("Claimed (CNY)"), _("Recovered (CNY)")], rows,
                  ["", MONEY, MONEY], chart, total_row=True, note=_(
                      "Claims in other currencies are counted in yuan at the reference rates; recoveries as "
                      "recorded in yuan."))


def _whole_yuan(value: float | Decimal | int) -> str:
    return format_number(round(value))


# ---- the agency league table ------------------------------------------------------------------------------------

def _league(cards: list[ratings.Scorecard], own: bool) -> Figure:
    title = _("Agency rating") if own else _("Agency league table")
    score = pgettext("agency rating", "Score")
    headers = [_("Rank"), _("Agency"), _("Grade"), score, _("Placements"), _("Complaints per 100 placements"),
               _("Arrears recovered"), _("Follow-ups on time"), _("Flagged fees per 100 placements"), _("Sanctions")]
    rows = [[c.rank, c.agency_name, f"{c.grade.code} · {_(c.grade.label)}" if c.grade else _("Not rated"),
             c.score, c.placements, c.complaints_per_100,
             None if c.recovery_rate is None else float(c.recovery_rate), c.followup_rate, c.flagged_per_100,
             c.sanctions] for c in cards]
    kinds = ["", "", "", "", "", "", PERCENT, PERCENT, "", ""]
    rated = [c for c in cards if c.rated and c.score is not None][:LEAGUE_CHART_ROWS]
    chart = None
    if rated and not own:
        chart = charts.bar_chart(
            "chart-league", _("The best rated agencies"),
            [charts.BarRow(c.agency_name, {"score": float(c.score or 0)},
                           text=f"{format_number(c.score)} · {_(c.grade.label) if c.grade else ''}") for c in rated],
            charts.series([("score", score)]), scale=100, ticks=[(v, format_number(v)) for v in (0, 50, 100)],
            label_width=190, value_width=200)
    return Figure("league", title, headers, rows, kinds, chart, note=_(
        "Scores out of 100 on the city's rating scale; agencies with too few placements are not rated."))
