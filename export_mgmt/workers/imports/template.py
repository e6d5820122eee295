"""The import template: a data sheet with a header line in the user's language and an example row, and an
instructions sheet listing every column (in both languages), whether it is required and the values it accepts.

Written with xlsxwriter directly rather than spreadsheets.xlsx_bytes, for three things a template needs and a
download does not: identifier columns formatted as text (so Excel keeps all 18 digits of an identity number that
is typed in), drop-down lists for coded columns, and notes on every column. The look (bold shaded header, frozen
panes) follows spreadsheets.py.
"""

from __future__ import annotations

import io

import xlsxwriter

from export_mgmt import i18n
from export_mgmt.i18n import _
from export_mgmt.regions import shenyang_counties
from export_mgmt.workers.imports.checks import MAX_FILE_BYTES, MiB
from export_mgmt.workers.imports.columns import (
    COLUMNS,
    EXAMPLE_ID,
    Column,
    allowed_values,
    example_value,
    header_text,
    in_locale,
)
from export_mgmt.workers.imports.reader import MAX_ROWS

HEADER_FORMAT = {"bold": True, "bg_color": "#E8EEF6", "border": 1, "text_wrap": True, "valign": "top"}
DATA_ROWS_FORMATTED = MAX_ROWS  # text format and drop-downs reach this far down
EXCEL_LIST_LIMIT = 255  # characters in an inline drop-down list


def _dropdown(column: Column) -> list[str] | None:
    if column.kind == "county":
        values = [c.name for c in shenyang_counties()]
    elif column.choices and column.kind != "multi":
        values = [i18n.gettext(label) for label in column.choices.values()]
    else:
        return None
    return values if len(",".join(values)) <= EXCEL_LIST_LIMIT else None


def _required_text(column: Column) -> str:
    if column.required:
        return _("Required")
    if column.default:
        return _("Optional; empty means %(value)s", value=i18n.gettext(column.choices[column.default])
                 if column.choices else column.default)
    return _("Optional")


def template_bytes() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    header = book.add_format(HEADER_FORMAT)
    text = book.add_format({"num_format": "@"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    sheet = book.add_worksheet(_("Workers")[:31])
    last = DATA_ROWS_FORMATTED
    locale = i18n.get_locale()
    for col, column in enumerate(COLUMNS):
        # The user's language only; the reader accepts either language's headers (and common register headings).
        sheet.write_string(0, col, header_text(column, locale), header)
        cell_format = date if column.kind == "date" else text
        sheet.set_column(col, col, column.width, cell_format)
        value = example_value(column)
        if value:
            sheet.write_string(1, col, value, cell_format)
        choices = _dropdown(column)
        if choices:
            sheet.data_validation(1, col, last, col, {
                "validate": "list", "source": choices, "ignore_blank": True, "show_error": False,
                "input_title": _(column.header)[:32], "input_message": _("Choose from the list or type a code.")[:255],
            })
    sheet.freeze_panes(1, 0)

    guide = book.add_worksheet(_("Instructions")[:31])
    notes = [
        _("Fill in the first sheet from row 2; row 2 is an example (identity number %(number)s) and is skipped on "
          "import, so you may leave it or delete it.", number=EXAMPLE_ID),
        _("Sex and birth date are not columns: they are read from the identity number."),
        _("At most %(rows)s data rows and %(mb)s MB per file; split larger registers into several files.",
          rows=i18n.format_number(MAX_ROWS), mb=MAX_FILE_BYTES // MiB),
        _("Coded columns accept the code or its label in Chinese or English."),
        _("Columns are found by their header (Chinese or English), so their order does not matter and other "
          "columns are ignored."),
    ]
    for row, line in enumerate(notes):
        guide.write_string(row, 0, line)
    top = len(notes) + 1
    headers = [_("Column (Chinese)"), _("Column (English)"), _("Required"), _("Allowed values and format"),
               _("Example")]
    for col, text_value in enumerate(headers):
        guide.write_string(top, col, text_value, header)
    for row, column in enumerate(COLUMNS, start=top + 1):
        described = "; ".join(part for part in (i18n.gettext(column.hint) if column.hint else "",
                                                allowed_values(column)) if part)
        guide.write_string(row, 0, in_locale("zh_CN", column.header), wrap)
        guide.write_string(row, 1, in_locale("en", column.header), wrap)
        guide.write_string(row, 2, _required_text(column), wrap)
        guide.write_string(row, 3, described, wrap)
        guide.write_string(row, 4, example_value(column), wrap)
    guide.set_column(0, 1, 22)
    guide.set_column(2, 2, 24)
    guide.set_column(3, 3, 80)
    guide.set_column(4, 4, 22)
    guide.freeze_panes(top + 1, 0)
    book.close()
    return out.getvalue()
