"""Files the import refuses as a whole, who may import, and who may see an import's result."""

import io
import zipfile

import pytest

from tests.conftest import csrf_from
from tests.integration.workers.helpers import KANGPING, LIAOZHONG, count_all, number, sign_in, worker_rows
from tests.integration.workers.import_helpers import count, file_error, run_import, upload, workbook


def zip_bomb() -> bytes:
    """A workbook-shaped zip with one part that inflates 50 MB of zeros from a few tens of kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return out.getvalue()


def many_entries() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(1001):
            archive.writestr(f"xl/media/{i}.bin", b"x")
    return out.getvalue()


def good_rows() -> list[list[object]]:
    return [[number(seq=51), "甲"], [number(seq=52), "乙"]]


REFUSED = [
    ("not a zip", lambda: "身份证号码,姓名\n210115198503040318,张三\n".encode(), "not an Excel workbook"),
    ("legacy xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "old-format .xls"),
    ("truncated", lambda: workbook(good_rows(), ["Identity number", "Name"])[:-200], "not an Excel workbook"),
    ("zip without a workbook", lambda: _plain_zip(), "not an Excel workbook"),
    ("zip bomb", zip_bomb, "refused as unsafe"),
    ("too many parts", many_entries, "more than 1000 parts"),
    ("oversized", lambda: b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024 + 1), "larger than 20 MB"),
    ("empty", lambda: b"", "Choose a file"),
    ("wrong headers", lambda: workbook([["a", "b"]], ["Foo", "Bar", "Baz"]), "header line"),
    ("a required column missing", lambda: workbook([["甲", "初中"]], ["Name", "Education"]), "no column for"),
    ("no data rows", lambda: workbook([], ["Identity number", "Name"]), "no data rows"),
]


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(("content", "message"), [(c, m) for _name, c, m in REFUSED],
                         ids=[name for name, _c, _m in REFUSED])
async def test_file_is_refused_on_the_form_with_a_clear_message(clerk_client, content, message):
    response = await upload(clerk_client, content())
    assert response.status_code == 400
    assert message in (file_error(response.text) or ""), response.text[-3000:]
    assert await count_all() == (0, 0, 0)


async def test_refusal_is_in_the_users_language(client):
    await sign_in(client, "zhclerk", "county_clerk", LIAOZHONG)
    client.headers["Accept-Language"] = "zh-CN"
    response = await upload(client, b"")
    assert response.status_code == 400
    assert file_error(response.text) == "请选择要上传的文件。"


async def test_agency_staff_and_inspectors_may_not_import(client):
    await sign_in(client, "staff", "agency_staff")
    assert (await client.get("/workers/import")).status_code == 403
    assert (await client.get("/workers/import/template.xlsx")).status_code == 403
    data = workbook(good_rows(), ["Identity number", "Name"])
    response = await client.post("/workers/import", data={"mode": "valid_rows"},
                                 files={"file": ("a.xlsx", data)}, follow_redirects=False)
    assert response.status_code == 403
    assert await count_all() == (0, 0, 0)


async def test_clerk_rows_for_another_county_are_refused(clerk_client):
    rows = [[number(KANGPING, seq=53), "甲", "康平县"], [number(KANGPING, seq=54), "乙", ""]]
    location, page = await run_import(clerk_client, workbook(rows, ["Identity number", "Name", "County"]),
                                      "valid_rows")
    # An empty County cell means the clerk's own county, whatever the number's birthplace.
    assert (count(page.text, "imported"), count(page.text, "refused")) == (1, 1)
    assert [w["county_code"] for w in await worker_rows()] == [LIAOZHONG]


async def test_administrator_chooses_the_county_for_rows_without_one(admin_client):
    page = await admin_client.get("/workers/import")
    assert 'name="county_code"' in page.text
    data = workbook(good_rows(), ["Identity number", "Name"])
    response = await admin_client.post(
        "/workers/import", data={"csrf_token": csrf_from(page.text), "mode": "valid_rows", "county_code": KANGPING},
        files={"file": ("a.xlsx", data)}, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    assert {w["county_code"] for w in await worker_rows()} == {KANGPING}


async def test_only_the_user_who_started_an_import_sees_it(clerk_client, other_client):
    rows = [[number(seq=55), "甲"], [number(seq=55), "乙"]]
    location, _page = await run_import(clerk_client, workbook(rows, ["Identity number", "Name"]), "valid_rows")
    assert (await clerk_client.get(f"{location}/errors.xlsx")).status_code == 200
    await sign_in(other_client, "clerk2", "county_clerk", LIAOZHONG)
    assert (await other_client.get(location)).status_code == 404
    assert (await other_client.get(f"{location}/errors.xlsx")).status_code == 404
    assert (await other_client.get("/workers/import/not-a-token")).status_code == 404
