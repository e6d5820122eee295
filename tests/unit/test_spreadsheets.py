"""xlsx and CSV bytes: types kept, text kept as text, formulas neutralised, Excel's sheet-name rules."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from python_calamine import CalamineWorkbook

from export_mgmt.spreadsheets import Sheet, csv_bytes, xlsx_bytes


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8")[1:])))


def test_csv_neutralises_formulas_but_keeps_negative_numbers():
    rows = _read_csv(csv_bytes(["a"], [["=1+2"], ["+86 138"], ["-cmd"], ["@SUM(A1)"], ["\t=x"], ["-12.5"],
                                       [Decimal("-3.50")], ["普通文字"]]))
    assert [r[0] for r in rows[1:]] == ["'=1+2", "'+86 138", "'-cmd", "'@SUM(A1)", "'\t=x", "-12.5", "-3.50",
                                        "普通文字"]


def test_csv_writes_dates_times_and_empty_cells_plainly():
    rows = _read_csv(csv_bytes(["d", "t", "n", "b"], [[dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9, 5, 33),
                                                       None, True]]))
    assert rows[1] == ["2026-03-01", "2026-03-01 09:05", "", "1"]


def test_xlsx_keeps_types_and_text():
    data = xlsx_bytes([Sheet(title="名单[1]/2026:*?", headers=["号码", "日", "金额", "式"],
                             rows=[["210102198001010011", dt.date(2026, 3, 1), Decimal("12.50"), "=1+2"]],
                             notes=["说明"])])
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["名单12026"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0] == "说明"
    assert rows[2] == ["号码", "日", "金额", "式"]
    assert rows[3] == ["210102198001010011", dt.date(2026, 3, 1), 12.5, "=1+2"]


def test_long_sheet_titles_are_cut_to_excels_limit():
    data = xlsx_bytes([Sheet(title="x" * 40, headers=["a"], rows=iter([[1]]))])
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["x" * 31]
