"""The monthly statistics workbook against a small world whose figures are counted by hand (March 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from export_mgmt.followups.tables import FollowUp
from export_mgmt.targets.tables import ExportTarget
from export_mgmt.workers.tables import Worker
from tests.conftest import create_agency
from tests.integration.exports.helpers import at, complaint, fee, followup, placement, workbook, worker, xlsx_table
from tests.integration.exports.world import HEPING, LIAOZHONG, sign_in

D = dt.date
L, H = "辽中区", "和平区"
MONTH = "/reports/monthly?month=2026-03"


async def build() -> None:
    agency = await create_agency("甲劳务公司", LIAOZHONG)
    # Workers: registered (created_at, bureau time) in March, earlier in 2026, or before 2026.
    l1, _ = await worker("李一", LIAOZHONG, "F", D(1980, 5, 10), at(D(2026, 3, 5)))
    await Worker.update({Worker.training: "焊工培训"}).where(Worker.id == l1)
    l2, _ = await worker("李二", LIAOZHONG, "M", D(1990, 1, 1), at(D(2026, 3, 31), 23, 30))  # 15:30 UTC: March
    l3, _ = await worker("李三", LIAOZHONG, "M", D(1970, 2, 1), at(D(2026, 2, 10)))
    await worker("李四", LIAOZHONG, "F", D(1995, 6, 6), at(D(2026, 4, 1), 0, 30))  # still 31 March in UTC: April
    await worker("李五", LIAOZHONG, "M", D(1985, 7, 7), at(D(2025, 12, 20)))
    h1, _ = await worker("何一", HEPING, "F", D(1986, 3, 15), at(D(2026, 3, 20)))  # 40 on 15 March
    h2, _ = await worker("何二", HEPING, "M", D(1960, 1, 1), at(D(2025, 6, 1)))

    pl1 = await placement(l1, agency, "kr_eps_e9", [("reported", D(2026, 1, 10)), ("departed", D(2026, 3, 15))])
    pl2 = await placement(l3, agency, "domestic", [("reported", D(2026, 2, 1)), ("working", D(2026, 2, 20)),
                                                   ("completed", D(2026, 3, 10))], group="YRD")
    await placement(l2, agency, "jp_trainee", [("reported", D(2026, 3, 2))])
    await placement(h2, agency, "sg_work_permit", [("reported", D(2025, 11, 1)), ("departed", D(2025, 12, 1)),
                                                   ("returned", D(2026, 1, 15))])
    pl5 = await placement(h1, agency, "kr_eps_h2", [("reported", D(2026, 3, 1)), ("departed", D(2026, 3, 14))])

    await followup(pl1, D(2026, 3, 10), status="done", done_on=D(2026, 3, 12))  # on time
    await followup(pl1, D(2026, 3, 20), status="done", done_on=D(2026, 3, 30))  # late (overdue after 27 March)
    await followup(pl1, D(2026, 3, 25))  # open, long overdue
    await followup(pl1, D(2026, 3, 28), status="cancelled")  # no longer due: left out
    await followup(pl1, D(2026, 3, 5), kind="recheck")  # not the schedule's own: left out
    await followup(pl1, D(2026, 2, 15), status="done", done_on=D(2026, 3, 2))  # February's, done late in March
    await followup(pl5, D(2026, 3, 18), status="done", done_on=D(2026, 3, 18))
    await followup(pl2, D(2026, 4, 2))  # April: not in the report
    assert await FollowUp.count() == 8

    await complaint(LIAOZHONG, D(2026, 3, 3), status="closed", owed=[(1_000_000, "CNY", 400_000)],
                    decided_on=D(2026, 3, 5), closed_on=D(2026, 3, 25))
    await complaint(LIAOZHONG, D(2026, 3, 20), owed=[(500_000, "CNY", 0)])  # decide by 27 March: overdue now
    await complaint(LIAOZHONG, D(2026, 2, 10), status="accepted", owed=[(200_000, "CNY", 0)],
                    decided_on=D(2026, 2, 12))
    await complaint(HEPING, D(2026, 3, 15), status="rejected", decided_on=D(2026, 3, 16),
                    reject_reason="out_of_scope")
    await complaint("CITY", D(2026, 3, 8), status="closed", owed=[(100_000, "CNY", 100_000)],
                    decided_on=D(2026, 3, 9), closed_on=D(2026, 3, 28))
    await complaint(LIAOZHONG, D(2026, 4, 2))  # April: not in the report

    await fee(pl1, D(2026, 3, 3), 50_000, "CNY")
    await fee(pl1, D(2026, 1, 5), 20_000, "CNY")
    await fee(pl1, D(2026, 3, 4), 99_900, "CNY", flag="ok")
    await fee(pl5, D(2026, 3, 10), 10_000, "CNY")

    await ExportTarget.insert(
        ExportTarget(year=2026, county_code=LIAOZHONG, exported=10, overseas=4, domestic=6, trained=2,
                     placed_4050=5),
        ExportTarget(year=2026, county_code=HEPING, exported=4),
        ExportTarget(year=2025, county_code=LIAOZHONG, exported=99))


# Counted by hand from the rows above.
SUMMARY = {
    L: {"Workers registered in the month": 2, "Registered in the month: women": 1,
        "Registered in the month: men": 1, "Registered in the month: 4050 group": 1,
        "Workers registered, year to date": 3, "Workers in the pool at month end": 4, "In the pool: women": 1,
        "In the pool: men": 3, "In the pool: 4050 group": 2, "Placements reported in the month": 1,
        "Placements reported, year to date": 3, "Exported (departed) in the month": 1,
        "Exported in the month: overseas": 1, "Exported in the month: domestic": 0,
        "Exported in the month: 4050 group": 1, "Exported in the month: trained": 1,
        "Exported (departed), year to date": 2, "Exported, year to date: overseas": 1,
        "Exported, year to date: domestic": 1, "Exported, year to date: 4050 group": 2,
        "Exported, year to date: trained": 1, "Abroad at month end": 1, "Returned in the month": 1,
        "Returned, year to date": 1, "Follow-ups due in the month": 3, "Follow-ups done on time": 1,
        "Follow-ups open and overdue": 1, "Complaints received in the month": 2,
        "Complaints closed in the month": 1, "Wages claimed (CNY)": 15_000, "Wages recovered (CNY)": 4_000,
        "Fees flagged in the month": 1, "Fees flagged (CNY)": 500, "Fees flagged, year to date": 2},
    H: {"Workers registered in the month": 1, "Registered in the month: women": 1,
        "Registered in the month: men": 0, "Registered in the month: 4050 group": 1,
        "Workers registered, year to date": 1, "Workers in the pool at month end": 2, "In the pool: women": 1,
        "In the pool: men": 1, "In the pool: 4050 group": 2, "Placements reported in the month": 1,
        "Placements reported, year to date": 1, "Exported (departed) in the month": 1,
        "Exported in the month: overseas": 1, "Exported in the month: domestic": 0,
        # 39 on the day she left, 40 by the month's end: in the pool's 4050 group, not among those exported.
        "Exported in the month: 4050 group": 0, "Exported in the month: trained": 0,
        "Exported (departed), year to date": 1, "Exported, year to date: overseas": 1,
        "Exported, year to date: domestic": 0, "Exported, year to date: 4050 group": 0,
        "Exported, year to date: trained": 0, "Abroad at month end": 1, "Returned in the month": 0,
        "Returned, year to date": 1, "Follow-ups due in the month": 1, "Follow-ups done on time": 1,
        "Follow-ups open and overdue": 0, "Complaints received in the month": 1,
        "Complaints closed in the month": 0, "Wages claimed (CNY)": 10_000, "Wages recovered (CNY)": 0,
        "Fees flagged in the month": 1, "Fees flagged (CNY)": 100, "Fees flagged, year to date": 1},
}
FOLLOWUPS = {L: [3, 2, 1, 1, 1, 0, 3, 4, 1, 1], H: [1, 1, 1, 0, 0, 0, 1, 1, 1, 0]}
COMPLAINTS = {  # received, accepted, not accepted, closed; the same for the year; open, overdue; amounts
    L: [2, 1, 0, 1, 3, 2, 1, 2, 1, 15_000, 4_000, 17_000, 4_000],
    H: [1, 0, 1, 0, 1, 0, 0, 0, 0, 10_000, 0, 10_000, 0],
    "City desk": [1, 1, 0, 1, 1, 1, 1, 0, 0, 1_000, 1_000, 1_000, 1_000],
}


def figures(table, county: str) -> dict:
    row = table.record(table.headers[0], county)
    return {k: v for k, v in row.items() if k in SUMMARY[L]}


async def test_county_figures_match_the_hand_count(client):
    await build()
    await sign_in(client, "supervisor")
    response = await client.get(MONTH)
    assert response.headers["content-disposition"].startswith('attachment; filename="monthly-statistics-2026-03')
    assert workbook(response).sheet_names == ["Summary", "Targets", "Placements by destination",
                                              "Placements by programme", "Follow-ups", "Complaints"]
    summary = xlsx_table(response, "Summary")
    assert summary.notes[0] == "Monthly statistics, March 2026"
    assert "Scope: The whole city" in summary.notes
    for county in (L, H):
        assert figures(summary, county) == SUMMARY[county], county

    follow = xlsx_table(response, "Follow-ups")
    for county in (L, H):
        row = follow.record("County", county)
        assert [row[h] for h in follow.headers[1:-1]] == FOLLOWUPS[county]
    assert follow.record("County", L)["Compliance rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert follow.record("County", H)["Compliance rate"] == 1

    desks = xlsx_table(response, "Complaints")
    for desk, values in COMPLAINTS.items():
        assert list(desks.record("Desk", desk).values())[1:] == values, desk


async def test_targets_sheet_measures_the_year_to_date_against_the_year_targets(client):
    await build()
    await sign_in(client, "admin")
    targets = xlsx_table(await client.get(MONTH), "Targets")
    row = targets.record("County", L)
    assert [row[f"{figure}: {what}"] for figure in ("Exported", "Overseas", "Domestic", "Trained", "“4050” workers")
            for what in ("target for the year", "year to date")] == [10, 2, 4, 1, 6, 1, 2, 1, 5, 2]
    assert row["Exported: share of target"] == pytest.approx(0.2)
    assert row["“4050” workers: share of target"] == pytest.approx(0.4)
    heping = targets.record("County", H)
    assert (heping["Exported: target for the year"], heping["Exported: year to date"]) == (4, 1)
    assert heping["Overseas: target for the year"] == "" and heping["Overseas: share of target"] == ""
    # The city's total adds up the counties that have a target: Heping's overseas count is not set against one.
    total = targets.record("County", "The whole city")
    assert (total["Exported: target for the year"], total["Exported: year to date"]) == (14, 3)
    assert (total["Overseas: target for the year"], total["Overseas: year to date"]) == (4, 1)


async def test_city_total_is_the_sum_of_the_counties_and_desks(client):
    await build()
    await sign_in(client, "admin")
    response = await client.get(MONTH)
    summary = xlsx_table(response, "Summary")
    desks = xlsx_table(response, "Complaints")
    *counties, total = summary.rows
    assert total[0] == "The whole city" and len(counties) == 13
    from_desks = {"Complaints received in the month": "Received in the month",
                  "Complaints closed in the month": "Closed in the month",
                  "Wages claimed (CNY)": "Wages claimed in the month (CNY)",
                  "Wages recovered (CNY)": "Wages recovered in the month (CNY)"}
    for i, header in enumerate(summary.headers[1:], start=1):
        if header in from_desks:  # the city's total counts the city and overseas desks' complaints too
            assert total[i] == sum(desks.column(from_desks[header])[:-1]), header
        else:
            assert total[i] == sum(row[i] for row in counties), header
    for sheet in ("Follow-ups", "Complaints"):
        table = xlsx_table(response, sheet)
        *rows, last = table.rows
        for i in range(1, len(table.headers) - (sheet == "Follow-ups")):
            assert last[i] == sum(row[i] for row in rows), (sheet, table.headers[i])
    assert total[summary.headers.index("Exported (departed), year to date")] == 3


async def test_county_clerk_gets_her_county_only(client):
    await build()
    await sign_in(client, "county_clerk", county=LIAOZHONG)
    own = await client.get(MONTH)
    summary = xlsx_table(own, "Summary")
    assert [row[0] for row in summary.rows] == [L, "Total"]
    assert figures(summary, L) == SUMMARY[L]
    assert f"Scope: {L}" in summary.notes
    assert [row[0] for row in xlsx_table(own, "Complaints").rows] == [L, "Total"]
    assert (await client.get(f"{MONTH}&county={LIAOZHONG}")).status_code == 200
    assert (await client.get(f"{MONTH}&county={HEPING}")).status_code == 403
    page = await client.get("/reports/")
    assert page.status_code == 200 and HEPING not in page.text and "The whole city" not in page.text


async def test_city_roles_choose_a_county(client):
    await build()
    await sign_in(client, "inspector")
    summary = xlsx_table(await client.get(f"{MONTH}&county={HEPING}"), "Summary")
    assert [row[0] for row in summary.rows] == [H, "Total"]
    assert figures(summary, H) == SUMMARY[H]


async def test_roles_without_the_report_are_refused(client):
    agency = await create_agency()
    await sign_in(client, "agency_staff", agency=agency)
    assert (await client.get("/reports/")).status_code == 403
    assert (await client.get(MONTH)).status_code == 403


async def test_a_month_not_yet_over_or_malformed_is_refused_with_a_message(client):
    await sign_in(client, "admin")
    for month in ("2099-01", "2026-13", "March"):
        response = await client.get(f"/reports/monthly?month={month}")
        assert response.status_code == 400
        assert "Choose a month up to the current one" in response.text


async def test_headers_in_chinese_for_a_chinese_reader(client):
    await sign_in(client, "admin", locale="zh_CN")
    client.headers.pop("Accept-Language")
    response = await client.get(MONTH)
    assert workbook(response).sheet_names[0] == "汇总"  # the sheets are named in the reader's language too
    summary = xlsx_table(response, 0)
    assert summary.headers[0] != "County" and all(ord(c) > 0x2E80 for c in summary.headers[0])
