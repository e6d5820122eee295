"""Checks on an uploaded workbook before any parser sees it, and how cells and headers are read."""

import io
import struct
import zipfile

import pytest

from export_mgmt.i18n import set_locale
from export_mgmt.workers.imports import checks
from export_mgmt.workers.imports.checks import FileRefused, check_workbook
from export_mgmt.workers.imports.columns import BY_KEY, column_for_header, header_collisions
from export_mgmt.workers.imports.validate import cell_text


@pytest.fixture(autouse=True)
def english():
    set_locale("en")


def archive(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def refused(data: bytes) -> str:
    with pytest.raises(FileRefused) as caught:
        check_workbook(data)
    return caught.value.message


def test_a_plain_workbook_passes():
    check_workbook(archive({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>" * 100}))
    check_workbook(archive({"xl/workbook.xml": b"<workbook/>"}, zipfile.ZIP_STORED))


def test_a_directory_that_understates_an_entry_is_caught_while_inflating():
    data = bytearray(archive({"xl/workbook.xml": b"<workbook/>", "xl/sheet.xml": b"<row/>" * 200_000}))
    # Rewrite the sheet's uncompressed size in the central directory to 1,000 bytes.
    entry = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, entry + 24, 1000)
    assert "more than its stated size" in refused(bytes(data))


def test_limits_on_total_size_entries_and_ratio(monkeypatch):
    parts = {"xl/workbook.xml": b"<workbook/>", "xl/a.xml": b"a" * 3_000_000}
    assert "compressed far more" in refused(archive(parts))
    monkeypatch.setattr(checks, "MAX_UNCOMPRESSED_BYTES", 1_000_000)
    assert "unpack to more than" in refused(archive(parts, zipfile.ZIP_STORED))
    monkeypatch.setattr(checks, "MAX_ENTRIES", 3)
    assert "parts inside" in refused(archive({f"xl/{i}.xml": b"x" for i in range(4)}))


def test_encrypted_entries_and_damaged_data_are_refused():
    data = bytearray(archive({"xl/workbook.xml": b"<workbook/>"}, zipfile.ZIP_STORED))
    entry = data.rfind(b"PK\x01\x02")
    struct.pack_into("<H", data, entry + 8, 1)  # the "encrypted" flag
    assert "password" in refused(bytes(data))
    data = bytearray(archive({"xl/workbook.xml": b"<workbook/>" * 50}))
    start = data.find(b"xl/workbook.xml") + len("xl/workbook.xml")
    data[start:start + 10] = b"\xff" * 10  # garbage in the compressed stream
    assert "damaged" in refused(bytes(data))


def test_headers_in_either_language_and_register_headings_name_the_same_column():
    assert header_collisions() == []
    for text in ("Identity number *", "身份证号码", "公民身份号码", " ID number ", "ｉｄ＿ｎｕｍｂｅｒ"):
        assert column_for_header(text) == "id_number", text
    assert column_for_header("Something else") is None


def test_long_numbers_excel_rounded_are_reported_not_guessed():
    text, problem = cell_text(210115198503041235.0, BY_KEY["id_number"])
    assert problem and "first 15 digits" in problem
    assert cell_text(13800000000.0, BY_KEY["phone"]) == ("13800000000", None)
    assert cell_text("  张三 ", BY_KEY["name"]) == ("张三", None)
