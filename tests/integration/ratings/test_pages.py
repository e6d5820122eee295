"""The rating pages as each role sees them, the scale's admin page, and the public summary beside the licence."""

from __future__ import annotations

import re

import pytest

from export_mgmt.agencies.tables import Licence
from export_mgmt.audit.tables import AuditLog
from export_mgmt.ratings import scale
from export_mgmt.ratings.tables import RatingGrade
from tests.conftest import csrf_from
from tests.integration.placements.helpers_pages import english, sign_in, table_text  # noqa: F401 (a fixture)
from tests.integration.ratings.helpers import YEAR, world

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
async def agencies():
    return await world()


async def scale_audits() -> int:
    return await AuditLog.count().where(AuditLog.entity == "rating_scale")


def listed(page: str) -> list[str]:
    body = re.search(r'<table class="table" id="ratings-table">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return re.findall(r'<a href="/ratings/agencies/\d+\?year=\d+">([^<]*)</a>', body)


async def test_the_league_table_for_the_city(client, agencies):
    await sign_in(client, "boss", "supervisor")
    page = await client.get("/ratings/", params={"year": str(YEAR)})
    assert page.status_code == 200
    assert 'id="nav-ratings"' in page.text
    assert listed(page.text) == ["乙劳务公司", "甲劳务公司", "丙劳务公司"]
    rows = table_text(page.text, "ratings-table")
    assert "1 乙劳务公司 AAA Exemplary integrity 100 5 0 — 100.0% 0 0 0 —" in rows
    assert "2 甲劳务公司 C Integrity warning 8.9 20 5 39.5% 66.7% 1 1 1 Top-up overdue" in rows
    assert "— 丙劳务公司 Not rated — 4 0 — — 0 0 0 —" in rows

    only_c = await client.get("/ratings/", params={"year": str(YEAR), "grade": "C"})
    assert listed(only_c.text) == ["甲劳务公司"]
    unrated = await client.get("/ratings/", params={"year": str(YEAR), "grade": "-"})
    assert listed(unrated.text) == ["丙劳务公司"]
    by_name = await client.get("/ratings/", params={"year": str(YEAR), "sort": "placements"})
    assert listed(by_name.text) == ["甲劳务公司", "乙劳务公司", "丙劳务公司"]
    detail = await client.get(f"/agencies/{agencies['a']}")
    assert f'href="/ratings/agencies/{agencies["a"]}" id="agency-scorecard"' in detail.text


async def test_an_agencys_scorecard_shows_every_indicator_its_points_and_the_records(client, agencies):
    await sign_in(client, "insp", "inspector")
    a = agencies["a"]
    page = await client.get(f"/ratings/agencies/{a}", params={"year": str(YEAR)})
    assert page.status_code == 200
    assert "8.9 of 100" in page.text and 'id="scorecard-rank">2<' in page.text
    rows = table_text(page.text, "scorecard-table")
    for expected in ("Complaints per 100 placements 5 1 complaint naming the agency −15",
                     "Arrears recovered 39.5% CN¥6,000.00 recovered of CN¥15,200.00 claimed −6.1",
                     "Follow-ups on time 66.7% 4 on time of 6 done or overdue; 0 still within their grace period −10",
                     "Placements with flagged fees 1 (5 per 100 placements) −15",
                     "Licence suspensions and revocations 1 −20", "Inspection cases against the agency 1 −5",
                     "CN¥2,500,000.00 held of CN¥3,000,000.00 required Top-up overdue −20"):
        assert expected in rows, rows
    for link in (f"/placements/?agency={a}", f"/followups/?agency={a}", f"/placements/fees/flagged?agency={a}",
                 f"/agencies/{a}"):
        assert f'href="{link}"' in page.text
    assert 'id="rating-formula"' in page.text and "3 points for every complaint per 100 placements" in page.text

    unrated = await client.get(f"/ratings/agencies/{agencies['c']}", params={"year": str(YEAR)})
    assert 'id="not-rated"' in unrated.text and "fewer than the 5 a rating needs" in unrated.text


async def test_agency_staff_see_their_own_scorecard_and_no_other(client, agencies):
    await sign_in(client, "clean", "agency_staff", agency_id=agencies["b"])
    to_own = await client.get("/ratings/", params={"year": str(YEAR)}, follow_redirects=False)
    assert to_own.status_code == 303 and to_own.headers["location"] == f"/ratings/agencies/{agencies['b']}?year={YEAR}"
    own = await client.get(to_own.headers["location"])
    assert own.status_code == 200 and "乙劳务公司" in own.text and "scorecard-rank" not in own.text
    other = await client.get(f"/ratings/agencies/{agencies['a']}", params={"year": str(YEAR)})
    assert other.status_code == 404 and "甲劳务公司" not in other.text
    assert (await client.get("/admin/ratings/scale/")).status_code == 403


async def test_county_clerks_are_refused(client, agencies):
    await sign_in(client, "clerk", "county_clerk", county_code="210115")
    assert (await client.get("/ratings/")).status_code == 403
    assert (await client.get(f"/ratings/agencies/{agencies['a']}")).status_code == 403


async def test_the_scale_page_saves_a_valid_scale_and_shows_errors_otherwise(client):
    await sign_in(client, "root", "admin")
    page = await client.get("/admin/ratings/scale/")
    assert page.status_code == 200 and 'id="scale-form"' in page.text and "How the score is worked out" in page.text
    current = await scale.load_scale()
    data = {**scale.form_values(current), "stamp": scale.stamp(current), "csrf_token": csrf_from(page.text)}

    bad = await client.post("/admin/ratings/scale/", data={**data, "min_1": "95"}, follow_redirects=False)
    assert bad.status_code == 400 and "Each grade needs a lower minimum score than the grade above it." in bad.text
    assert await RatingGrade.count() == 5 and await scale_audits() == 0

    saved = await client.post("/admin/ratings/scale/", data={**data, "code_5": "D", "min_5": "0", "min_4": "40"},
                              follow_redirects=False)
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert 'id="scale-saved"' in shown.text and "C ≥ 0" in shown.text and "D ≥ 0" in shown.text
    assert [g.code for g in (await scale.load_scale()).grades] == ["AAA", "AA", "A", "B", "C", "D"]
    assert await scale_audits() == 1


async def test_the_city_reads_the_scale_and_only_administrators_change_it(client):
    await sign_in(client, "boss", "supervisor")
    page = await client.get("/admin/ratings/scale/")
    assert page.status_code == 200 and "Save the scale" not in page.text
    refused = await client.post("/admin/ratings/scale/", data={"csrf_token": csrf_from(page.text)})
    assert refused.status_code == 403


async def test_the_public_licence_page_shows_the_summary_and_nothing_personal(client, agencies):
    number = (await Licence.select(Licence.number).where(Licence.agency == agencies["a"]).first())["number"]
    page = await client.get(f"/verify/licence/{number}")
    assert page.status_code == 200
    summary = re.search(r'<section class="public-rating".*?</section>', page.text, re.S).group(0)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))
    assert f"Rating for {YEAR}" in text and "C Integrity warning" in text
    assert "Placements in the year 20" in text and "Complaints per 100 placements 5" in text
    assert "Follow-ups on time 66.7%" in text
    for personal in ("工人", "投诉人", "210115198505050012", "CN¥"):
        assert personal not in page.text
    assert not re.search(r"\d{17}[\dX]", page.text)

    found = await client.get("/verify", params={"q": "丙劳务"})
    assert "Not rated: too few placements in the year" in found.text
