"""Reading a checked workbook with python-calamine: find the sheet and its header line, return the data rows.

CPU work (calamine parses the XML in Rust, then builds Python values): call through asyncio.to_thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from export_mgmt.i18n import _, ngettext
from export_mgmt.workers.imports.checks import FileRefused
from export_mgmt.workers.imports.columns import BY_KEY, COLUMNS, column_for_header

MAX_ROWS = 100_000  # data rows, besides the header lines
HEADER_SCAN = 10  # the header line must be among the first rows of a sheet
MIN_HEADERS = 2  # a line naming fewer known columns is not a header line


@dataclass
class ParsedSheet:
    sheet_name: str
    columns: dict[int, str]  # cell index -> column key
    ignored: list[str] = field(default_factory=list)  # headers that name no known column
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number as Excel shows it, cells)


def _known(row: list[Any]) -> dict[int, str]:
    return {i: key for i, cell in enumerate(row) if isinstance(cell, str) and (key := column_for_header(cell))}


def _find_header(top: list[list[Any]]) -> int | None:
    for index, row in enumerate(top):
        if len(set(_known(row).values())) >= MIN_HEADERS:
            return index
    return None


def read_workbook(data: bytes, max_rows: int = MAX_ROWS) -> ParsedSheet:
    """The first visible worksheet with a header line among its first rows, and its rows below that line.

    The template has two header lines (Chinese, then English); a second line that also names columns is
    skipped. Columns are matched by name, so their order and any extra columns do not matter.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises its own types for every kind of damage
        raise FileRefused(_("The workbook is damaged and cannot be read. Save it again from Excel.")) from None
    with book:
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or \
                    meta.visible != python_calamine.SheetVisibleEnum.Visible:
                continue
            try:
                sheet = book.get_sheet_by_index(index)
                top = sheet.to_python(skip_empty_area=False, nrows=HEADER_SCAN)
            except Exception:
                raise FileRefused(_("The workbook is damaged and cannot be read. Save it again from Excel.")) \
                    from None
            header = _find_header(top)
            if header is None:
                continue
            return _parse_sheet(sheet, meta.name, top, header, max_rows)
    names = ", ".join(_(BY_KEY[key].header) for key in ("id_number", "name"))
    raise FileRefused(_("No sheet in this workbook has a header line with the template's columns (at least %(names)s "
                        "in one of its first %(n)s rows). Download the template and copy your data into it.",
                        names=names, n=HEADER_SCAN))


def _parse_sheet(sheet, name: str, top: list[list[Any]], header: int, max_rows: int) -> ParsedSheet:
    columns = _known(top[header])
    first_data = header + 1
    if first_data < len(top) and len(set(_known(top[first_data]).values())) >= MIN_HEADERS:
        # The template's second header line (English under Chinese, or the other way round).
        for i, key in _known(top[first_data]).items():
            columns.setdefault(i, key)
        first_data += 1
    ignored = []
    for i in range(max(len(row) for row in top[header:first_data])):
        texts = [str(row[i]).strip() for row in top[header:first_data] if i < len(row) and str(row[i]).strip()]
        if i not in columns and texts:
            ignored.append(texts[0])
    _check_columns(columns)
    try:
        cells = sheet.to_python(skip_empty_area=False, nrows=first_data + max_rows + 1)
    except Exception:
        raise FileRefused(_("The workbook is damaged and cannot be read. Save it again from Excel.")) from None
    rows = [(number, row) for number, row in enumerate(cells[first_data:], start=first_data + 1)
            if any(cell not in ("", None) for cell in row)]
    if len(rows) > max_rows:
        raise FileRefused(ngettext("The file has more than %(num)s data row. Split it into several files.",
                                   "The file has more than %(num)s data rows. Split it into several files.",
                                   max_rows))
    return ParsedSheet(sheet_name=name, columns=columns, ignored=ignored, rows=rows)


def _check_columns(columns: dict[int, str]) -> None:
    seen: dict[str, int] = {}
    for index, key in sorted(columns.items()):
        if key in seen:
            raise FileRefused(_("The column %(column)s appears twice. Keep one and upload the file again.",
                                column=_(BY_KEY[key].header)))
        seen[key] = index
    missing = [c for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        raise FileRefused(_("The file has no column for %(columns)s. Use the template's headers.",
                            columns=", ".join(_(c.header) for c in missing)))
