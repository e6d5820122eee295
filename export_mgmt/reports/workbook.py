"""The monthly statistics as a workbook: Summary, Placements by destination, Placements by programme, Follow-ups
and Complaints, each with notes stating the month, the scope, when it was generated and where the data comes from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import dates as babel_dates

from export_mgmt.accounts.actor import Actor
from export_mgmt.clock import BUREAU_TZ
from export_mgmt.complaints.forms import route_label
from export_mgmt.i18n import N_, _, format_date, get_locale, gettext
from export_mgmt.money import to_major
from export_mgmt.placements.programmes import COUNTRIES, DOMESTIC_GROUPS, PROGRAMMES
from export_mgmt.regions import county_name
from export_mgmt.reports.statistics import DESTINATIONS, Counts, Monthly
from export_mgmt.spreadsheets import Sheet
from export_mgmt.targets.labels import FIGURES as TARGET_FIGURES

# (key, header msgid); keys ending in _cny are yuan fen, written in yuan.
SUMMARY = (
    ("new_month", N_("Workers registered in the month")),
    ("new_women", N_("Registered in the month: women")),
    ("new_men", N_("Registered in the month: men")),
    ("new_4050", N_("Registered in the month: 4050 group")),
    ("new_ytd", N_("Workers registered, year to date")),
    ("pool", N_("Workers in the pool at month end")),
    ("pool_women", N_("In the pool: women")),
    ("pool_men", N_("In the pool: men")),
    ("pool_4050", N_("In the pool: 4050 group")),
    ("reported_month", N_("Placements reported in the month")),
    ("reported_ytd", N_("Placements reported, year to date")),
    ("departed_month", N_("Exported (departed) in the month")),
    ("departed_month_overseas", N_("Exported in the month: overseas")),
    ("departed_month_domestic", N_("Exported in the month: domestic")),
    ("departed_month_4050", N_("Exported in the month: 4050 group")),
    ("departed_month_trained", N_("Exported in the month: trained")),
    ("departed_ytd", N_("Exported (departed), year to date")),
    ("departed_ytd_overseas", N_("Exported, year to date: overseas")),
    ("departed_ytd_domestic", N_("Exported, year to date: domestic")),
    ("departed_ytd_4050", N_("Exported, year to date: 4050 group")),
    ("departed_ytd_trained", N_("Exported, year to date: trained")),
    ("abroad", N_("Abroad at month end")),
    ("returned_month", N_("Returned in the month")),
    ("returned_ytd", N_("Returned, year to date")),
    ("followups_due", N_("Follow-ups due in the month")),
    ("followups_on_time", N_("Follow-ups done on time")),
    ("followups_overdue", N_("Follow-ups open and overdue")),
    ("complaints_received", N_("Complaints received in the month")),
    ("complaints_closed", N_("Complaints closed in the month")),
    ("claimed_cny", N_("Wages claimed (CNY)")),
    ("recovered_cny", N_("Wages recovered (CNY)")),
    ("flagged", N_("Fees flagged in the month")),
    ("flagged_cny", N_("Fees flagged (CNY)")),
    ("flagged_ytd", N_("Fees flagged, year to date")),
)
PLACEMENTS = (
    ("reported_month", N_("Reported in the month")),
    ("departed_month", N_("Departed in the month")),
    ("returned_month", N_("Returned in the month")),
    ("reported_ytd", N_("Reported, year to date")),
    ("departed_ytd", N_("Departed, year to date")),
    ("returned_ytd", N_("Returned, year to date")),
    ("away", N_("Working away at month end")),
)
FOLLOWUPS = (
    ("due", N_("Fell due in the month")),
    ("done", N_("Done")),
    ("on_time", N_("Done on time")),
    ("late", N_("Done late")),
    ("overdue", N_("Open and overdue")),
    ("waiting", N_("Within the grace period")),
    ("done_in_month", N_("Done in the month (any due date)")),
    ("due_ytd", N_("Fell due, year to date")),
    ("on_time_ytd", N_("Done on time, year to date")),
    ("overdue_ytd", N_("Open and overdue, year to date")),
)
COMPLAINTS = (
    ("received", N_("Received in the month")),
    ("accepted", N_("Accepted in the month")),
    ("rejected", N_("Not accepted in the month")),
    ("closed", N_("Closed in the month")),
    ("received_ytd", N_("Received, year to date")),
    ("accepted_ytd", N_("Accepted, year to date")),
    ("closed_ytd", N_("Closed, year to date")),
    ("open", N_("Open now")),
    ("overdue", N_("Overdue now")),
    ("claimed_cny", N_("Wages claimed in the month (CNY)")),
    ("recovered_cny", N_("Wages recovered in the month (CNY)")),
    ("claimed_ytd_cny", N_("Wages claimed, year to date (CNY)")),
    ("recovered_ytd_cny", N_("Wages recovered, year to date (CNY)")),
)


# Each target figure and the year-to-date count it is measured against.
TARGET_ACTUALS = {"exported": "departed_ytd", "overseas": "departed_ytd_overseas",
                  "domestic": "departed_ytd_domestic", "trained": "departed_ytd_trained",
                  "placed_4050": "departed_ytd_4050"}


def month_name(report: Monthly) -> str:
    return babel_dates.format_skeleton("yMMMM", report.period.start, locale=get_locale())


def scope_name(report: Monthly) -> str:
    if report.county:
        return county_name(report.county) or report.county
    return _("The whole city")


def destination_label(code: str) -> str:
    if code.startswith("CN-"):
        return _("Domestic: %(group)s", group=gettext(DOMESTIC_GROUPS[code[3:]]))
    return gettext(COUNTRIES.get(code, code))


def _cell(key: str, counts: Counts) -> int | Decimal:
    value = counts.get(key, 0)
    return to_major(value, "CNY") if key.endswith("_cny") else value


def _share(done: int, target: int | None) -> float | None:
    return round(done / target, 4) if target else None


def target_rows(report: Monthly, total_label: str) -> list[list]:
    """Per county, each figure's target for the year, the count so far and the share done; then the total of the
    counties that have a target for the figure (a county without one adds nothing to either side)."""
    rows = []
    sums = {name: [0, 0, False] for name in TARGET_ACTUALS}
    for code in report.counties:
        targets = report.targets.get(code, {})
        row: list = [_county(code)]
        for name, key in TARGET_ACTUALS.items():
            target, done = targets.get(name), report.summary[code].get(key, 0)
            row += [target, done, _share(done, target)]
            if target is not None:
                sums[name][0] += target
                sums[name][1] += done
                sums[name][2] = True
        rows.append(row)
    total: list = [total_label]
    for target, done, has_target in sums.values():
        total += [target if has_target else None, done if has_target else None,
                  _share(done, target) if has_target else None]
    rows.append(total)
    return rows


def _rate(counts: Counts) -> float | None:
    settled = counts.get("on_time", 0) + counts.get("late", 0) + counts.get("overdue", 0)
    return round(counts.get("on_time", 0) / settled, 4) if settled else None


def _notes(report: Monthly, actor: Actor, title: str, definition: str) -> list[str]:
    p = report.period
    stamp = dt.datetime.now(BUREAU_TZ).strftime("%Y-%m-%d %H:%M")
    return [
        _("%(title)s, %(month)s", title=title, month=month_name(report)),
        _("Month: %(start)s to %(end)s; year to date: %(year_start)s to %(end)s",
          start=format_date(p.start), end=format_date(p.end), year_start=format_date(p.year_start)),
        _("Scope: %(scope)s", scope=scope_name(report)),
        _("Generated %(time)s by %(user)s", time=stamp, user=actor.display_name),
        _("Data source: the labour export management system's records (worker pool, placements and their status "
          "events, follow-ups, complaints, fee ledgers) as they stood when generated; open and overdue figures are "
          "judged on %(day)s.", day=format_date(report.generated_on)),
        definition,
    ]


def _county(code: str) -> str:
    return county_name(code) or code


def sheets(report: Monthly, actor: Actor) -> list[Sheet]:
    total_label = _("The whole city") if report.county is None else _("Total")

    summary_rows = [[_county(code)] + [_cell(k, report.summary[code]) for k, _h in SUMMARY]
                    for code in report.counties]
    summary_rows.append([total_label] + [_cell(k, report.summary_total()) for k, _h in SUMMARY])

    by_destination = []
    for dest in DESTINATIONS:
        counts = report.total({c: report.destinations.get((c, dest), {}) for c in report.counties})
        by_destination.append([total_label, destination_label(dest)] + [counts.get(k, 0) for k, _h in PLACEMENTS])
    if report.county is None:
        for code in report.counties:
            for dest in DESTINATIONS:
                counts = report.destinations.get((code, dest), {})
                by_destination.append([_county(code), destination_label(dest)]
                                      + [counts.get(k, 0) for k, _h in PLACEMENTS])

    by_programme = [[destination_label(programme.country) if programme.country != "CN" else _("Domestic"),
                     gettext(programme.label)] + [report.programmes.get(code, {}).get(k, 0) for k, _h in PLACEMENTS]
                    for code, programme in PROGRAMMES.items()]
    programme_total = report.total(report.programmes)
    by_programme.append([total_label, ""] + [programme_total.get(k, 0) for k, _h in PLACEMENTS])

    followup_rows = [[_county(code)] + [report.followups[code][k] for k, _h in FOLLOWUPS]
                     + [_rate(report.followups[code])] for code in report.counties]
    followup_total = report.total(report.followups)
    followup_rows.append([total_label] + [followup_total.get(k, 0) for k, _h in FOLLOWUPS] + [_rate(followup_total)])

    complaint_rows = [[route_label(route)] + [_cell(k, report.complaints[route]) for k, _h in COMPLAINTS]
                      for route in report.routes if route in report.complaints]
    complaint_rows.append([total_label] + [_cell(k, report.total(report.complaints)) for k, _h in COMPLAINTS])

    county_header = _("County")
    target_headers = [county_header]
    for name in TARGET_ACTUALS:
        figure = gettext(TARGET_FIGURES[name])
        target_headers += [_("%(figure)s: target for the year", figure=figure),
                           _("%(figure)s: year to date", figure=figure),
                           _("%(figure)s: share of target", figure=figure)]
    return [
        Sheet(title=_("Summary"), headers=[county_header] + [gettext(h) for _k, h in SUMMARY], rows=summary_rows,
              notes=_notes(report, actor, _("Monthly statistics"), _(
                  "Workers and placements by the worker's household county; complaints by the desk handling them; "
                  "amounts in yuan (claims in other currencies at indicative rates)."))),
        Sheet(title=_("Targets"), headers=target_headers, rows=target_rows(report, total_label),
              percent_columns=tuple(range(3, len(target_headers), 3)),
              notes=_notes(report, actor, _("Progress against the year's targets"), _(
                  "Targets as set for the year; counts are placements departed from 1 January to the month's end "
                  "(person-departures): overseas when the destination is outside China, domestic otherwise; 4050 "
                  "group: women aged 40 or more and men aged 50 or more on the day they left; trained: workers with "
                  "training entered in the labour pool. The total adds up the counties that have a target."))),
        Sheet(title=_("Placements by destination"),
              headers=[county_header, _("Destination")] + [gettext(h) for _k, h in PLACEMENTS], rows=by_destination,
              notes=_notes(report, actor, _("Placements by destination"), _(
                  "Reported: first dated event; departed: first departure or start of work; returned: ended after "
                  "departing; working away: departed and not ended by the month's last day."))),
        Sheet(title=_("Placements by programme"),
              headers=[_("Destination"), _("Programme")] + [gettext(h) for _k, h in PLACEMENTS], rows=by_programme,
              notes=_notes(report, actor, _("Placements by programme"), _(
                  "The same counts as the destination sheet, by programme."))),
        Sheet(title=_("Follow-ups"),
              headers=[county_header] + [gettext(h) for _k, h in FOLLOWUPS] + [_("Compliance rate")],
              rows=followup_rows, percent_columns=(len(FOLLOWUPS) + 1,),
              notes=_notes(report, actor, _("Follow-ups"), _(
                  "The schedule's own follow-ups that fell due, leaving out those no longer due; on time: done on or "
                  "before the overdue date; the rate is done on time among those done or overdue."))),
        Sheet(title=_("Complaints"), headers=[_("Desk")] + [gettext(h) for _k, h in COMPLAINTS], rows=complaint_rows,
              notes=_notes(report, actor, _("Complaints"), _(
                  "By the desk handling the complaint; amounts are those of the complaints received in the period, "
                  "recovered as recorded by the inspectors."))),
    ]


def filename(report: Monthly) -> str:
    suffix = f"-{report.county}" if report.county else ""
    return f"monthly-statistics-{report.period.code}{suffix}.xlsx"
