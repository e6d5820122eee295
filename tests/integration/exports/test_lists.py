"""Every list view downloads as xlsx and CSV: the list's rows with the list's filters, headers in the reader's
language, dates as dates and money as numbers beside a currency column."""

from __future__ import annotations

import datetime as dt

from export_mgmt.clock import today
from tests.integration.exports.helpers import both, csv_table, xlsx_table
from tests.integration.exports.world import HEPING, INJECTION, LIAOZHONG, build, mask, sign_in

L, H = "辽中区", "和平区"


async def test_workers_with_filters(client):
    w = await build()
    await sign_in(client, "admin")
    xlsx, csv = await both(client, "/workers/")
    assert xlsx.headers[:4] == ["Record number", "Name", "Identity number", "Sex"]
    assert csv.headers == xlsx.headers
    assert sorted(xlsx.column("Name")) == sorted(["李秀兰", INJECTION, "王建国"])
    row = xlsx.record("Name", "李秀兰")
    assert (row["Sex"], row["County"], row["4050 group"], row["Status"]) == ("Female", L, "Yes", "Available")
    assert row["Registered"] == today()  # a date cell, not text
    assert xlsx.notes[0] == "Labour pool" and "3 rows" in xlsx.notes
    xlsx, csv = await both(client, f"/workers/?county={HEPING}")
    assert xlsx.column("Name") == ["王建国"] and csv.column("Name") == ["王建国"]
    assert f"Filters: county={HEPING}" in xlsx.notes
    xlsx, _ = await both(client, "/workers/?group_4050=1")
    assert xlsx.column("Record number") == [w.liaozhong_worker]


async def test_placements_money_as_numbers_beside_the_currency(client):
    w = await build()
    await sign_in(client, "supervisor")
    xlsx, csv = await both(client, "/placements/")
    row = xlsx.record("Record number", w.placement_a)
    assert (row["Worker"], row["Destination"], row["Currency"]) == ("李秀兰", "Korea", "KRW")
    assert row["Basic monthly wage"] == 2_060_740 and row["Flagged fees"] == 1
    assert isinstance(row["Contract start"], dt.date)
    domestic = csv.record("Record number", str(w.placement_b))
    assert (domestic["Currency"], domestic["Basic monthly wage"]) == ("CNY", "4500.00")
    xlsx, _ = await both(client, "/placements/?country=KR")
    assert xlsx.column("Record number") == [w.placement_a]
    xlsx, _ = await both(client, f"/placements/?agency={w.agency_b}")
    assert xlsx.column("Record number") == [w.placement_b]


async def test_flagged_fees(client):
    w = await build()
    await sign_in(client, "admin")
    xlsx, csv = await both(client, "/placements/fees/flagged")
    assert xlsx.column("Placement") == [w.placement_a]
    assert (xlsx.rows[0][xlsx.headers.index("Amount")], csv.column("Amount")) == (3000, ["3000.00"])
    xlsx, _ = await both(client, f"/placements/fees/flagged?agency={w.agency_b}")
    assert xlsx.rows == []


async def test_followups_worklist(client):
    w = await build()
    await sign_in(client, "admin")
    xlsx, csv = await both(client, "/followups/")
    assert sorted(xlsx.column("Record number")) == [w.followup_a, w.followup_b]
    row = xlsx.record("Record number", w.followup_a)
    assert (row["Worker"], row["Worker's county"], row["Status"]) == ("李秀兰", L, "Due")
    assert row["Inspection case"].endswith("00001")
    xlsx, csv = await both(client, f"/followups/?county={HEPING}")
    assert xlsx.column("Record number") == [w.followup_b]
    assert csv.column("Worker") == ["王建国"]


async def test_complaints_and_cases(client):
    await build()
    await sign_in(client, "inspector")
    xlsx, csv = await both(client, "/complaints/?mine=0&status=all")
    assert sorted(xlsx.column("Complainant")) == ["赵投诉", "钱投诉"]
    row = xlsx.record("Complainant", "赵投诉")
    assert (row["Desk"], row["Currency"], row["Amount claimed"], row["Status"]) == (
        L, "CNY", 12_345.5, "Received, awaiting decision")
    assert csv.record("Complainant", "赵投诉")["Amount claimed"] == "12345.50"
    xlsx, _ = await both(client, f"/complaints/?mine=0&route={HEPING}")
    assert xlsx.column("Complainant") == ["钱投诉"]
    xlsx, csv = await both(client, "/cases/?mine=0")
    row = xlsx.record("Worker", "李秀兰")
    assert (row["Finding"], row["Currency"], row["Amount owed"]) == ("Wages late or unpaid", "KRW", 3_000_000)
    assert isinstance(row["Opened on"], dt.date)
    xlsx, _ = await both(client, "/cases/?mine=0&status=closed")
    assert xlsx.rows == []


async def test_registers_agencies_brokers_employers_and_the_audit_log(client):
    w = await build()
    await sign_in(client, "admin")
    xlsx, _ = await both(client, "/agencies/")
    assert sorted(xlsx.column("Agency name")) == ["乙劳务公司", "甲劳务公司"]
    xlsx, _ = await both(client, "/agencies/?q=乙")
    assert xlsx.column("Agency name") == ["乙劳务公司"]
    xlsx, csv = await both(client, f"/agencies/{w.agency_a}/brokers/")
    assert xlsx.column("Name") == ["孙经纪"] and csv.column("Status") == ["On the register"]
    xlsx, _ = await both(client, "/employers/")
    assert sorted(xlsx.column("Employer name")) == ["Hanil Metal Co.", "苏州电子厂"]
    xlsx, _ = await both(client, "/employers/?country=KR")
    assert xlsx.column("Employer name") == ["Hanil Metal Co."]
    xlsx, csv = await both(client, "/admin/audit/?entity=worker")
    assert xlsx.column("Changes") == ["Name: 李秀兰"] and csv.column("Record type") == ["Worker"]
    assert isinstance(xlsx.column("Time")[0], dt.datetime)


