"""The dashboards against the small world of the monthly statistics' tests, whose figures are counted by hand.

In 2026: 辽中 exported two workers (a Korean EPS departure in March, a domestic one in February: both of the
4050 group on the day they left, one trained); 和平 one (Korea, in March; 39 on the day she left). A Singapore
departure of December 2025 belongs to 2025. Targets for 2026: 辽中 10 exported (4 overseas, 6 domestic,
2 trained, 5 "4050"), 和平 4 exported and nothing else.
"""

from __future__ import annotations

import re

import pytest

from export_mgmt.agencies.tables import Agency
from tests.integration.exports.helpers import xlsx_table
from tests.integration.exports.world import HEPING, LIAOZHONG, sign_in
from tests.integration.reports.test_monthly import build

L, H = "辽中区", "和平区"
YEAR = "/dashboard/?year=2026"
DOWNLOAD = "/dashboard/download?year=2026"


def table(html: str, figure: str) -> list[list[str]]:
    """A figure's table as the page shows it: rows of cell texts (th and td)."""
    body = re.search(rf'<table class="table compact" id="table-{figure}">(.*?)</table>', html, re.S)
    assert body, figure
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in rows]


def row_of(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if r[0] == first)


async def test_progress_against_target_matches_the_hand_count(client):
    await build()
    await sign_in(client, "supervisor")
    page = await client.get(YEAR)
    assert page.status_code == 200
    progress = table(page.text, "progress")
    assert progress[0][:4] == ["District or county", "Exported", "Exported: target", "Exported: achieved"]
    # exported / target / share for: exported, overseas, domestic, trained, 4050
    assert row_of(progress, L)[1:] == ["2", "10", "20.0%", "1", "4", "25.0%", "1", "6", "16.7%", "1", "2", "50.0%",
                                       "2", "5", "40.0%"]
    assert row_of(progress, H)[1:4] == ["1", "4", "25.0%"]
    assert row_of(progress, H)[4:7] == ["1", "—", "—"]  # no overseas target set for 和平
    assert row_of(progress, "The whole city")[1:4] == ["3", "14", "21.4%"]
    assert len(progress) == 1 + 13 + 1  # header, every district and county, the city
    # The chart draws each county's bar with its target as a marker, and says it in words.
    chart = re.search(r'<svg class="chart" id="chart-progress".*?</svg>', page.text, re.S).group(0)
    assert f"{L}: 2 / 10 · 20.0%" in chart and "Target 10" in chart


async def test_destinations_by_month_and_cards(client):
    await build()
    await sign_in(client, "admin")
    page = await client.get(YEAR)
    months = table(page.text, "destinations")
    assert months[0] == ["Month", "Korea", "Japan", "Singapore", "Domestic (other provinces)", "Total"]
    assert row_of(months, "February 2026")[1:] == ["0", "0", "0", "1", "1"]
    assert row_of(months, "March 2026")[1:] == ["2", "0", "0", "0", "2"]
    assert row_of(months, "Total")[1:] == ["2", "0", "0", "1", "3"]
    cards = re.search(r'id="dashboard-cards">(.*?)</section>', page.text, re.S).group(1)
    assert re.search(r'<span class="big">3</span><span>Exported this year</span>', cards)
    assert re.search(r'<span class="big">2</span><span>Of them overseas</span>', cards)
    complaints = table(page.text, "complaints")
    assert row_of(complaints, "March 2026")[1:] == ["4", "2"]  # 辽中 2, 和平 1, the city desk 1
    wages = table(page.text, "wages")
    # Claimed in March: 辽中 10,000 + 5,000, 和平 10,000 (the helper's default claim), the city desk 1,000.
    assert row_of(wages, "March 2026")[1:] == ["26,000", "5,000"]
    # Follow-ups due in 2026 up to today: 辽中's five scheduled ones (the cancelled one and the re-check left out):
    # one done on time, two done late, two still open past their overdue date; 和平's one, done on time.
    follow = table(page.text, "followups")
    assert follow[0] == ["District or county", "Due", "Done on time", "Done late", "Overdue", "Not yet overdue",
                         "On time"]
    assert row_of(follow, L)[1:] == ["5", "1", "2", "2", "0", "20.0%"]
    assert row_of(follow, H)[1:] == ["1", "1", "0", "0", "0", "100.0%"]
    assert row_of(follow, "Total")[1:] == ["6", "2", "2", "2", "0", "33.3%"]
    assert (await client.get("/dashboard/?year=2025")).status_code == 200


async def test_a_clerk_sees_her_county_only(client):
    await build()
    await sign_in(client, "county_clerk", county=LIAOZHONG)
    page = await client.get(YEAR)
    assert page.status_code == 200
    progress = table(page.text, "progress")
    assert [r[0] for r in progress[1:]] == [L]
    assert H not in page.text and 'id="figure-league"' not in page.text
    assert (await client.get(f"{YEAR}&county={HEPING}")).status_code == 403
    download = await client.get(f"{DOWNLOAD}&figure=progress&format=xlsx")
    assert download.status_code == 200
    sheet = xlsx_table(download, download_sheet(download))
    assert [r[0] for r in sheet.rows] == [L]
    assert (await client.get(f"{DOWNLOAD}&figure=league&format=csv")).status_code == 404


def download_sheet(response) -> str:
    from tests.integration.exports.helpers import workbook

    return workbook(response).sheet_names[0]


async def test_downloads_carry_the_same_numbers(client):
    await build()
    await sign_in(client, "inspector")
    csv = await client.get(f"{DOWNLOAD}&figure=destinations&format=csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Month,Korea,Japan,Singapore,Domestic (other provinces),Total"
    assert "March 2026,2,0,0,0,2" in lines
    everything = await client.get(DOWNLOAD)
    names = download_names(everything)
    assert len(names) == 6
    progress = xlsx_table(everything, names[0])
    assert progress.record("District or county", L)["Exported: target"] == 10
    assert (await client.get(f"{DOWNLOAD}&figure=nothing")).status_code == 404
    assert (await client.get(f"{DOWNLOAD}&format=csv")).status_code == 404


def download_names(response) -> list[str]:
    from tests.integration.exports.helpers import workbook

    return workbook(response).sheet_names


async def test_agency_staff_see_their_agency_without_targets(client):
    await build()
    agency = await Agency.select(Agency.id).first()
    await sign_in(client, "agency_staff", agency=agency["id"])
    page = await client.get(YEAR)
    assert page.status_code == 200
    assert 'id="figure-progress"' not in page.text
    assert row_of(table(page.text, "destinations"), "Total")[1:] == ["2", "0", "0", "1", "3"]
    league = table(page.text, "league")
    assert len(league) == 2 and league[1][1] == "甲劳务公司"
    assert (await client.get(f"{YEAR}&county={LIAOZHONG}")).status_code == 403


@pytest.mark.parametrize("year", ["1999", "abcd", "20261"])
async def test_a_year_out_of_range_shows_the_current_year(client, year):
    await sign_in(client, "admin")
    page = await client.get(f"/dashboard/?year={year}")
    assert page.status_code == 200 and "Dashboard 2026" in page.text
