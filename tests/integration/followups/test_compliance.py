"""Follow-up compliance for the city: a small known data set, counted per agency and per county."""

from __future__ import annotations

import re

import pytest

from export_mgmt.followups import compliance
from tests.integration.followups.helpers_pages import (  # noqa: F401 (english is a fixture)
    add_done,
    add_followup,
    english,
    sign_in,
    table_text,
    world,
)
from tests.integration.placements.helpers_rules import actor

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
async def places():
    """甲 places 张三 (辽中区) and 王五 (和平区), 乙 places 李四 (辽中区); each follow-up's fate is known."""
    p = await world()
    zhang, wang, li = p["zhang"], p["wang"], p["li"]
    await add_done(zhang, seq=1, due=-60, done=-55)  # on time (overdue after -53)
    await add_done(zhang, seq=2, due=-30, done=-20)  # late (overdue after -23)
    await add_followup(zhang, seq=3, due=-15)  # open and overdue, though the sweep has not marked it yet
    await add_followup(zhang, seq=4, due=-2)  # open, within its grace period
    await add_followup(zhang, seq=5, due=-40, status="cancelled")  # no longer due: not counted
    await add_done(zhang, kind="adhoc", seq=1, due=-5, done=-5, grace=0)  # unscheduled: not counted
    await add_done(zhang, seq=6, due=-200, done=-150)  # late, but only within the last 365 days
    await add_followup(zhang, seq=7, due=3)  # not yet due
    await add_done(wang, kind="arrival", due=-50, done=-50)  # on time
    await add_followup(wang, seq=1, due=-10, status="overdue")  # open and overdue
    await add_done(li, seq=1, due=-80, done=-80)  # on time
    await add_done(li, seq=2, due=-50, done=-43)  # on time: done on its overdue date
    await add_followup(li, kind="recheck", seq=1, due=-10, status="overdue")  # a case's re-check: not counted
    return p


def counts(line) -> tuple:
    return line.due, line.on_time, line.late, line.overdue, line.waiting


async def test_the_numbers_per_agency_county_and_city(places):
    report = await compliance.report(await actor("supervisor"), 90)
    agencies = {line.name: line for line in report.agencies}
    assert counts(agencies["甲劳务公司"]) == (6, 2, 1, 2, 1)
    assert agencies["甲劳务公司"].rate == pytest.approx(2 / 5)
    assert counts(agencies["乙劳务公司"]) == (2, 2, 0, 0, 0) and agencies["乙劳务公司"].rate == 1
    counties = {line.name: line for line in report.counties}
    assert counts(counties["辽中区"]) == (6, 3, 1, 1, 1)
    assert counts(counties["和平区"]) == (2, 1, 0, 1, 0)
    assert counts(report.total) == (8, 4, 1, 2, 1) and report.total.rate == pytest.approx(4 / 7)

    year = await compliance.report(await actor("inspector"), 365)
    ours = next(line for line in year.agencies if line.name == "甲劳务公司")
    assert counts(ours) == (7, 2, 2, 2, 1) and ours.rate == pytest.approx(2 / 6)


async def test_the_page_shows_the_tables_and_a_bar_per_agency(client, places):
    await sign_in(client, "boss", "supervisor")
    page = await client.get("/followups/compliance")
    assert page.status_code == 200
    agencies = table_text(page.text, "compliance-agencies")
    assert "甲劳务公司 6 2 1 2 1 40.0%" in agencies and "乙劳务公司 2 2 0 0 0 100.0%" in agencies
    assert "The whole city 8 4 1 2 1 57.1%" in agencies
    counties = table_text(page.text, "compliance-counties")
    assert "辽中区 6 3 1 1 1 60.0%" in counties and "和平区 2 1 0 1 0 50.0%" in counties

    svg = re.search(r'<svg class="chart" id="compliance-chart".*?</svg>', page.text, re.S).group(0)
    bars = re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)" height="\d+" class="chart-bar chart-(\w+)"/>', svg)
    assert bars == [("160.0", "poor"), ("400.0", "good")]  # 40 % and 100 % of the 400-unit scale, by name
    assert "<script" not in page.text and "style=" not in svg

    year = await client.get("/followups/compliance", params={"days": "365"})
    assert "甲劳务公司 7 2 2 2 1 33.3%" in table_text(year.text, "compliance-agencies")
    odd = await client.get("/followups/compliance", params={"days": "7"})  # not offered: the default period
    assert '<option value="90" selected>' in odd.text


async def test_an_empty_period_says_so(client):
    await sign_in(client, "inspector", "inspector")
    page = await client.get("/followups/compliance")
    assert page.status_code == 200
    assert "No follow-up fell due in this period." in table_text(page.text, "compliance-agencies")
    assert "<svg" not in page.text


@pytest.mark.parametrize("role, fields", [
    ("agency_staff", "agency"), ("county_clerk", "county"),
])
async def test_agencies_and_clerks_may_not_read_it(client, places, role, fields):
    extra = {"agency_id": places["agency"]} if fields == "agency" else {"county_code": "210115"}
    await sign_in(client, "someone", role, **extra)
    assert (await client.get("/followups/compliance")).status_code == 403
    assert 'href="/followups/compliance"' not in (await client.get("/followups/")).text