async def test_every_list_page_links_its_downloads_with_its_filters(client):
    w = await build()
    await sign_in(client, "admin")
    pages = [f"/workers/?county={LIAOZHONG}", "/agencies/?q=甲", "/employers/?country=KR", "/placements/?country=KR",
             f"/placements/fees/flagged?agency={w.agency_a}", f"/followups/?county={HEPING}",
             "/cases/?status=opened", "/complaints/?route=210115", "/admin/audit/?entity=worker",
             f"/agencies/{w.agency_a}/brokers/?status=active"]
    for path in pages:
        html = (await client.get(path)).text
        key, value = path.split("?", 1)[1].split("=")
        links = [part.split('"')[0] for part in html.split('href="?')[1:] if "format=" in part.split('"')[0]]
        assert len(links) == 2, path
        for link in links:
            assert f"{key}=" in link, (path, link)
            assert "page=" not in link


async def test_csv_has_a_bom_and_neutralises_formulas(client):
    await build()
    await sign_in(client, "admin")
    response = await client.get("/workers/?format=csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert 'filename*=UTF-8' in response.headers["content-disposition"]
    names = csv_table(response).column("Name")
    assert "'" + INJECTION in names and INJECTION not in names
    # In xlsx the cell is a string, never a formula: it reads back as the text typed.
    assert INJECTION in xlsx_table(await client.get("/workers/?format=xlsx")).column("Name")


async def test_identity_numbers_masked_as_the_lists_mask_them(client):
    w = await build()
    await sign_in(client, "admin")  # a role that sees full numbers on a worker's own page
    for path, header in (("/workers/", "Identity number"), ("/placements/", "Identity number"),
                         (f"/agencies/{w.agency_a}/brokers/", "Identity number")):
        xlsx, csv = await both(client, path)
        for table in (xlsx, csv):
            numbers = table.column(header)
            assert numbers and all("********" in n for n in numbers), path
    xlsx, _ = await both(client, "/workers/")
    assert mask(w.liaozhong_number) in xlsx.column("Identity number")
    assert w.liaozhong_number not in xlsx.column("Identity number")
    assert "Birth date" not in xlsx.headers


async def test_headers_and_labels_in_the_readers_language(client):
    await build()
    await sign_in(client, "admin", locale="zh_CN")
    client.headers.pop("Accept-Language")
    xlsx, csv = await both(client, "/workers/")
    assert xlsx.headers[1] == csv.headers[1] != "Name"
    assert "Female" not in xlsx.column(xlsx.headers[3])


async def test_english_for_a_reader_whose_locale_is_english(client):
    await build()
    await sign_in(client, "admin", locale="en")
    client.headers.pop("Accept-Language")
    xlsx, csv = await both(client, "/placements/")
    assert xlsx.headers[:3] == csv.headers[:3] == ["Record number", "Worker", "Identity number"]


async def test_a_large_export_is_cut_at_the_cap_with_a_note(client, monkeypatch):
    from export_mgmt.web import exports

    await build()
    await sign_in(client, "admin")
    monkeypatch.setattr(exports, "MAX_ROWS", 2)
    monkeypatch.setattr(exports, "CHUNK", 1)
    xlsx, csv = await both(client, "/workers/")
    assert len(xlsx.rows) == 2
    assert "Only the first 2 of 3 rows are included: narrow the filters to export the rest." in xlsx.notes
    assert csv.rows[-1][0].startswith("Only the first 2 of 3 rows") and len(csv.rows) == 3
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    xlsx, _ = await both(client, "/complaints/?mine=0")  # a list read through its paged search
    assert len(xlsx.rows) == 1 and any(n.startswith("Only the first 1 of 2 rows") for n in xlsx.notes)


async def test_users_and_job_runs_for_administrators(client, other_client):
    from export_mgmt.operations.tables import JobRun

    await JobRun.insert(JobRun(job="generate_followups", status="succeeded", rows=7),
                        JobRun(job="expire_licences", status="failed", error="=boom"))
    await sign_in(client, "admin")
    xlsx, csv = await both(client, "/admin/users/")
    assert xlsx.column("User name") == ["admin"] and csv.column("Role") == ["City administrator"]
    assert "password" not in " ".join(xlsx.headers).lower()
    xlsx, csv = await both(client, "/admin/jobs/")
    assert sorted(csv.column("Error")) == ["", "'=boom"] and len(xlsx.rows) == 2
    xlsx, _ = await both(client, "/admin/jobs/?job=generate_followups")
    assert xlsx.column("Rows") == [7]
    for path in ("/admin/users/", "/admin/jobs/"):
        html = (await client.get(path)).text
        assert "format=xlsx" in html and "format=csv" in html
    await sign_in(other_client, "supervisor")
    for path in ("/admin/users/?format=xlsx", "/admin/jobs/?format=csv"):
        assert (await other_client.get(path)).status_code == 403
