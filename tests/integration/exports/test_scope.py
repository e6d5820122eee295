"""Exports stay within the reader's scope, inside the query: a county clerk gets her county's rows, agency staff
their agency's, and a role refused a list is refused its download too."""

from __future__ import annotations

from tests.integration.exports.helpers import both
from tests.integration.exports.world import HEPING, LIAOZHONG, build, sign_in

L = "辽中区"


async def test_county_clerk_exports_only_her_county(client):
    w = await build()
    await sign_in(client, "county_clerk", county=LIAOZHONG)
    for path, header, expected in (
            ("/workers/", "County", {L}),
            (f"/workers/?county={HEPING}", "County", set()),  # another county's filter widens nothing
            ("/placements/", "Household county", {L}),
            ("/followups/", "Worker's county", {L}),
            (f"/followups/?county={HEPING}", "Worker's county", {L}),
            ("/complaints/?mine=0&status=all", "Desk", {L}),
            (f"/complaints/?mine=0&route={HEPING}", "Desk", set()),
            ("/cases/?mine=0", "Worker", {"李秀兰"}),
            ("/placements/fees/flagged", "Worker", {"李秀兰"})):
        xlsx, csv = await both(client, path)
        assert set(xlsx.column(header)) == expected, path
        assert set(csv.column(header)) == expected, path
        assert f"Scope: records of {L} only" in xlsx.notes
    xlsx, _ = await both(client, "/placements/")
    assert xlsx.column("Record number") == [w.placement_a]


async def test_agency_staff_export_only_their_agency(client):
    w = await build()
    await sign_in(client, "agency_staff", agency=w.agency_b)
    xlsx, csv = await both(client, "/placements/")
    assert xlsx.column("Record number") == [w.placement_b] and csv.column("Agency") == ["乙劳务公司"]
    assert "Scope: records of 乙劳务公司 only" in xlsx.notes
    xlsx, _ = await both(client, f"/placements/?agency={w.agency_a}")  # a city-wide filter, ignored here
    assert xlsx.column("Record number") == [w.placement_b]
    xlsx, _ = await both(client, "/followups/")
    assert xlsx.column("Record number") == [w.followup_b]
    xlsx, _ = await both(client, "/placements/fees/flagged")
    assert xlsx.rows == []
    xlsx, _ = await both(client, f"/agencies/{w.agency_b}/brokers/")
    assert xlsx.column("Name") == ["周经纪"]


async def test_roles_refused_a_list_are_refused_its_download(client, other_client):
    w = await build()
    await sign_in(client, "agency_staff", agency=w.agency_a)
    await sign_in(other_client, "supervisor")
    refused = [(client, "/workers/"), (client, "/complaints/"), (client, "/admin/audit/"),
               (client, f"/agencies/{w.agency_b}/brokers/"), (other_client, "/admin/audit/")]
    for browser, path in refused:
        for fmt in ("xlsx", "csv"):
            response = await browser.get(f"{path}?format={fmt}")
            # Another agency's record is "not found" to agency staff, as its page is.
            assert response.status_code == (404 if "brokers" in path else 403), (path, fmt, response.status_code)
            assert not response.headers.get("content-disposition")
