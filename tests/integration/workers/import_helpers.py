"""Workbooks for the import tests, written with xlsxwriter, and readers for what the import gives back."""

from __future__ import annotations

import asyncio
import html
import io
import re

import httpx
import python_calamine
import xlsxwriter

from tests.conftest import csrf_from

HEADERS = ["Identity number", "Name", "County", "Education", "Trade", "Skill level", "Language", "Score"]


def workbook(rows: list[list[object]], headers: list[str] | None = HEADERS) -> bytes:
    """An .xlsx with a header line (unless None) and the rows under it; cells written as text or numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Sheet1")
    start = 0
    if headers is not None:
        for col, text in enumerate(headers):
            sheet.write_string(0, col, text)
        start = 1
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    book.close()
    return out.getvalue()


def read_sheet(data: bytes, index: int = 0) -> list[list[object]]:
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(index).to_python()


def report_rows(data: bytes) -> list[tuple[int, str, str, str]]:
    """(row, identity number, column, message) for every line of an error report, below its header line."""
    cells = read_sheet(data)
    top = next(i for i, row in enumerate(cells) if row and row[0] in ("Row", "行", "行号"))
    return [(int(row[0]), str(row[1]), str(row[2]), str(row[3])) for row in cells[top + 1:] if row[0] != ""]


async def upload(client: httpx.AsyncClient, data: bytes, mode: str = "all_or_nothing",
                 filename: str = "register.xlsx") -> httpx.Response:
    page = await client.get("/workers/import")
    assert page.status_code == 200, page.text
    return await client.post("/workers/import", data={"csrf_token": csrf_from(page.text), "mode": mode},
                             files={"file": (filename, data, "application/octet-stream")},
                             follow_redirects=False)


async def finished_page(client: httpx.AsyncClient, location: str) -> httpx.Response:
    """The import's page once it no longer says it is running (it reloads itself in a browser)."""
    for _attempt in range(600):
        page = await client.get(location)
        if 'id="import-progress"' not in page.text:
            return page
        await asyncio.sleep(0.1)
    raise AssertionError("the import did not finish")


async def run_import(client: httpx.AsyncClient, data: bytes,
                     mode: str = "all_or_nothing") -> tuple[str, httpx.Response]:
    response = await upload(client, data, mode)
    assert response.status_code in (302, 303), response.text
    location = response.headers["location"]
    return location, await finished_page(client, location)


def file_error(page: str) -> str | None:
    match = re.search(r'<span class="field-error" id="file-error">(.*?)</span>', page, re.S)
    return html.unescape(match.group(1)).strip() if match else None


def count(page: str, name: str) -> int:
    match = re.search(rf'id="count-{name}">([^<]*)<', page)
    assert match, f"no count {name}"
    return int(match.group(1).replace(",", ""))
