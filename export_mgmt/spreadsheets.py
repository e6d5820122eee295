"""Spreadsheets out: xlsx (xlsxwriter, in memory) and CSV (UTF-8 with a byte-order mark, so Excel reads Chinese).

One place for both, so every download looks the same: a bold header row, frozen; dates as dates; numbers as
numbers; column widths to fit. Building a large workbook is CPU work: call it through asyncio.to_thread from a
request handler (`xlsx_response` and `csv_response` do).
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Sequence
from urllib.parse import quote

import xlsxwriter
from litestar import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60


@dataclass
class Sheet:
    title: str  # at most 31 characters, no []:*?/\ (Excel's rules)
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    notes: Sequence[str] = field(default_factory=tuple)  # lines written above the table (source, scope, date)
    percent_columns: Sequence[int] = ()  # columns of fractions (0.25) shown as percentages (25.0%)


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if value is None:
        return ""
    return value


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF6", "border": 1})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    percent = book.add_format({"num_format": "0.0%"})
    for sheet in sheets:
        ws = book.add_worksheet(_title(sheet.title))
        top = 0
        for line in sheet.notes:
            ws.write_string(top, 0, line)
            top += 1
        if sheet.notes:
            top += 1
        widths = [len(str(h)) + 2 for h in sheet.headers]
        for col, header in enumerate(sheet.headers):
            ws.write_string(top, col, str(header), bold)
        ws.freeze_panes(top + 1, 0)
        for r, row in enumerate(sheet.rows, start=top + 1):
            for col, value in enumerate(row):
                value = _cell(value)
                if isinstance(value, dt.datetime):
                    ws.write_datetime(r, col, value.replace(tzinfo=None), stamp)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
                elif isinstance(value, bool):
                    ws.write_boolean(r, col, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, col, value)
                else:
                    # Text stays text: an identity number must not become 2.10115E+17, nor "=…" a formula.
                    ws.write_string(r, col, str(value))
                if col < len(widths):
                    widths[col] = max(widths[col], min(len(str(value)) + 2, MAX_WIDTH))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width, percent if col in sheet.percent_columns else None)
    book.close()
    return out.getvalue()


def _title(title: str) -> str:
    cleaned = "".join(c for c in title if c not in "[]:*?/\\")
    return cleaned[:31] or "Sheet1"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, Decimal)):
        return str(value)  # Decimal as written (12.50), not through float
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ (or a tab or carriage return before them) is a formula to a spreadsheet
    # program: a leading apostrophe keeps it text (CSV injection). Numbers such as -12.5 stay numbers.
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


async def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> Response:
    data = await asyncio.to_thread(xlsx_bytes, sheets)
    return Response(content=data, media_type=XLSX_TYPE, headers={
        "Content-Disposition": _disposition(filename), "Cache-Control": "private, no-store"})


async def csv_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    data = await asyncio.to_thread(csv_bytes, headers, rows)
    return Response(content=data, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": _disposition(filename), "Cache-Control": "private, no-store"})
