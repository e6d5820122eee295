"""The export targets page: administrators set a year's targets in one audited step; the other city roles read
them; county offices and agencies do not see the page."""

from __future__ import annotations

import html
import json
import re

import pytest

from export_mgmt.audit.tables import AuditLog
from export_mgmt.clock import today
from export_mgmt.targets import services
from export_mgmt.targets.tables import ExportTarget
from tests.conftest import csrf_from
from tests.integration.placements.helpers_pages import english, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("english")

YEAR = 2025
LIAOZHONG = "210115"  # 辽中区
XINMIN = "210181"  # 新民市


def row_text(page: str, row_id: str) -> str:
    body = re.search(rf'<tr[^>]*id="{row_id}">(.*?)</tr>', page, re.S).group(1)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


async def open_form(client) -> tuple[dict[str, str], str]:
    """The targets form for YEAR as the page fills it in, and the page."""
    page = await client.get("/admin/targets/", params={"year": str(YEAR)})
    assert page.status_code == 200
    form = re.search(r'<form method="post" action="/admin/targets/".*?</form>', page.text, re.S).group(0)
    values = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    values["csrf_token"] = csrf_from(page.text)
    return values, page.text


async def stored() -> dict[str, dict]:
    rows = await ExportTarget.select().where(ExportTarget.year == YEAR)
    return {r["county_code"]: {name: r[name] for name in services.FIGURES} for r in rows}


async def audits() -> list[dict]:
    return await AuditLog.select().where(AuditLog.entity == services.ENTITY).order_by(AuditLog.id)


