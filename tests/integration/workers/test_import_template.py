"""The downloadable template: headers in the user's language, an example row that is valid but never imported."""

import pytest

from tests.integration.workers.helpers import LIAOZHONG, count_all, number, worker_rows
from tests.integration.workers.import_helpers import count, file_error, read_sheet, run_import, upload, workbook


async def download(client, language: str) -> bytes:
    client.headers["Accept-Language"] = language
    response = await client.get("/workers/import/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    return response.content


@pytest.mark.parametrize(("language", "first", "second"), [("en", "Identity number *", "Name *"),
                                                            ("zh-CN", "身份证号码 *", "姓名 *")])
async def test_template_headers_are_in_the_users_language(clerk_client, language, first, second):
    sheet = read_sheet(await download(clerk_client, language))
    assert sheet[0][:2] == [first, second]
    assert len(read_sheet(await download(clerk_client, language), 1)) > 10  # the instructions sheet


async def test_template_as_downloaded_is_refused_because_it_only_holds_the_example(clerk_client):
    response = await upload(clerk_client, await download(clerk_client, "en"))
    assert response.status_code == 400
    assert "besides the template's example row" in file_error(response.text)
    assert await count_all() == (0, 0, 0)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
async def test_the_example_row_with_a_real_number_imports_cleanly(clerk_client, language):
    """Round trip: the template's own headers and example values, with a real identity number in place of the
    example's, are accepted as they stand (in either language) — so the example shows valid values."""
    header, example = read_sheet(await download(clerk_client, language))[:2]
    fresh = number(seq=71)
    row = [fresh if i == 0 else value for i, value in enumerate(example)]
    clerk_client.headers["Accept-Language"] = "en"
    location, page = await run_import(clerk_client, workbook([example, row], [str(h) for h in header]))
    assert count(page.text, "imported") == 1, page.text[-3000:]
    assert "example row was skipped" in page.text
    worker = (await worker_rows())[0]
    assert (worker["id_number"], worker["county_code"], worker["phone"]) == (fresh, LIAOZHONG, "13800000000")
    assert worker["township_code"]