async def test_an_administrator_sets_targets_typed_with_full_width_digits_and_commas(client):
    await sign_in(client, "chief", "admin")
    form, page = await open_form(client)
    assert 'id="targets-form"' in page and 'id="f-210115_exported"' in page
    form.update({f"{LIAOZHONG}_exported": "１，２００", f"{LIAOZHONG}_overseas": "200",
                 f"{LIAOZHONG}_domestic": "1,000", f"{LIAOZHONG}_placed_4050": "３０",
                 f"{XINMIN}_exported": "500"})
    saved = await client.post("/admin/targets/", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/admin/targets/?year={YEAR}&saved=2"

    assert await stored() == {
        LIAOZHONG: {"exported": 1200, "overseas": 200, "domestic": 1000, "trained": None, "placed_4050": 30},
        XINMIN: {"exported": 500, "overseas": None, "domestic": None, "trained": None, "placed_4050": None}}
    shown = await client.get(saved.headers["location"])
    assert "Saved: the targets of 2 districts and counties changed." in shown.text
    assert 'value="1200"' in shown.text
    assert row_text(shown.text, "target-city") == "The whole city (as stored) 1,700 200 1,000 0 30"

    # One audit row per county changed, naming the year, the county and the figures set.
    rows = await audits()
    assert [(r["entity_id"], r["action"], r["actor_name"]) for r in rows] == [
        (f"{YEAR}-{LIAOZHONG}", "created", "chief"), (f"{YEAR}-{XINMIN}", "created", "chief")]
    assert json.loads(rows[0]["changes"])["exported"] == [None, 1200]
    history = re.search(r'id="targets-history".*?</table>', shown.text, re.S).group(0)
    assert "辽中" in history and "1,200" in history

    # Emptying a row removes that county's targets; an unchanged row is not touched.
    form, _ = await open_form(client)
    form.update({f"{XINMIN}_exported": ""})
    again = await client.post("/admin/targets/", data=form, follow_redirects=False)
    assert again.headers["location"] == f"/admin/targets/?year={YEAR}&saved=1"
    assert set(await stored()) == {LIAOZHONG}
    assert [r["action"] for r in await audits()] == ["created", "created", "removed"]


async def test_wrong_figures_are_explained_and_nothing_is_stored(client):
    await sign_in(client, "chief", "admin")
    form, _ = await open_form(client)
    form.update({f"{LIAOZHONG}_exported": "1000", f"{LIAOZHONG}_overseas": "300", f"{LIAOZHONG}_domestic": "600",
                 f"{XINMIN}_exported": "many", "210124_overseas": "50"})
    refused = await client.post("/admin/targets/", data=form)
    assert refused.status_code == 400
    assert "Overseas and domestic together must make the total (1,000)." in refused.text
    assert "Enter a whole number of people, or leave it empty." in refused.text
    assert "Enter the total to export, or leave the whole row empty." in refused.text
    assert 'value="many"' in refused.text  # what was typed is shown again to be corrected
    assert await stored() == {} and await audits() == []

    form.update({f"{LIAOZHONG}_overseas": "1001", f"{LIAOZHONG}_domestic": "", f"{XINMIN}_exported": "",
                 "210124_overseas": "", "210124_exported": str(services.MAX_FIGURE + 1)})
    refused = await client.post("/admin/targets/", data=form)
    assert refused.status_code == 400
    assert "More than the total to export." in refused.text and "At most 10,000,000." in refused.text
    assert await stored() == {} and await audits() == []


async def test_a_form_opened_before_someone_elses_save_is_refused_and_shows_what_is_stored(client, other_client):
    await sign_in(client, "chief", "admin")
    await sign_in(other_client, "deputy", "admin")
    mine, _ = await open_form(client)
    theirs, _ = await open_form(other_client)
    theirs[f"{LIAOZHONG}_exported"] = "900"
    assert (await other_client.post("/admin/targets/", data=theirs, follow_redirects=False)).status_code == 303

    mine[f"{LIAOZHONG}_exported"] = "700"
    conflict = await client.post("/admin/targets/", data=mine)
    assert conflict.status_code == 409
    assert f"Someone else changed the targets for {YEAR} after you opened this form." in conflict.text
    assert 'value="900"' in conflict.text
    assert (await stored())[LIAOZHONG]["exported"] == 900
    assert len(await audits()) == 1


async def test_a_form_without_its_csrf_token_does_nothing(client):
    await sign_in(client, "chief", "admin")
    form, _ = await open_form(client)
    form[f"{LIAOZHONG}_exported"] = "100"
    form.pop("csrf_token")
    refused = await client.post("/admin/targets/", data=form)
    assert refused.status_code in (400, 403)
    assert await stored() == {}


async def test_a_supervisor_reads_the_targets_and_cannot_change_them(client):
    await services.load_demo_targets(YEAR)
    await sign_in(client, "boss", "supervisor")
    page = await client.get("/admin/targets/", params={"year": str(YEAR)})
    assert page.status_code == 200
    assert 'id="targets-form"' not in page.text and "<input" not in re.search(
        r'id="targets".*?</section>', page.text, re.S).group(0)
    # 辽中 carries 15 % of the demo's 200 / 100.
    assert row_text(page.text, f"target-{LIAOZHONG}") == "辽中区 30 15 15 — —"
    assert 'id="nav-targets"' in page.text

    before = await stored()
    post = await client.post("/admin/targets/", data={"year": str(YEAR), f"{LIAOZHONG}_exported": "1",
                                                      "stamp": "", "csrf_token": csrf_from(page.text)})
    assert post.status_code == 403
    assert await stored() == before


@pytest.mark.parametrize("role", ["county_clerk", "agency_staff"])
async def test_county_offices_and_agencies_do_not_see_the_page(client, role):
    await sign_in(client, "someone", role, county_code=LIAOZHONG if role == "county_clerk" else None)
    assert (await client.get("/admin/targets/")).status_code == 403
    page = await client.get("/")
    assert 'href="/admin/targets/"' not in page.text


async def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = await client.get("/admin/targets/", follow_redirects=False)
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


async def test_a_year_out_of_range_shows_the_current_year(client):
    await sign_in(client, "chief", "admin")
    page = await client.get("/admin/targets/", params={"year": "1999"})
    assert page.status_code == 200
    assert re.search(r'<option value="(\d+)" selected>', page.text).group(1) == str(today().year)


async def test_the_demo_targets_split_the_citys_2004_totals_exactly():
    rows = services.demo_targets()
    assert len(rows) == 13
    assert sum(t.exported for t in rows) == 180_000 and sum(t.overseas for t in rows) == 10_000
    assert all(t.overseas + t.domestic == t.exported for t in rows)
    assert await services.load_demo_targets(2026) == 26
    assert sum(t.exported for t in (await services.targets(2004)).values()) == 180_000
    assert sum(t.overseas for t in (await services.targets(2026)).values()) == 100
